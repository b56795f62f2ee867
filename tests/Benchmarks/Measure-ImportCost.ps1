#requires -Version 7.0
<#
.SYNOPSIS
    Benchmark (issue #2, not a test): what Import-Module CloudPartner adds to starting PowerShell.
.DESCRIPTION
    Runs, alternating, -Runs times each (after one discarded warm-up of each):
      bare:    pwsh -NoProfile -NonInteractive -c exit
      import:  pwsh -NoProfile -NonInteractive -c "Import-Module '<packaged module>'"
      empty:   the same with a manifest that holds only a version (the floor of Import-Module itself)
      trivial: the same with a trivial binary module (one cmdlet, one format view) built on the spot
    timing each process from start to exit. Reports the median of each, the median of the per-pair ratios
    import/bare (goal: under 1.15) and the ratio of the medians. Then lists the assemblies that the import loads
    (those in the process after Import-Module that are not there in the same script without it), with
    -CompareCommand showing what a first command loads on top.
.EXAMPLE
    pwsh -NoProfile -File tests/Benchmarks/Measure-ImportCost.ps1
#>
[CmdletBinding()]
param(
    [string] $ModulePath,
    [string] $BaselineModulePath,
    [int] $Runs = 15,
    [string] $Pwsh = (Get-Command pwsh).Source,
    [string] $CompareCommand = 'Connect-CpAccount -AccessToken t -Endpoint http://127.0.0.1:9 | Out-Null',
    [switch] $NoBuild
)

$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'Benchmark.psm1') -Force
$ModulePath = Initialize-Benchmark -ModulePath $ModulePath -NoBuild:$NoBuild

# GNU time, when present, also gives each process's processor time (user + system), which other processes' load
# disturbs much less than wall time.
$gnuTime = if (Test-Path /usr/bin/time) { '/usr/bin/time' }

function Measure-Start([string] $Command) {
    $info = [System.Diagnostics.ProcessStartInfo]::new($(if ($gnuTime) { $gnuTime } else { $Pwsh }))
    if ($gnuTime) { foreach ($a in '-f', 'cpu %U %S', $Pwsh) { $info.ArgumentList.Add($a) } }
    foreach ($a in '-NoProfile', '-NonInteractive', '-c', $Command) { $info.ArgumentList.Add($a) }
    $info.UseShellExecute = $false
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $p = [System.Diagnostics.Process]::Start($info)
    $out = $p.StandardOutput.ReadToEndAsync()
    $err = $p.StandardError.ReadToEndAsync()
    $p.WaitForExit()
    $watch.Stop()
    if ($p.ExitCode -ne 0) { throw "'$Command' exited with $($p.ExitCode): $($err.Result)$($out.Result)" }
    $inside = [double]::NaN
    if ($out.Result -match 'inside (\d+(\.\d+)?)') { $inside = [double]::Parse($Matches[1], [cultureinfo]::InvariantCulture) }
    $cpu = [double]::NaN
    if ($gnuTime -and $err.Result -match 'cpu (\d+\.\d+) (\d+\.\d+)') {
        $cpu = ([double]::Parse($Matches[1], [cultureinfo]::InvariantCulture) + [double]::Parse($Matches[2], [cultureinfo]::InvariantCulture)) * 1000
    }
    [pscustomobject]@{ Ms = $watch.Elapsed.TotalMilliseconds; CpuMs = $cpu; InsideMs = $inside }
}

# A third command imports the module the same way and prints how long Import-Module took inside the process
# ('inside MS'), a figure that the noise of starting processes on a busy machine does not reach.
$timed = '$w = [Diagnostics.Stopwatch]::StartNew(); {0}; [Console]::Out.Write(''inside '' + $w.Elapsed.TotalMilliseconds.ToString([cultureinfo]::InvariantCulture))'
# Two floors: a module with nothing in it (a manifest with a version only), and a trivial binary module (a manifest,
# one cmdlet in a 3 KB assembly, one format view), built here in a child process.
$scratch = Join-Path ([IO.Path]::GetTempPath()) "cp-bench-import-$PID"
New-Item -ItemType Directory -Force -Path $scratch | Out-Null
$empty = Join-Path $scratch 'Empty.psd1'
Set-Content -Path $empty -Value "@{ ModuleVersion = '1.0.0' }"
$trivial = Join-Path $scratch 'Trivial.psd1'
Set-Content -Path $trivial -Value "@{ RootModule = 'Trivial.dll'; ModuleVersion = '1.0.0'; GUID = '0b5b1bde-4a1e-4a8e-9d56-5f3e0e6b1c11'; CmdletsToExport = @('Get-Trivial'); FormatsToProcess = @('Trivial.format.ps1xml') }"
Set-Content -Path (Join-Path $scratch 'Trivial.format.ps1xml') -Value @'
<?xml version="1.0" encoding="utf-8"?>
<Configuration><ViewDefinitions><View><Name>Trivial.Thing</Name><ViewSelectedBy><TypeName>Trivial.Thing</TypeName></ViewSelectedBy>
<TableControl><TableHeaders><TableColumnHeader><Label>Name</Label></TableColumnHeader></TableHeaders><TableRowEntries><TableRowEntry>
<TableColumnItems><TableColumnItem><PropertyName>Name</PropertyName></TableColumnItem></TableColumnItems></TableRowEntry></TableRowEntries>
</TableControl></View></ViewDefinitions></Configuration>
'@
Set-Content -Path (Join-Path $scratch 'Trivial.cs') -Value @'
using System.Management.Automation;
namespace Trivial
{
    [Cmdlet(VerbsCommon.Get, "Trivial")]
    public sealed class GetTrivialCommand : PSCmdlet
    {
        protected override void EndProcessing() => WriteObject(new Thing());
    }

    public sealed class Thing
    {
        public string Name { get; set; } = "x";
    }
}
'@
& $Pwsh -NoProfile -NonInteractive -c "Add-Type -Path '$(Join-Path $scratch 'Trivial.cs')' -OutputAssembly '$(Join-Path $scratch 'Trivial.dll')'"
if ($LASTEXITCODE -ne 0) { throw 'Could not build the trivial reference module.' }

$variants = [ordered]@{
    bare                     = 'exit'
    import                   = "Import-Module '$ModulePath'"
    'import (timed inside)'  = ($timed -f "Import-Module '$ModulePath'")
    'empty module'           = "Import-Module '$empty'"
    'empty (timed inside)'   = ($timed -f "Import-Module '$empty'")
    'trivial binary module'  = "Import-Module '$trivial'"
    'trivial (timed inside)' = ($timed -f "Import-Module '$trivial'")
}
if ($BaselineModulePath) { $variants['baseline'] = "Import-Module '$((Resolve-Path $BaselineModulePath).Path)'" }
foreach ($v in $variants.Values) { $null = Measure-Start $v }   # warm the file cache

$times = @{}
$cpus = @{}
$insides = @{}
foreach ($k in $variants.Keys) { $times[$k] = [System.Collections.Generic.List[double]]::new(); $cpus[$k] = [System.Collections.Generic.List[double]]::new(); $insides[$k] = [System.Collections.Generic.List[double]]::new() }
for ($i = 0; $i -lt $Runs; $i++) {
    $order = @($variants.Keys)
    if ($i % 2) { [array]::Reverse($order) }
    foreach ($k in $order) {
        $r = Measure-Start $variants[$k]
        $times[$k].Add($r.Ms)
        $cpus[$k].Add($r.CpuMs)
        $insides[$k].Add($r.InsideMs)
    }
}

$pairRatio = Get-Median (0..($Runs - 1) | ForEach-Object { $times['import'][$_] / $times['bare'][$_] })
$cpuRatio = Get-Median (0..($Runs - 1) | ForEach-Object { $cpus['import'][$_] / $cpus['bare'][$_] })
$rows = foreach ($k in $variants.Keys) {
    [pscustomobject]@{
        Variant         = $k
        'Median ms'     = [math]::Round((Get-Median $times[$k]), 1)
        'Min ms'        = [math]::Round(($times[$k] | Measure-Object -Minimum).Minimum, 1)
        'Median CPU ms' = [math]::Round((Get-Median $cpus[$k]), 1)
        'Import-Module ms (inside)' = if ($k -like '*inside*') { [math]::Round((Get-Median $insides[$k]), 1) } else { '' }
        Runs            = $Runs
    }
}
$rows | Format-Table -AutoSize | Out-String -Width 250 | Write-Host
$ratioOfMedians = (Get-Median $times['import']) / (Get-Median $times['bare'])
$insideEstimate = 1 + (Get-Median $insides['import (timed inside)']) / (Get-Median $times['bare'])
$insideOwn = (Get-Median $insides['import (timed inside)']) - (Get-Median $insides['empty (timed inside)'])
Write-Host "import / bare: median of per-run ratios $(Format-Ratio $pairRatio), ratio of medians $(Format-Ratio $ratioOfMedians) (goal < 1.15); processor time: median of per-run ratios $(Format-Ratio $cpuRatio); 1 + Import-Module time inside / bare start $(Format-Ratio $insideEstimate)"
$emptyRatio = Get-Median (0..($Runs - 1) | ForEach-Object { $times['empty module'][$_] / $times['bare'][$_] })
$ownRatio = Get-Median (0..($Runs - 1) | ForEach-Object { $times['import'][$_] / $times['empty module'][$_] })
$trivialRatio = Get-Median (0..($Runs - 1) | ForEach-Object { $times['trivial binary module'][$_] / $times['bare'][$_] })
Write-Host "empty module / bare (the floor of any Import-Module): median of per-run ratios $(Format-Ratio $emptyRatio)"
Write-Host "trivial binary module / bare (the floor of a binary module with a format file): median of per-run ratios $(Format-Ratio $trivialRatio)"
Write-Host "import / empty module (this module's own share): median of per-run ratios $(Format-Ratio $ownRatio); in-process, Import-Module of this module takes $(Format-Ms $insideOwn) ms more than of the empty one"
if ($BaselineModulePath) {
    $baseRatio = Get-Median (0..($Runs - 1) | ForEach-Object { $times['baseline'][$_] / $times['bare'][$_] })
    $baseCpuRatio = Get-Median (0..($Runs - 1) | ForEach-Object { $cpus['baseline'][$_] / $cpus['bare'][$_] })
    Write-Host "baseline import / bare: median of per-run ratios $(Format-Ratio $baseRatio); processor time $(Format-Ratio $baseCpuRatio)"
}

# Which assemblies the import loads: the same probe with and without Import-Module, diffed.
$probe = {
    param($Import, $Then)
    $list = '[AppDomain]::CurrentDomain.GetAssemblies() | ForEach-Object { $_.GetName().Name } | Sort-Object'
    $script = if ($Import) { "Import-Module '$Import'; $Then; $list" } else { $list }
    & $Pwsh -NoProfile -NonInteractive -c $script
}
# pwsh loads some assemblies on background threads at start-up (System.Net.Http, System.Text.Json, ...), so a single
# probe may or may not list them: probe three times each, and count an assembly as loaded by a step only when it is
# in every probe after the step and in no probe before it.
function Get-Probes($Import, $Then) { @(1..3 | ForEach-Object { , @(& $probe $Import $Then) }) }
function Get-Union($Probes) { @($Probes | ForEach-Object { $_ } | Sort-Object -Unique) }
function Get-Intersection($Probes) { @((Get-Union $Probes) | Where-Object { $name = $_; -not ($Probes | Where-Object { $name -notin $_ }) }) }
$beforeProbes = Get-Probes $null ''
$afterProbes = Get-Probes $ModulePath ''
$usedProbes = Get-Probes $ModulePath $CompareCommand
$loaded = @(Get-Intersection $afterProbes | Where-Object { $_ -notin (Get-Union $beforeProbes) })
$later = @(Get-Intersection $usedProbes | Where-Object { $_ -notin (Get-Union ($beforeProbes + $afterProbes)) })
Write-Host "Assemblies that Import-Module loads: $($loaded -join ', ')"
if ($BaselineModulePath) {
    $baselineLoaded = @(Get-Intersection (Get-Probes (Resolve-Path $BaselineModulePath).Path '') | Where-Object { $_ -notin (Get-Union $beforeProbes) })
    Write-Host "Assemblies that Import-Module of the baseline build loads: $($baselineLoaded -join ', ')"
}
Write-Host "Assemblies loaded later, by the first '$CompareCommand': $($later -join ', ')"
Remove-Item $scratch -Recurse -Force
Write-Host "Machine: $(Get-MachineNote)"
[pscustomobject]@{ Times = $rows; MedianPairRatio = $pairRatio; RatioOfMedians = $ratioOfMedians; CpuRatio = $cpuRatio; LoadedByImport = $loaded; LoadedByFirstCommand = $later } | Out-Null
