#requires -Modules Pester
# Hostile answers reach the cmdlets as clear, non-terminating CpInvalidResponse / CpUntrustedLocation errors: never
# a crash, a raw .NET exception, a hang past the request timeout, or a request to another host (a second emulator
# stands for that host and must receive nothing). Also: nothing a reader is given back is lost on the way.

BeforeDiscovery {
    $script:reads = @(
        @{ Name = 'Get-CpPublisher'; Command = { Get-CpPublisher } }
        @{ Name = 'Get-CpOffer'; Command = { Get-CpOffer } }
        @{ Name = 'Get-CpOffer -OfferId'; Command = { Get-CpOffer -OfferId contoso-vm } }
        @{ Name = 'Get-CpOfferStatus'; Command = { Get-CpOfferStatus -OfferId contoso-vm } }
        @{ Name = 'Get-CpOperation -OfferId'; Command = { Get-CpOperation -OfferId contoso-vm } }
    )
    $script:variants = @(
        @{ Variant = 'truncatedJson'; Expected = 'CpInvalidResponse' }
        @{ Variant = 'empty200'; Expected = 'CpInvalidResponse' }
        @{ Variant = 'null'; Expected = 'CpInvalidResponse' }
        @{ Variant = 'wrongTypes'; Expected = 'CpInvalidResponse' }
        @{ Variant = 'hugeBody'; Expected = 'CpInvalidResponse' }
        @{ Variant = 'neverEndingBody'; Expected = 'CpInvalidResponse' }
        @{ Variant = 'htmlGateway'; Expected = 'CpServiceError' }
        @{ Variant = 'redirect'; Expected = 'CpUntrustedLocation' }
    )
    $script:cases = foreach ($read in $script:reads) { foreach ($variant in $script:variants) { $read + $variant } }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-TestModule
    Import-TestAids
    $script:emulator = Start-TestEmulator
    $script:other = Start-TestEmulator
    $script:timeout = [timespan]::FromSeconds(2)

    function Connect-Hostile {
        # One retry and a 2-second request timeout, so that each case is quick and the bound is provable.
        [CloudPartner.TestAids.CpTestAid]::ConnectRenewable($script:emulator.Url, 'contoso', [timespan]::FromHours(1), 1, $script:timeout)
    }

    function Add-Fault($Emulator, [hashtable] $Rule) {
        Invoke-EmulatorAdmin -Emulator $Emulator -Path faults -Method POST -Body $Rule | Out-Null
    }

    function Reset-Faults {
        Invoke-EmulatorAdmin -Emulator $script:emulator -Path faults -Method DELETE | Out-Null
        Clear-EmulatorRequest $script:other
    }

    Connect-Hostile | Out-Null
}

AfterAll {
    Disconnect-CpAccount
    Stop-TestEmulator $script:emulator
    Stop-TestEmulator $script:other
}

Describe 'Hostile answers to reads' {
    AfterEach { Reset-Faults }

    It '<Name> facing <Variant> gives <Expected>' -TestCases $script:cases {
        param($Command, $Variant, $Expected)
        Add-Fault $script:emulator @{ kind = 'hostile'; variant = $Variant; path = '/api/'; hugeBodyBytes = 50MB; foreignHost = $script:other.Url }
        $ErrorActionPreference = 'Continue'
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $all = @(& $Command 2>&1)
        $watch.Stop()
        $errors = @($all | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        $output = @($all | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] })

        $output | Should -BeNullOrEmpty
        @($errors).Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike "$Expected,*"
        $errors[0].Exception | Should -BeOfType ([CloudPartner.Engine.Errors.CpException])
        $errors[0].ErrorDetails.Message | Should -Not -BeNullOrEmpty
        $errors[0].ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
        $watch.Elapsed | Should -BeLessThan ($script:timeout + $script:timeout + [timespan]::FromSeconds(4))
        @(Get-EmulatorRequest $script:other).Count | Should -Be 0
    }

    It 'Invoke-CpRestMethod refuses what is not JSON, too big, endless or elsewhere, and returns valid JSON as is' {
        foreach ($case in @(
                @{ variant = 'truncatedJson'; id = 'CpInvalidResponse' }, @{ variant = 'hugeBody'; id = 'CpInvalidResponse' },
                @{ variant = 'neverEndingBody'; id = 'CpInvalidResponse' }, @{ variant = 'redirect'; id = 'CpUntrustedLocation' },
                @{ variant = 'htmlGateway'; id = 'CpServiceError' })) {
            Reset-Faults
            Add-Fault $script:emulator @{ kind = 'hostile'; variant = $case.variant; path = '/api/'; hugeBodyBytes = 50MB; foreignHost = $script:other.Url }
            $errors = $null
            Invoke-CpRestMethod -Path /api/publishers -ErrorVariable errors -ErrorAction SilentlyContinue | Out-Null
            $errors[0].FullyQualifiedErrorId | Should -BeLike "$($case.id),*" -Because $case.variant
        }

        Reset-Faults
        Add-Fault $script:emulator @{ kind = 'hostile'; variant = 'null'; path = '/api/'; count = 1 }
        Invoke-CpRestMethod -Path /api/publishers | Should -BeNullOrEmpty
        @(Get-EmulatorRequest $script:other).Count | Should -Be 0
    }

    It 'a failure of one pipeline item does not stop the next' {
        Add-Fault $script:emulator @{ kind = 'hostile'; variant = 'truncatedJson'; path = '/api/publishers/contoso/offers/contoso-vm/status' }
        $errors = $null
        $statuses = 'contoso-vm', 'test-vm', 'contoso-app' | ForEach-Object { [pscustomobject]@{ OfferId = $_ } } |
            Get-CpOfferStatus -ErrorVariable errors -ErrorAction SilentlyContinue
        @($statuses).OfferId | Should -Be @('test-vm', 'contoso-app')
        @($errors).Count | Should -Be 1
        $errors[0].TargetObject | Should -Be 'contoso-vm'
    }
}

Describe 'Hostile locations after starting an operation' {
    AfterEach { Reset-Faults }

    It 'Publish-CpOffer refuses a <Variant> Location, says the operation may run, and sends nothing elsewhere' -TestCases @(
        @{ Variant = 'foreignLocation' }, @{ Variant = 'dotDotLocation' }, @{ Variant = 'javascriptLocation' }
    ) {
        param($Variant)
        $offer = "contoso-loc-$Variant".ToLowerInvariant()
        New-CpOffer -OfferId $offer -Definition @{ offerTypeId = 'microsoft-azure-virtualmachines'; definition = @{ displayText = $offer } } -Confirm:$false | Out-Null
        Add-Fault $script:emulator @{ kind = 'hostile'; variant = $Variant; method = 'POST'; foreignHost = $script:other.Url }
        $errors = $null
        $output = Publish-CpOffer -OfferId $offer -Wait -PollingInterval 00:00:01 -Confirm:$false -ErrorVariable errors -ErrorAction SilentlyContinue

        $output | Should -BeNullOrEmpty
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'CpUntrustedLocation,*'
        $errors[0].ErrorDetails.RecommendedAction | Should -BeLike "*Get-CpOperation -OfferId '$offer'*"
        @(Get-EmulatorRequest $script:other).Count | Should -Be 0
        @((Invoke-EmulatorAdmin -Emulator $script:emulator -Path operations) | ForEach-Object { $_ } | Where-Object offerId -EQ $offer).Count | Should -Be 1
    }

    It 'Publish-CpOffer does not follow a redirect to another host' {
        Add-Fault $script:emulator @{ kind = 'hostile'; variant = 'redirect'; method = 'POST'; foreignHost = $script:other.Url }
        $errors = $null
        Publish-CpOffer -OfferId contoso-app -Confirm:$false -ErrorVariable errors -ErrorAction SilentlyContinue | Out-Null
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'CpUntrustedLocation,*'
        @(Get-EmulatorRequest $script:other).Count | Should -Be 0
    }
}

Describe 'Waiting through hostile answers' {
    AfterEach { Reset-Faults }

    It 'Publish-CpOffer -Wait rides out hostile operation answers and ends at sign-off' {
        New-CpOffer -OfferId contoso-ride -Definition @{ offerTypeId = 'microsoft-azure-virtualmachines'; definition = @{ displayText = 'ride' } } -Confirm:$false | Out-Null
        Add-Fault $script:emulator @{ kind = 'hostile'; variant = 'wrongTypes'; method = 'GET'; pathRegex = '^/api/operations/|/operations/'; count = 2 }
        Add-Fault $script:emulator @{ kind = 'hostile'; variant = 'truncatedJson'; method = 'GET'; pathRegex = '^/api/operations/|/operations/'; count = 2 }
        $errors = $null
        $operation = Publish-CpOffer -OfferId contoso-ride -Wait -PollingInterval 00:00:00.200 -Confirm:$false -ErrorVariable errors
        @($errors).Count | Should -Be 0
        $operation.State | Should -Be 'WaitingForPublisherReview'
    }

    It 'Wait-CpOperation on answers that stay hostile ends at its timeout with the operation and CpOperationTimeout' {
        New-CpOffer -OfferId contoso-stuck -Definition @{ offerTypeId = 'microsoft-azure-virtualmachines'; definition = @{ displayText = 'stuck' } } -Confirm:$false | Out-Null
        $started = Publish-CpOffer -OfferId contoso-stuck -Confirm:$false
        Add-Fault $script:emulator @{ kind = 'hostile'; variant = 'null'; method = 'GET'; pathRegex = '^/api/operations/|/operations/' }
        $errors = $null
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $final = $started | Wait-CpOperation -PollingInterval 00:00:00.200 -Timeout 00:00:02 -ErrorVariable errors -ErrorAction SilentlyContinue
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 8
        $final.Id | Should -Be $started.Id
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'CpOperationTimeout,*'
        $errors[0].ErrorDetails.RecommendedAction | Should -BeLike '*Wait-CpOperation*'
    }

    It 'a session disconnected under running waits leaves no operation unaccounted for' {
        $offers = 'contoso-cut-1', 'contoso-cut-2', 'contoso-cut-3'
        foreach ($offer in $offers) {
            New-CpOffer -OfferId $offer -Definition @{ offerTypeId = 'microsoft-azure-virtualmachines'; definition = @{ displayText = $offer } } -Confirm:$false | Out-Null
        }

        # Operation GETs take a second, so the disconnect lands while the command starts and waits.
        Add-Fault $script:emulator @{ kind = 'latency'; method = 'GET'; pathRegex = '/operations/'; latencyMs = 1000 }
        $session = Get-CpSession
        $job = Start-ThreadJob -ArgumentList $env:CLOUDPARTNER_TEST_MODULE, $offers, $session -ScriptBlock {
            param($module, $offers, $session)
            Import-Module $module
            $out = $errors = $warnings = $terminating = $null
            try {
                $offers | ForEach-Object { [pscustomobject]@{ OfferId = $_ } } |
                    Publish-CpOffer -Session $session -Wait -PollingInterval 00:00:00.200 -Confirm:$false -OutVariable out -ErrorVariable errors -WarningVariable warnings -ErrorAction SilentlyContinue -WarningAction SilentlyContinue | Out-Null
            }
            catch { $terminating = $_ }
            [pscustomobject]@{
                Output = @($out | ForEach-Object Id)
                # Non-terminating error records only (the variable also holds the terminating error's exception).
                Errors = @($errors | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] -and $_.FullyQualifiedErrorId -ne $terminating.FullyQualifiedErrorId } |
                    ForEach-Object { [pscustomobject]@{ Id = $_.FullyQualifiedErrorId; Target = $_.TargetObject.Id } })
                Warnings = @($warnings | ForEach-Object Message)
                Terminating = if ($terminating) { $terminating.FullyQualifiedErrorId }
            }
        }
        try {
            Start-Sleep -Milliseconds 2500
            Disconnect-CpAccount -Session $session
            $result = $job | Wait-Job -Timeout 30 | Receive-Job
        }
        finally {
            $job | Remove-Job -Force
            Reset-Faults
            Connect-Hostile | Out-Null
        }

        $result | Should -Not -BeNullOrEmpty
        if ($result.Terminating) { $result.Terminating | Should -BeLike 'CpNotConnected,*' }
        $result.Errors | ForEach-Object { $_.Id | Should -BeLike 'CpNotConnected,*' }
        $started = @((Invoke-EmulatorAdmin -Emulator $script:emulator -Path operations) | ForEach-Object { $_ } | Where-Object offerId -In $offers)
        $started.Count | Should -BeGreaterThan 0
        foreach ($operation in $started) {
            # Known by its GUID or, for offers that are not migrated, by the publisher$offer$n$slot form.
            $ids = @($operation.id, $operation.legacyId) | Where-Object { $_ }
            $accounted = ($ids | Where-Object { $_ -in $result.Output -or $_ -in $result.Errors.Target }) -or
                [bool]($result.Warnings | Where-Object { $w = $_; $ids | Where-Object { $w -like "*$_*Wait-CpOperation*" } })
            $accounted | Should -BeTrue -Because "operation $($operation.id) on $($operation.offerId) was started"
        }
    }
}

Describe 'Nothing read is lost on the way back' {
    It 'Get-CpOffer | Set-CpOffer keeps numbers that Int64 and decimal cannot hold as written (1E+3, -0.0, 1e400)' {
        $body = '{"offerTypeId":"microsoft-azure-virtualmachines","definition":{"displayText":"numbers","offer":{"a":1E+3,"b":-0.0,"c":1e400,"d":-0,"e":2.50,"f":123456789012345678901234567890}}}'
        Invoke-CpRestMethod -Method PUT -Path /api/publishers/contoso/offers/contoso-numbers -Body $body -Headers @{ 'If-Match' = '*' } -Confirm:$false | Out-Null
        $before = Get-CpOffer -OfferId contoso-numbers -Raw
        $offer = Get-CpOffer -OfferId contoso-numbers
        $offer.Definition.offer.a | Should -Be 1000
        $offer | Set-CpOffer -Confirm:$false
        $after = Get-CpOffer -OfferId contoso-numbers -Raw
        foreach ($text in '"a":1E+3', '"b":-0.0', '"c":1e400', '"d":-0,', '"e":2.50', '"f":123456789012345678901234567890') {
            $before | Should -BeLike "*$text*"
            $after | Should -BeLike "*$text*"
        }
    }

    It 'a number the user changes is written as the new value' {
        $offer = Get-CpOffer -OfferId contoso-numbers
        $offer.Definition.offer.a = $offer.Definition.offer.a + 1
        $offer | Set-CpOffer -Confirm:$false
        Get-CpOffer -OfferId contoso-numbers -Raw | Should -BeLike '*"a":1001*'
    }

    It 'the ~170 KB contoso-large offer round-trips byte for byte through Get-CpOffer | Set-CpOffer' {
        $before = Get-CpOffer -OfferId contoso-large -Raw
        Get-CpOffer -OfferId contoso-large | Set-CpOffer -Confirm:$false
        $after = Get-CpOffer -OfferId contoso-large -Raw
        # Server-stamped and read-only keys aside; a \uXXXX escape and the character it stands for are the same string.
        $strip = {
            param($t)
            $t = $t -replace '"changedTime":"[^"]*"', '' -replace '"microsoft-azure-corevm\.legacy(Offer|Publisher)Id":"[^"]*",?', ''
            [regex]::Replace($t, '\\u([0-9a-fA-F]{4})', { param($m) [string][char][Convert]::ToInt32($m.Groups[1].Value, 16) })
        }
        (& $strip $after) | Should -BeExactly (& $strip $before)
    }
}
