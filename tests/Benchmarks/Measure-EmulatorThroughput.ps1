#requires -Version 7.0
<#
.SYNOPSIS
    Benchmark (issue #3, not a test): how fast the emulator answers sequential GETs of an offer on loopback.
.DESCRIPTION
    Starts the emulator process and tests/Benchmarks/HttpLoop (one HttpClient, sequential GETs, each body read as a
    string) and times -Count GETs of /api/publishers/contoso/offers/<OfferId> per round, after a warm-up, for
    -Rounds rounds; GETs of /api/publishers (the cheapest API answer) are interleaved as a yardstick. Reported: the
    median wall time per round, and the emulator's and the client's processor time per round; and, first, the cold
    round: the first -Count GETs of the offer that a freshly started emulator answers (its JIT included, as a test
    suite that starts an emulator sees it), sent by a client already warmed up against another emulator process so
    that the client's own start-up is not counted.
    Goal: 2,000 sequential GETs of contoso-vm in under 2 s.
.EXAMPLE
    pwsh -NoProfile -File tests/Benchmarks/Measure-EmulatorThroughput.ps1
#>
[CmdletBinding()]
param(
    [int] $Count = 2000,
    [int] $Rounds = 7,
    [int] $Warmup = 3000,
    [string] $OfferId = 'contoso-vm',
    [switch] $NoBuild
)

$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'Benchmark.psm1') -Force
$null = Initialize-Benchmark -NoBuild:$NoBuild -HttpLoop
$httpLoop = Join-Path $PSScriptRoot 'HttpLoop/bin/Release/net10.0/HttpLoop.dll'

$client = Start-LineWorker dotnet @($httpLoop, '--token', 'benchmark-token')
$emulator = $null
try {
    $first = Start-BenchmarkEmulator
    try { $null = Invoke-LineWorker $client "run $Warmup $($first.Url)/api/publishers/contoso/offers/$($OfferId)?api-version=2017-10-31" }
    finally { Stop-TestEmulator $first }

    $emulator = Start-BenchmarkEmulator
    $targets = [ordered]@{
        "GET offer $OfferId" = "$($emulator.Url)/api/publishers/contoso/offers/$($OfferId)?api-version=2017-10-31"
        'GET /api/publishers' = "$($emulator.Url)/api/publishers?api-version=2017-10-31"
    }
    $offerKey = "GET offer $OfferId"
    $serverCpu = Get-ProcessCpuMs $emulator.Process.Id
    $cold = Invoke-LineWorker $client "run $Count $($targets[$offerKey])"
    $serverCpu = (Get-ProcessCpuMs $emulator.Process.Id) - $serverCpu
    Write-Host ("cold (fresh emulator): {0} x {1}: {2} ms (emulator CPU {3} ms, client CPU {4} ms)" -f $Count, $offerKey, (Format-Ms $cold.Ms), (Format-Ms $serverCpu), (Format-Ms $cold.CpuMs))
    foreach ($url in $targets.Values) { $null = Invoke-LineWorker $client "run $Warmup $url" }

    $results = @{}
    foreach ($k in $targets.Keys) { $results[$k] = [System.Collections.Generic.List[object]]::new() }
    for ($round = 1; $round -le $Rounds; $round++) {
        $keys = @($targets.Keys)
        if ($round % 2 -eq 0) { [array]::Reverse($keys) }
        foreach ($k in $keys) {
            $serverCpu = Get-ProcessCpuMs $emulator.Process.Id
            $r = Invoke-LineWorker $client "run $Count $($targets[$k])"
            $serverCpu = (Get-ProcessCpuMs $emulator.Process.Id) - $serverCpu
            $results[$k].Add([pscustomobject]@{ Ms = $r.Ms; ClientCpuMs = $r.CpuMs; ServerCpuMs = $serverCpu; Bytes = [long]$r.Extra[0] })
            Write-Host ("round {0}: {1} x {2}: {3} ms (emulator CPU {4} ms, client CPU {5} ms)" -f $round, $Count, $k, (Format-Ms $r.Ms), (Format-Ms $serverCpu), (Format-Ms $r.CpuMs))
        }
    }

    $rows = foreach ($k in $targets.Keys) {
        $median = Get-Median ($results[$k] | ForEach-Object Ms)
        [pscustomobject]@{
            Request                     = $k
            'body bytes'                = $results[$k][0].Bytes / $Count
            "ms per $Count (median)"    = [math]::Round($median, 1)
            "ms per $Count (max)"       = [math]::Round(($results[$k] | Measure-Object Ms -Maximum).Maximum, 1)
            'requests/s'                = [math]::Round($Count * 1000 / $median)
            'emulator CPU µs/request'   = [math]::Round((Get-Median ($results[$k] | ForEach-Object ServerCpuMs)) * 1000 / $Count, 1)
            'client CPU µs/request'     = [math]::Round((Get-Median ($results[$k] | ForEach-Object ClientCpuMs)) * 1000 / $Count, 1)
        }
    }
    $rows | Format-Table -AutoSize | Out-String -Width 250 | Write-Host
    Write-Host "Goal: $Count GETs of $OfferId in under 2000 ms: cold $(Format-Ms $cold.Ms) ms; warm median $(Format-Ms (Get-Median ($results[$offerKey] | ForEach-Object Ms))) ms."
    Write-Host "Machine: $(Get-MachineNote)"
}
finally {
    Stop-LineWorker $client
    if ($emulator) { Stop-TestEmulator $emulator }
}
