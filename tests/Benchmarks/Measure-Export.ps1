#requires -Version 7.0
<#
.SYNOPSIS
    Benchmark (issue #15, not a test): Export-CpOffer of many offers against a sequential Get-CpOffer loop that writes
    the same files, with the emulator adding latency to every request.
.DESCRIPTION
    Starts the emulator, creates -Offers offers, then adds -LatencyMs of latency to every API request and, in one run,
    alternates -Rounds times between:
      export:     Export-CpOffer -Path <folder> -OfferId 'bench-*' -ThrottleLimit <ThrottleLimit>
      sequential: foreach offer: Get-CpOffer -OfferId <id> -Raw, written to the same file layout
    Both start with the offers list (one request) and end with every file written. Reported: the median wall time of
    each, their ratio, and the goal: the export within 1.3 x ceil(Offers / ThrottleLimit) x LatencyMs.
.EXAMPLE
    pwsh -NoProfile -File tests/Benchmarks/Measure-Export.ps1
#>
[CmdletBinding()]
param(
    [int] $Offers = 500,
    [int] $LatencyMs = 100,
    [int] $ThrottleLimit = 8,
    [int] $Rounds = 3,
    [string] $ModulePath,
    [switch] $NoBuild
)

$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'Benchmark.psm1') -Force
$ModulePath = Initialize-Benchmark -ModulePath $ModulePath -NoBuild:$NoBuild
Import-Module $ModulePath -Force
$emulator = Start-BenchmarkEmulator -Arguments @('--request-log-capacity', '100')
$scratch = Join-Path ([System.IO.Path]::GetTempPath()) ("cp-export-bench-" + [guid]::NewGuid().ToString('N'))
try {
    Connect-CpAccount -AccessToken 'benchmark-token' -Endpoint $emulator.Url -PublisherId contoso | Out-Null
    $template = Get-CpOffer -OfferId contoso-vm -Raw | ConvertFrom-Json -AsHashtable
    $ids = 1..$Offers | ForEach-Object { 'bench-{0:d4}' -f $_ }
    foreach ($id in $ids) {
        $template.id = $id
        New-CpOffer -OfferId $id -Definition $template | Out-Null
    }
    Invoke-EmulatorAdmin $emulator -Path faults -Method POST -Body @{ kind = 'latency'; path = '/api/'; latencyMs = $LatencyMs } | Out-Null

    $variants = [ordered]@{
        export     = {
            param($folder)
            Export-CpOffer -Path $folder -OfferId 'bench-*' -ThrottleLimit $ThrottleLimit | Out-Null
        }
        sequential = {
            param($folder)
            $listed = Get-CpOffer -OfferId 'bench-*'
            New-Item -ItemType Directory -Path (Join-Path $folder 'contoso') -Force | Out-Null
            foreach ($offer in $listed) {
                $raw = Get-CpOffer -OfferId $offer.OfferId -Raw
                [System.IO.File]::WriteAllText((Join-Path $folder "contoso/$($offer.OfferId).json"), $raw)
            }
        }
    }

    $times = @{ export = [System.Collections.Generic.List[double]]::new(); sequential = [System.Collections.Generic.List[double]]::new() }
    for ($round = 1; $round -le $Rounds; $round++) {
        $order = if ($round % 2) { 'export', 'sequential' } else { 'sequential', 'export' }
        foreach ($name in $order) {
            $folder = Join-Path $scratch "$name-$round"
            $watch = [System.Diagnostics.Stopwatch]::StartNew()
            & $variants[$name] $folder
            $watch.Stop()
            $written = @(Get-ChildItem (Join-Path $folder 'contoso') -Filter '*.json').Count
            if ($written -ne $Offers) { throw "$name wrote $written files, not $Offers." }
            $times[$name].Add($watch.Elapsed.TotalMilliseconds)
            Write-Host ("round {0}: {1,-10} {2} ms for {3} offers" -f $round, $name, (Format-Ms $watch.Elapsed.TotalMilliseconds), $Offers)
        }
    }

    $export = Get-Median $times.export
    $sequential = Get-Median $times.sequential
    $goal = 1.3 * [math]::Ceiling($Offers / $ThrottleLimit) * $LatencyMs
    Write-Host ''
    Write-Host (Get-MachineNote)
    Write-Host ("median: export {0} ms, sequential loop {1} ms; the loop takes {2} x as long as the export." -f (Format-Ms $export), (Format-Ms $sequential), (Format-Ratio ($sequential / $export)))
    Write-Host ("goal: export within 1.3 x ceil({0} / {1}) x {2} ms = {3} ms: {4}" -f $Offers, $ThrottleLimit, $LatencyMs, (Format-Ms $goal), $(if ($export -le $goal) { 'met' } else { 'missed' }))
}
finally {
    Disconnect-CpAccount
    Stop-TestEmulator $emulator
    if (Test-Path $scratch) { Remove-Item $scratch -Recurse -Force }
}
