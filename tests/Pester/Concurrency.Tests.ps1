#requires -Modules Pester
# Eight runspaces share the default session for 400 mixed calls while its token is renewed several times: no
# exception, every result right, and exactly one token acquisition per renewal window.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-TestModule
    Import-TestAids
    # Each token is refused 3 s after the emulator first sees it; every request takes 40-120 ms.
    $script:lifetime = [timespan]::FromSeconds(3)
    $script:emulator = Start-TestEmulator -Arguments @('--time-scale', '10000000', '--token-lifetime', '3', '--request-log-capacity', '20000',
        '--fault', '{"kind":"latency","path":"/api/","latencyMs":40,"latencyMaxMs":120,"seed":11}')
    $script:session = [CloudPartner.TestAids.CpTestAid]::ConnectRenewable($script:emulator.Url, 'contoso', $script:lifetime)
    Clear-EmulatorRequest $script:emulator

    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $script:results = 1..400 | ForEach-Object -ThrottleLimit 8 -Parallel {
        Import-Module $env:CLOUDPARTNER_TEST_MODULE
        $i = $_
        $kind = $i % 8
        try {
            $ok = switch ($kind) {
                0 { $ids = (Get-CpPublisher).Id; 'contoso' -in $ids -and 'fabrikam' -in $ids }
                1 { $ids = (Get-CpOffer).OfferId; 'contoso-vm' -in $ids -and 'contoso-large' -in $ids }
                2 { $offer = Get-CpOffer -OfferId contoso-vm; $offer.OfferId -eq 'contoso-vm' -and $offer.ETag -and $offer.Definition.displayText }
                3 { (Get-CpOfferStatus -OfferId contoso-vm).State -eq 'Failed' }
                4 { @(Get-CpOperation -OfferId contoso-vm).Count -ge 1 }
                5 { (Invoke-CpRestMethod -Path /api/publishers/contoso/offers/test-vm).id -eq 'test-vm' }
                6 { (Get-CpOffer -OfferId contoso-large -Raw).Length -gt 100000 }
                7 {
                    $id = "concurrent-$i"
                    $created = New-CpOffer -OfferId $id -Definition @{ offerTypeId = 'microsoft-azure-virtualmachines'; definition = @{ displayText = "Offer $i" } } -Confirm:$false
                    $operation = Publish-CpOffer -OfferId $id -Wait -PollingInterval 00:00:00.250 -Confirm:$false
                    $created.DisplayText -eq "Offer $i" -and $operation.OfferId -eq $id -and $operation.State -eq 'WaitingForPublisherReview'
                }
            }
            [pscustomobject]@{ I = $i; Kind = $kind; Ok = [bool]$ok; Error = $null; Thread = [System.Threading.Thread]::CurrentThread.ManagedThreadId }
        }
        catch {
            [pscustomobject]@{ I = $i; Kind = $kind; Ok = $false; Error = "$($_.FullyQualifiedErrorId): $($_.Exception.Message)"; Thread = [System.Threading.Thread]::CurrentThread.ManagedThreadId }
        }
    }
    $script:elapsed = $watch.Elapsed
    $script:statistics = [CloudPartner.TestAids.CpTestAid]::GetStatistics($script:session)
    $script:requests = @(Get-EmulatorRequest $script:emulator | Sort-Object sequence)
    Write-Host ("concurrency: 400 calls on 8 runspaces in {0:0.0} s; {1}; {2} distinct tokens seen by the emulator" -f
        $script:elapsed.TotalSeconds, $script:statistics, @($script:requests.headers.Authorization | Sort-Object -Unique).Count)
}

AfterAll {
    Disconnect-CpAccount
    Stop-TestEmulator $script:emulator
}

Describe 'Eight runspaces sharing the default session' {
    It 'ran all 400 calls on several threads, each with the right result and no exception' {
        $script:results.Count | Should -Be 400
        @($script:results.I | Sort-Object -Unique).Count | Should -Be 400
        @($script:results.Thread | Sort-Object -Unique).Count | Should -BeGreaterThan 1
        $failed = @($script:results | Where-Object { -not $_.Ok })
        $failed | ForEach-Object { "call $($_.I) (kind $($_.Kind)): $($_.Error)" } | Should -BeNullOrEmpty
        @($script:results | Group-Object Kind).Count | Should -Be 8
    }

    It 'spanned several renewal windows and never sent an expired token' {
        $script:elapsed | Should -BeGreaterThan ([timespan]::FromSeconds(5))
        $script:statistics.TokenAcquisitions | Should -BeGreaterOrEqual 3
        @($script:requests | Where-Object status -EQ 401).Count | Should -Be 0
        @($script:requests | Where-Object status -GE 400).Count | Should -Be 0
    }

    It 'acquired exactly one token per renewal window' {
        # Every token the session acquired was used, and the service saw no other.
        $fingerprints = @($script:requests | ForEach-Object { $_.headers.Authorization })
        $distinct = @($fingerprints | Select-Object -Unique)
        $distinct.Count | Should -Be $script:statistics.TokenAcquisitions

        # No more acquisitions than windows: a 3 s token is renewed 0.75 s before it expires, every 2.25 s.
        $window = $script:lifetime.TotalSeconds - [CloudPartner.TestAids.CpTestAid]::TokenRenewalMargin($script:lifetime).TotalSeconds
        $span = ([datetimeoffset]$script:requests[-1].time - [datetimeoffset]$script:requests[0].time).TotalSeconds
        $script:statistics.TokenAcquisitions | Should -BeLessOrEqual ([math]::Floor($span / $window) + 1)

        # Each token is used in one stretch: once the next one appears, at most one call per runspace still in flight
        # with the old one may arrive.
        for ($t = 0; $t -lt $distinct.Count - 1; $t++) {
            $nextFirst = [array]::IndexOf($fingerprints, $distinct[$t + 1])
            $late = @($fingerprints[$nextFirst..($fingerprints.Count - 1)] | Where-Object { $_ -eq $distinct[$t] }).Count
            $late | Should -BeLessOrEqual 8 -Because "token $t was replaced at request $nextFirst"
        }
    }

    It 'counted every attempt it put on the wire' {
        $script:statistics.Requests | Should -Be $script:requests.Count
        $script:statistics.Retries | Should -Be 0
    }
}
