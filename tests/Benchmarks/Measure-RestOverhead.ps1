#requires -Version 7.0
<#
.SYNOPSIS
    Benchmark (issue #2, not a test): the cost of Invoke-CpRestMethod against Invoke-RestMethod and a raw HttpClient loop.
.DESCRIPTION
    Starts the emulator on loopback and, against it, in one run:
      - pwsh workers with the module, one per variant: Count sequential Invoke-CpRestMethod GETs of -Path; Count
        Invoke-RestMethod GETs of the same URL with the same headers (Authorization, Accept, User-Agent); Count
        Get-CpSession calls (the floor: what calling any compiled cmdlet of the module costs in a script loop);
      - tests/Benchmarks/HttpLoop, a C# console program: Count sequential GETs with one HttpClient and the same headers;
      - with -BaselineModulePath, a second pwsh worker with another build of the module (before/after figures).
    Every round runs Count calls of each variant, interleaved in blocks of -BlockSize calls (the order rotating from
    block to block) so that load from other processes falls on all variants alike. Reported: the median over rounds of
    each variant's wall time, processor time and JIT time for Count calls, and the median over rounds of the
    per-round ratios.
    Two phases: 'cold' is the first round, in freshly started processes (what a script that makes Count calls in a
    new session sees, JIT compilation included); then each variant is warmed up in blocks of 1000 calls until the
    runtime stops compiling methods (two blocks in a row with under 2 ms of JIT, at most -MaxWarmupBlocks), and the
    -Rounds that follow are 'steady' (the per-call cost once the process is warm).
    Goals: Invoke-RestMethod / Invoke-CpRestMethod >= 2; Invoke-CpRestMethod / HttpClient <= 1.3.
.EXAMPLE
    pwsh -NoProfile -File tests/Benchmarks/Measure-RestOverhead.ps1
.EXAMPLE
    pwsh -NoProfile -File tests/Benchmarks/Measure-RestOverhead.ps1 -BaselineModulePath /tmp/baseline/out/CloudPartner/0.1.0/CloudPartner.psd1
#>
[CmdletBinding()]
param(
    [string] $ModulePath,
    [string] $BaselineModulePath,
    [int] $Count = 1000,
    [int] $Rounds = 7,
    [int] $BlockSize = 100,
    [int] $MaxWarmupBlocks = 40,
    [string] $Path = '/api/publishers',
    [switch] $NoBuild
)

$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'Benchmark.psm1') -Force
if ($Count % $BlockSize) { throw '-Count must be a multiple of -BlockSize.' }
$ModulePath = Initialize-Benchmark -ModulePath $ModulePath -NoBuild:$NoBuild -HttpLoop
$token = 'benchmark-token'
$workerScript = Join-Path $PSScriptRoot 'RestWorker.ps1'
$httpLoop = Join-Path $PSScriptRoot 'HttpLoop/bin/Release/net10.0/HttpLoop.dll'
if (-not (Test-Path $httpLoop)) { throw "HttpLoop is not built: $httpLoop" }

$emulator = Start-BenchmarkEmulator
$workers = @()
try {
    $url = $emulator.Url
    $fullUrl = "$url$($Path)?api-version=2017-10-31"
    # One process per variant, so that no variant's compiling, garbage or threads land in another's figures.
    $startModuleWorker = { param($Module) Start-LineWorker pwsh @('-NoProfile', '-NonInteractive', '-File', $workerScript, '-ModulePath', $Module, '-Url', $url, '-Path', $Path, '-Token', $token) }
    $cpWorker = & $startModuleWorker $ModulePath
    $irmWorker = & $startModuleWorker $ModulePath
    $floorWorker = & $startModuleWorker $ModulePath
    $workers += $cpWorker, $irmWorker, $floorWorker
    $version = (Import-PowerShellDataFile $ModulePath).ModuleVersion
    $raw = Start-LineWorker dotnet @($httpLoop, '--token', $token, '--user-agent', "CloudPartner/$version")
    $workers += $raw

    $variants = [System.Collections.Generic.List[object]]::new()
    $variants.Add([pscustomobject]@{ Name = 'Invoke-CpRestMethod'; Worker = $cpWorker; Command = { param($n) "cp $n" } })
    $variants.Add([pscustomobject]@{ Name = 'Invoke-RestMethod'; Worker = $irmWorker; Command = { param($n) "irm $n" } })
    $variants.Add([pscustomobject]@{ Name = 'HttpClient loop (C#)'; Worker = $raw; Command = { param($n) "run $n $fullUrl" } })
    $variants.Add([pscustomobject]@{ Name = 'Get-CpSession (floor)'; Worker = $floorWorker; Command = { param($n) "noop $n" } })
    if ($BaselineModulePath) {
        $baseline = Start-LineWorker pwsh @('-NoProfile', '-NonInteractive', '-File', $workerScript, '-ModulePath', (Resolve-Path $BaselineModulePath).Path, '-Url', $url, '-Path', $Path, '-Token', $token)
        $workers += $baseline
        $variants.Add([pscustomobject]@{ Name = 'Invoke-CpRestMethod (baseline build)'; Worker = $baseline; Command = { param($n) "cp $n" } })
    }

    function Invoke-Round {
        $totals = @{}
        foreach ($v in $variants) { $totals[$v.Name] = [pscustomobject]@{ Ms = 0.0; CpuMs = 0.0; JitMs = 0.0 } }
        for ($block = 0; $block -lt $Count / $BlockSize; $block++) {
            for ($k = 0; $k -lt $variants.Count; $k++) {
                $v = $variants[($block + $k) % $variants.Count]
                $r = Invoke-LineWorker $v.Worker (& $v.Command $BlockSize)
                $totals[$v.Name].Ms += $r.Ms
                $totals[$v.Name].CpuMs += $r.CpuMs
                $totals[$v.Name].JitMs += $r.JitMs
            }
        }
        $totals
    }

    function Write-Round([string] $Label, $Totals) {
        Write-Host ("{0}: {1}" -f $Label, (($variants | ForEach-Object { "$($_.Name) $(Format-Ms $Totals[$_.Name].Ms) ms (JIT $(Format-Ms $Totals[$_.Name].JitMs))" }) -join '; '))
    }

    $cold = Invoke-Round
    Write-Round 'cold round' $cold

    foreach ($v in $variants) {
        $quiet = 0
        for ($n = 1; $n -le $MaxWarmupBlocks -and $quiet -lt 2; $n++) {
            $r = Invoke-LineWorker $v.Worker (& $v.Command 1000)
            $quiet = if ($r.JitMs -lt 2) { $quiet + 1 } else { 0 }
        }
        Write-Host "warmed up $($v.Name): $(($n - 1) * 1000) calls$(if ($quiet -lt 2) { ' (still compiling)' })"
    }

    $results = @{}
    foreach ($v in $variants) { $results[$v.Name] = [System.Collections.Generic.List[object]]::new() }
    for ($round = 1; $round -le $Rounds; $round++) {
        $totals = Invoke-Round
        foreach ($v in $variants) { $results[$v.Name].Add($totals[$v.Name]) }
        Write-Round "round $round" $totals
    }

    function Get-RoundRatio([string] $Numerator, [string] $Denominator, [string] $Field = 'Ms') {
        $ratios = for ($i = 0; $i -lt $Rounds; $i++) { $results[$Numerator][$i].$Field / $results[$Denominator][$i].$Field }
        Get-Median $ratios
    }

    $rows = foreach ($v in $variants) {
        [pscustomobject]@{
            Variant              = $v.Name
            'cold µs/call'       = [math]::Round($cold[$v.Name].Ms * 1000 / $Count, 1)
            'steady µs/call'     = [math]::Round((Get-Median ($results[$v.Name] | ForEach-Object Ms)) * 1000 / $Count, 1)
            'steady CPU µs/call' = [math]::Round((Get-Median ($results[$v.Name] | ForEach-Object CpuMs)) * 1000 / $Count, 1)
            'steady JIT ms/round' = [math]::Round((Get-Median ($results[$v.Name] | ForEach-Object JitMs)), 1)
        }
    }
    $rows | Format-Table -AutoSize | Out-String -Width 250 | Write-Host

    $cp = 'Invoke-CpRestMethod'
    function Get-ColdRatio([string] $Numerator, [string] $Denominator) { $cold[$Numerator].Ms / $cold[$Denominator].Ms }
    $raw = 'HttpClient loop (C#)'
    $ratioRows = @(
        [pscustomobject]@{ Ratio = 'Invoke-RestMethod / Invoke-CpRestMethod (goal >= 2)'; Cold = Get-ColdRatio 'Invoke-RestMethod' $cp; Steady = Get-RoundRatio 'Invoke-RestMethod' $cp; SteadyCpu = Get-RoundRatio 'Invoke-RestMethod' $cp 'CpuMs' }
        [pscustomobject]@{ Ratio = 'Invoke-CpRestMethod / HttpClient loop (goal <= 1.3)'; Cold = Get-ColdRatio $cp $raw; Steady = Get-RoundRatio $cp $raw; SteadyCpu = Get-RoundRatio $cp $raw 'CpuMs' }
        [pscustomobject]@{ Ratio = 'Get-CpSession floor / HttpClient loop'; Cold = Get-ColdRatio 'Get-CpSession (floor)' $raw; Steady = Get-RoundRatio 'Get-CpSession (floor)' $raw; SteadyCpu = Get-RoundRatio 'Get-CpSession (floor)' $raw 'CpuMs' }
    )
    if ($BaselineModulePath) {
        $base = 'Invoke-CpRestMethod (baseline build)'
        $ratioRows += [pscustomobject]@{ Ratio = 'baseline build / this build (Invoke-CpRestMethod)'; Cold = Get-ColdRatio $base $cp; Steady = Get-RoundRatio $base $cp; SteadyCpu = Get-RoundRatio $base $cp 'CpuMs' }
        $ratioRows += [pscustomobject]@{ Ratio = 'baseline build / HttpClient loop'; Cold = Get-ColdRatio $base $raw; Steady = Get-RoundRatio $base $raw; SteadyCpu = Get-RoundRatio $base $raw 'CpuMs' }
    }
    $ratioRows | ForEach-Object { [pscustomobject]@{ Ratio = $_.Ratio; 'cold (wall)' = Format-Ratio $_.Cold; 'steady (wall)' = Format-Ratio $_.Steady; 'steady (CPU)' = Format-Ratio $_.SteadyCpu } } |
        Format-Table -AutoSize | Out-String -Width 250 | Write-Host
    Write-Host "Machine: $(Get-MachineNote)"
    [pscustomobject]@{ Variants = $rows; Ratios = $ratioRows } | Out-Null
}
finally {
    foreach ($w in $workers) { Stop-LineWorker $w }
    Stop-TestEmulator $emulator
}
