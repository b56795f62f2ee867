#requires -Version 7.0
<#
.SYNOPSIS
    Benchmark (issue #5, not a test): waiting for 100 concurrent operations against waiting for one.
.DESCRIPTION
    Starts the emulator with a time scale that makes a publish reach publisher sign-off in -Seconds (T), and a pwsh
    worker (WaitWorker.ps1) with the module. Each repetition, alternating the order:
      one:   1 new offer     | Publish-CpOffer | Wait-CpOperation -PollingInterval <interval>
      many:  -Operations new offers, the same pipeline (the publishes start one after another; each wait starts as
             its publish returns, so all of them run at once)
    each timed from the first publish to the last operation written. The emulator's request log gives the polls:
    the GETs of each operation's location, less the one Publish-CpOffer makes to read the operation it started.
    Goals: many / one < 1.5 (and many / T < 1.5), and at most ceil(T / interval) + 2 polls per operation.
    With -BaselineModulePath a second worker runs the same with another build, interleaved (before/after figures).
.EXAMPLE
    pwsh -NoProfile -File tests/Benchmarks/Measure-WaitScale.ps1
#>
[CmdletBinding()]
param(
    [string] $ModulePath,
    [string] $BaselineModulePath,
    [int] $Operations = 100,
    [double] $Seconds = 3,
    [double] $PollingInterval = 0.5,
    [int] $Repetitions = 3,
    [switch] $NoBuild
)

$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'Benchmark.psm1') -Force
$ModulePath = Initialize-Benchmark -ModulePath $ModulePath -NoBuild:$NoBuild

# A publish runs Validate (15 min), Certification (2 days), Provisioning (1 day) and Packaging (1 hour) of emulator
# time before it stops at publisher sign-off: 263,700 s, divided by the time scale.
$publishSeconds = 900 + 2 * 86400 + 86400 + 3600
$timeScale = $publishSeconds / $Seconds
$maxPolls = [math]::Ceiling($Seconds / $PollingInterval) + 2
$capacity = ($Operations + 1) * ($maxPolls + 10) * 2 + 1000
$emulator = Start-BenchmarkEmulator -Arguments @('--time-scale', $timeScale.ToString([cultureinfo]::InvariantCulture), '--request-log-capacity', "$capacity")
$workers = @{}
try {
    $builds = [ordered]@{ 'this build' = $ModulePath }
    if ($BaselineModulePath) { $builds['baseline build'] = (Resolve-Path $BaselineModulePath).Path }
    foreach ($b in $builds.Keys) {
        $workers[$b] = Start-LineWorker pwsh @('-NoProfile', '-NonInteractive', '-File', (Join-Path $PSScriptRoot 'WaitWorker.ps1'), '-ModulePath', $builds[$b], '-Url', $emulator.Url)
    }
    $admin = "$($emulator.Url)/_emulator"
    $interval = $PollingInterval.ToString([cultureinfo]::InvariantCulture)

    function Invoke-Wait([string] $Build, [int] $Count, [string] $Prefix) {
        Invoke-RestMethod -Method Delete "$admin/requests" | Out-Null
        $r = Invoke-LineWorker $workers[$Build] "wait $Count $Prefix $interval"
        if ([int]$r.Extra[0] -ne $Count -or [int]$r.Extra[1] -ne $Count) { throw "$Build wrote $($r.Extra[0]) operations, $($r.Extra[1]) at sign-off, of $Count." }
        $log = Invoke-RestMethod "$admin/requests"
        $polls = foreach ($i in 1..$Count) {
            $offer = '{0}-{1:d3}' -f $Prefix, $i
            $gets = @($log | Where-Object { $_.method -eq 'GET' -and ($_.path -like "/api/operations/contoso`$$offer`$*" -or $_.path -like "/api/publishers/contoso/offers/$offer/operations/*") }).Count
            $gets - 1
        }
        [pscustomobject]@{
            Ms       = $r.Ms
            CpuMs    = $r.CpuMs
            MaxPolls = ($polls | Measure-Object -Maximum).Maximum
            AvgPolls = ($polls | Measure-Object -Average).Average
            Requests = @($log).Count
        }
    }

    # One untimed round first, so that neither build pays for compiling its code in the figures.
    foreach ($b in $builds.Keys) { $null = Invoke-Wait $b 2 ("warm-" + ($b -replace ' ', '-')) }

    $runs = [System.Collections.Generic.List[object]]::new()
    for ($rep = 1; $rep -le $Repetitions; $rep++) {
        $order = @(foreach ($b in $builds.Keys) { @{ Build = $b; Count = 1 }; @{ Build = $b; Count = $Operations } })
        if ($rep % 2 -eq 0) { [array]::Reverse($order) }
        foreach ($o in $order) {
            $prefix = 'r{0}-{1}-{2}' -f $rep, ($o.Build -replace ' .*', ''), $o.Count
            $r = Invoke-Wait $o.Build $o.Count $prefix
            $runs.Add([pscustomobject]@{ Repetition = $rep; Build = $o.Build; Operations = $o.Count; Ms = $r.Ms; CpuMs = $r.CpuMs; MaxPolls = $r.MaxPolls; AvgPolls = $r.AvgPolls; Requests = $r.Requests })
            Write-Host ("rep {0} {1}, {2} operation(s): {3} ms, polls per operation max {4} avg {5:0.0}, {6} requests" -f $rep, $o.Build, $o.Count, (Format-Ms $r.Ms), $r.MaxPolls, $r.AvgPolls, $r.Requests)
        }
    }

    $summary = foreach ($b in $builds.Keys) {
        $one = @($runs | Where-Object { $_.Build -eq $b -and $_.Operations -eq 1 })
        $many = @($runs | Where-Object { $_.Build -eq $b -and $_.Operations -eq $Operations })
        $ratios = for ($i = 0; $i -lt $many.Count; $i++) { $many[$i].Ms / $one[$i].Ms }
        [pscustomobject]@{
            Build                       = $b
            "T (nominal) s"             = $Seconds
            'one wait s (median)'       = [math]::Round((Get-Median ($one | ForEach-Object Ms)) / 1000, 2)
            "$Operations waits s (median)" = [math]::Round((Get-Median ($many | ForEach-Object Ms)) / 1000, 2)
            "$Operations / one (median)"   = Format-Ratio (Get-Median $ratios)
            "$Operations / T (median)"     = Format-Ratio ((Get-Median ($many | ForEach-Object Ms)) / 1000 / $Seconds)
            'max polls per operation'   = ($many | Measure-Object MaxPolls -Maximum).Maximum
            'polls allowed'             = $maxPolls
        }
    }
    $summary | Format-List | Out-String -Width 250 | Write-Host
    Write-Host "Emulator --time-scale $([math]::Round($timeScale, 2)), -PollingInterval $PollingInterval s, $Repetitions repetitions."
    Write-Host "Machine: $(Get-MachineNote)"
}
finally {
    foreach ($w in $workers.Values) { Stop-LineWorker $w }
    Stop-TestEmulator $emulator
}
