#requires -Version 7.0
<#
.SYNOPSIS
    Benchmark (issue #2, not a test): what Import-Module CloudPartner adds to starting PowerShell.
.DESCRIPTION
    Runs, alternating, -Runs times each (after one discarded warm-up of each):
      bare:    pwsh -NoProfile -NonInteractive -c exit
      import:  pwsh -NoProfile -NonInteractive -c "Import-Module '<packaged module>'"
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

function Measure-Start([string] $Command) {
    $info = [System.Diagnostics.ProcessStartInfo]::new($Pwsh)
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
    $watch.Elapsed.TotalMilliseconds
}

$variants = [ordered]@{ bare = 'exit'; import = "Import-Module '$ModulePath'" }
if ($BaselineModulePath) { $variants['baseline'] = "Import-Module '$((Resolve-Path $BaselineModulePath).Path)'" }
foreach ($v in $variants.Values) { $null = Measure-Start $v }   # warm the file cache

$times = @{}
foreach ($k in $variants.Keys) { $times[$k] = [System.Collections.Generic.List[double]]::new() }
for ($i = 0; $i -lt $Runs; $i++) {
    $order = @($variants.Keys)
    if ($i % 2) { [array]::Reverse($order) }
    foreach ($k in $order) { $times[$k].Add((Measure-Start $variants[$k])) }
}

$pairRatio = Get-Median (0..($Runs - 1) | ForEach-Object { $times['import'][$_] / $times['bare'][$_] })
$rows = foreach ($k in $variants.Keys) {
    [pscustomobject]@{ Variant = $k; 'Median ms' = [math]::Round((Get-Median $times[$k]), 1); 'Min ms' = [math]::Round(($times[$k] | Measure-Object -Minimum).Minimum, 1); Runs = $Runs }
}
$rows | Format-Table -AutoSize | Out-String -Width 250 | Write-Host
$ratioOfMedians = (Get-Median $times['import']) / (Get-Median $times['bare'])
Write-Host "import / bare: median of per-run ratios $(Format-Ratio $pairRatio), ratio of medians $(Format-Ratio $ratioOfMedians) (goal < 1.15)"
if ($BaselineModulePath) {
    $baseRatio = Get-Median (0..($Runs - 1) | ForEach-Object { $times['baseline'][$_] / $times['bare'][$_] })
    Write-Host "baseline import / bare: median of per-run ratios $(Format-Ratio $baseRatio)"
}

# Which assemblies the import loads: the same probe with and without Import-Module, diffed.
$probe = {
    param($Import, $Then)
    $list = '[AppDomain]::CurrentDomain.GetAssemblies() | ForEach-Object { $_.GetName().Name } | Sort-Object'
    $script = if ($Import) { "Import-Module '$Import'; $Then; $list" } else { $list }
    & $Pwsh -NoProfile -NonInteractive -c $script
}
$before = & $probe $null ''
$after = & $probe $ModulePath ''
$used = & $probe $ModulePath $CompareCommand
$loaded = @($after | Where-Object { $_ -notin $before })
$later = @($used | Where-Object { $_ -notin $after })
Write-Host "Assemblies that Import-Module loads: $($loaded -join ', ')"
Write-Host "Assemblies loaded later, by the first '$CompareCommand': $($later -join ', ')"
Write-Host "Machine: $(Get-MachineNote)"
[pscustomobject]@{ Times = $rows; MedianPairRatio = $pairRatio; RatioOfMedians = $ratioOfMedians; LoadedByImport = $loaded; LoadedByFirstCommand = $later }
