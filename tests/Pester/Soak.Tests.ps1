#requires -Modules Pester
# The short soak (tests/Soak/Invoke-Soak.ps1 -Short): 24 offers created, published and taken live with -Wait through
# 10% 5xx, 5% 429, 2% dropped connections, 100-500 ms latency and tokens refused 10 s after first use. The full soak
# (500 offers) is run by hand; its figures are in docs/reliability.md.

BeforeAll {
    $resultPath = Join-Path $TestDrive 'soak.json'
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $script:output = & pwsh -NoProfile -NonInteractive -File (Join-Path $PSScriptRoot '../Soak/Invoke-Soak.ps1') -Short -ResultPath $resultPath 2>&1 | Out-String
    $script:elapsed = $watch.Elapsed
    $script:soak = Get-Content $resultPath -Raw | ConvertFrom-Json
    Write-Host ("soak (short): {0} offers in {1} s; {2}/{3} operations completed, {4} failed, {5} duplicated, {6} lost; {7} requests, {8} retries, {9} token acquisitions; working set {10} -> {11} MB" -f
        $script:soak.Offers, $script:soak.WallSeconds, $script:soak.OperationsCompleted, $script:soak.OperationsExpected, $script:soak.Failed,
        $script:soak.Duplicated, $script:soak.Lost, $script:soak.RequestsSent, $script:soak.Retries, $script:soak.TokenAcquisitions,
        $script:soak.MemoryBeforeMB, $script:soak.MemoryAfterMB)
}

Describe 'Short soak' {
    It 'ran within two minutes' {
        $script:elapsed.TotalMinutes | Should -BeLessThan 2 -Because $script:output
    }

    It 'met every fault it was meant to meet' {
        $faults = $script:soak.FaultsInjected
        $faults.status | Should -BeGreaterThan 0
        $faults.throttle | Should -BeGreaterThan 0
        $faults.drop | Should -BeGreaterThan 0
        $faults.latency | Should -BeGreaterThan 0
        $script:soak.Retries | Should -BeGreaterThan 0
        $script:soak.TokenAcquisitions | Should -BeGreaterOrEqual 2
    }

    It 'started no operation twice' {
        $script:soak.Duplicated | Should -Be 0 -Because ($script:soak.LostDetail -join '; ')
    }

    It 'lost nothing: every operation the service holds was reported, every offer accounted for' {
        $script:soak.Lost | Should -Be 0 -Because ($script:soak.LostDetail -join '; ')
    }

    It 'took every offer live, or reported why with a typed error' {
        $script:soak.OperationsCompleted + $script:soak.OperationsExplainedByErrors | Should -BeGreaterOrEqual $script:soak.OperationsExpected -Because ($script:soak.FailedMessages -join '; ')
        $script:soak.FailedIds | ForEach-Object { $_ | Should -Match '^\d+ x Cp[A-Za-z]+,' }
        $script:soak.OffersLive + $script:soak.Failed | Should -BeGreaterOrEqual $script:soak.Offers
    }

    It 'took offers live on the Product Ingestion API through the same faults, polling each job within its bound' {
        $script:soak.ProductIngestionJobs | Should -BeGreaterThan 0
        $script:soak.PollsOverBound | Should -Be 0 -Because ($script:soak.PollsOverBoundDetail -join '; ')
    }

    It 'renewed its token before the service refused it' {
        $script:soak.Unauthorized401 | Should -Be 0
        $script:soak.DistinctTokensSeen | Should -Be $script:soak.TokenAcquisitions
    }

    It 'kept its memory: under 50 MB of growth' {
        $script:soak.MemoryGrowthMB | Should -BeLessThan 50
        ($script:soak.ManagedAfterMB - $script:soak.ManagedBeforeMB) | Should -BeLessThan 50
    }
}
