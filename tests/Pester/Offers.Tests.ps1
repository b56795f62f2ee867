#requires -Modules Pester
# Get-CpPublisher, Get-CpOffer, Get-CpOfferStatus, New-CpOffer, Set-CpOffer, and the error ids they report.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-TestModule
    $script:emulator = Start-TestEmulator
    Connect-CpAccount -AccessToken 'offers-test-token' -Endpoint $script:emulator.Url -PublisherId contoso | Out-Null

    function Get-JsonPaths {
        # Every leaf of a JSON document as "path=raw value", in document order, for exact comparisons.
        param([string] $Json)
        $document = [System.Text.Json.JsonDocument]::Parse($Json, [System.Text.Json.JsonDocumentOptions]@{ MaxDepth = 2000 })
        $lines = [System.Collections.Generic.List[string]]::new()
        $walk = {
            param($element, $path)
            switch ($element.ValueKind) {
                'Object' { foreach ($p in $element.EnumerateObject()) { & $walk $p.Value "$path.$($p.Name)" } }
                'Array' { $i = 0; foreach ($item in $element.EnumerateArray()) { & $walk $item "$path[$i]"; $i++ } }
                default { $lines.Add("$path=$($element.GetRawText())") }
            }
        }
        & $walk $document.RootElement '$'
        $lines
    }
}

AfterAll {
    Disconnect-CpAccount
    Stop-TestEmulator $script:emulator
}

Describe 'Get-CpPublisher' {
    It 'returns typed publishers' {
        $publishers = Get-CpPublisher
        $publishers | Should -BeOfType 'CloudPartner.CpPublisher'
        $publishers.Id | Should -Contain 'contoso'
    }
}

Describe 'Get-CpOffer' {
    It 'lists summaries as CpOffer objects' {
        $offers = Get-CpOffer
        $offers | Should -BeOfType 'CloudPartner.CpOffer'
        $offers.OfferId | Should -Contain 'contoso-vm'
        ($offers | Where-Object OfferId -eq 'test-vm').IsMigrated | Should -BeTrue
        $offers[0].IsSummary | Should -BeTrue
    }

    It 'filters by offer type' {
        $apps = Get-CpOffer -OfferTypeId microsoft-azure-applications
        $apps | Should -Not -BeNullOrEmpty
        $apps.OfferTypeId | Sort-Object -Unique | Should -Be 'microsoft-azure-applications'
    }

    It 'filters by wildcard after listing' {
        $matched = Get-CpOffer -OfferId 'contoso-*'
        $matched.OfferId | Should -Contain 'contoso-vm'
        $matched.OfferId | Should -Not -Contain 'test-vm'
    }

    It 'reads one offer with its definition, ETag and Int64 version' {
        $offer = Get-CpOffer -OfferId contoso-vm
        $offer.IsSummary | Should -BeFalse
        $offer.ETag | Should -Match "^W/`"datetime'"
        $offer.Version | Should -BeOfType [long]
        $offer.Definition.offer.'microsoft-azure-marketplace.title' | Should -Not -BeNullOrEmpty
        $offer.Definition.plans[0].planId | Should -Be 'contososkuidentifier'
    }

    It 'reads a slot and a version' {
        (Get-CpOffer -OfferId contoso-vm -Slot Production).OfferId | Should -Be 'contoso-vm'
        $version = (Get-CpOffer -OfferId contoso-vm).Version
        (Get-CpOffer -OfferId contoso-vm -Version $version).Version | Should -Be $version
    }

    It 'returns the exact JSON text with -Raw' {
        $raw = Get-CpOffer -OfferId contoso-vm -Raw
        $raw | Should -BeOfType [string]
        $raw | Should -Be (Invoke-CpRestMethod -Path /api/publishers/contoso/offers/contoso-vm -Raw)
    }

    It 'binds offers from the pipeline by Id' {
        (Get-CpOffer -OfferId contoso-vm | Get-CpOffer).OfferId | Should -Be 'contoso-vm'
        (Get-CpOffer -OfferId test-vm | Get-CpOfferStatus).OfferId | Should -Be 'test-vm'
    }

    It 'reports a missing offer as CpNotFound without stopping the pipeline' {
        $err = $null
        $found = 'contoso-vm', 'no-such-offer', 'test-vm' | ForEach-Object { [pscustomobject]@{ OfferId = $_ } } | Get-CpOffer -ErrorVariable err -ErrorAction SilentlyContinue
        $found.OfferId | Should -Be @('contoso-vm', 'test-vm')
        $err[0].FullyQualifiedErrorId | Should -Be 'CpNotFound,CloudPartner.Commands.GetCpOfferCommand'
        $err[0].TargetObject | Should -Be 'no-such-offer'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'reports a slot never published as CpNotFound' {
        { Get-CpOffer -OfferId test-vm -Slot Preview -ErrorAction Stop } | Should -Throw -ErrorId 'CpNotFound,CloudPartner.Commands.GetCpOfferCommand'
    }

    It 'rejects a bad id before any request' {
        Clear-EmulatorRequest $script:emulator
        { Get-CpOffer -OfferId '../x' -ErrorAction Stop } | Should -Throw -ErrorId 'CpInvalidArgument,CloudPartner.Commands.GetCpOfferCommand'
        @(Get-EmulatorRequest $script:emulator).Count | Should -Be 0
    }

    It 'reports a publisher without access as CpAccessDenied' {
        Invoke-EmulatorAdmin $script:emulator -Path access -Method PUT -Body @{ 'offers-test-token' = @('contoso') } | Out-Null
        try {
            { Get-CpOffer -PublisherId fabrikam -ErrorAction Stop } | Should -Throw -ErrorId 'CpAccessDenied,CloudPartner.Commands.GetCpOfferCommand'
        }
        finally {
            Invoke-EmulatorAdmin $script:emulator -Path access -Method PUT -Body @{} | Out-Null
        }
    }

    It 'reports a bad api-version as CpBadRequest with the service code' {
        $session = Connect-CpAccount -AccessToken 'offers-test-token' -Endpoint $script:emulator.Url -PublisherId contoso -ApiVersion 2016-08-01-preview
        try {
            $err = $null
            Get-CpOffer -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -Be 'CpBadRequest,CloudPartner.Commands.GetCpOfferCommand'
            $err[0].Exception.Message | Should -Match 'InvalidAPIVersion'
        }
        finally {
            Connect-CpAccount -AccessToken 'offers-test-token' -Endpoint $script:emulator.Url -PublisherId contoso | Out-Null
        }
    }
}

Describe 'Set-CpOffer' {
    It 'writes back a deep offer with every untouched key, string, number and order intact' {
        $before = Get-CpOffer -OfferId contoso-large -Raw
        $offer = Get-CpOffer -OfferId contoso-large
        $offer.Definition.offer.'microsoft-azure-marketplace.title' = 'Edited from PowerShell'
        $offer | Set-CpOffer
        $after = Get-CpOffer -OfferId contoso-large -Raw

        $expected = Get-JsonPaths $before | Where-Object { $_ -notlike '$.changedTime=*' -and $_ -notlike '*microsoft-azure-marketplace.title=*' }
        $actual = Get-JsonPaths $after | Where-Object { $_ -notlike '$.changedTime=*' -and $_ -notlike '*microsoft-azure-marketplace.title=*' }
        $expected.Count | Should -BeGreaterThan 1000
        Compare-Object $expected $actual -SyncWindow 0 | Should -BeNullOrEmpty
        Get-JsonPaths $after | Should -Contain '$.definition.offer.microsoft-azure-marketplace.title="Edited from PowerShell"'
    }

    It 'sends the ETag it read and reports a concurrent change as CpPreconditionFailed' {
        $mine = Get-CpOffer -OfferId contoso-vm
        $theirs = Get-CpOffer -OfferId contoso-vm
        $theirs.Definition.displayText = 'Their change'
        $theirs | Set-CpOffer
        $mine.Definition.displayText = 'My change'
        $err = $null
        $mine | Set-CpOffer -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'CpPreconditionFailed,CloudPartner.Commands.SetCpOfferCommand'
        $err[0].ErrorDetails.RecommendedAction | Should -Match 'Get-CpOffer'
        (Get-CpOffer -OfferId contoso-vm).Definition.displayText | Should -Be 'Their change'

        $mine | Set-CpOffer -Force
        (Get-CpOffer -OfferId contoso-vm).Definition.displayText | Should -Be 'My change'
    }

    It 'strips the read-only legacy keys and keeps everything else' {
        $offer = Get-CpOffer -OfferId test-vm
        $verbose = $offer | Set-CpOffer -Verbose 4>&1
        ($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n" | Should -Match 'legacyOfferId'
    }

    It 'refuses a summary from the list, which would erase the definition' {
        { Get-CpOffer -OfferId 'contoso-vm*' | Set-CpOffer -ErrorAction Stop } | Should -Throw -ErrorId 'CpInvalidArgument,CloudPartner.Commands.SetCpOfferCommand'
    }

    It 'takes the whole document from -Path or -Definition' {
        $file = Join-Path $TestDrive 'offer.json'
        (Get-CpOffer -OfferId contoso-app -Raw).Replace('"displayText":"', '"displayText":"From file ') | Set-Content $file
        Set-CpOffer -OfferId contoso-app -Path $file
        (Get-CpOffer -OfferId contoso-app).DisplayText | Should -Match '^From file '

        $document = Get-CpOffer -OfferId contoso-app -Raw | ConvertFrom-Json -AsHashtable
        $document.definition.displayText = 'From a hashtable'
        Set-CpOffer -OfferId contoso-app -Definition $document -PassThru | Select-Object -ExpandProperty DisplayText | Should -Be 'From a hashtable'
    }

    It 'rejects bad -Path values before any request, naming the parameter' {
        Clear-EmulatorRequest $script:emulator
        $notJson = Join-Path $TestDrive 'not.json'
        'this is not json' | Set-Content $notJson
        foreach ($path in $TestDrive, (Join-Path $TestDrive 'missing.json'), $notJson) {
            $thrown = { Set-CpOffer -OfferId contoso-app -Path $path } | Should -Throw -ErrorId 'CpInvalidArgument,CloudPartner.Commands.SetCpOfferCommand' -PassThru
            $thrown.Exception.Message | Should -Match '-Path'
        }
        @(Get-EmulatorRequest $script:emulator).Count | Should -Be 0
    }

    It 'rejects a -Definition that contains itself' {
        $cycle = @{ offerTypeId = 'x'; definition = @{} }
        $cycle.definition.self = $cycle
        { Set-CpOffer -OfferId contoso-app -Definition $cycle -ErrorAction Stop } | Should -Throw -ErrorId 'CpInvalidArgument,CloudPartner.Commands.SetCpOfferCommand'
    }

    It 'sends nothing under -WhatIf' {
        Clear-EmulatorRequest $script:emulator
        $offer = Get-CpOffer -OfferId contoso-vm
        Clear-EmulatorRequest $script:emulator
        $offer | Set-CpOffer -WhatIf
        @(Get-EmulatorRequest $script:emulator).Count | Should -Be 0
    }
}

Describe 'New-CpOffer' {
    It 'creates an offer from a definition' {
        $definition = @{
            offerTypeId = 'microsoft-azure-virtualmachines'
            definition  = [ordered]@{ displayText = 'Created by Pester'; offer = @{ 'microsoft-azure-marketplace.title' = 'New' }; plans = @() }
        }
        $offer = New-CpOffer -OfferId pester-new -Definition $definition
        $offer | Should -BeOfType 'CloudPartner.CpOffer'
        $offer.OfferId | Should -Be 'pester-new'
        (Get-CpOffer -OfferId pester-new).DisplayText | Should -Be 'Created by Pester'
    }

    It 'copies an offer under a new id' {
        (Get-CpOffer -OfferId contoso-app | New-CpOffer -OfferId contoso-app-copy).OfferId | Should -Be 'contoso-app-copy'
    }

    It 'reports an existing offer as CpConflict pointing to Set-CpOffer' {
        $err = $null
        Get-CpOffer -OfferId contoso-app | New-CpOffer -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'CpConflict,CloudPartner.Commands.NewCpOfferCommand'
        $err[0].ErrorDetails.RecommendedAction | Should -Match 'Set-CpOffer'
    }

    It 'sends nothing under -WhatIf' {
        Clear-EmulatorRequest $script:emulator
        New-CpOffer -OfferId pester-whatif -Definition '{"offerTypeId":"x","definition":{}}' -WhatIf
        @(Get-EmulatorRequest $script:emulator).Count | Should -Be 0
    }
}

Describe 'Get-CpOfferStatus' {
    It 'returns the steps of the latest submission' {
        $status = Get-CpOfferStatus -OfferId contoso-vm
        $status | Should -BeOfType 'CloudPartner.CpOfferStatus'
        $status.Steps | Should -Not -BeNullOrEmpty
        $status.Steps[0] | Should -BeOfType 'CloudPartner.CpStep'
    }
}

Describe 'Argument completion' {
    It 'completes -OfferId from the session''s offers' {
        $result = TabExpansion2 -inputScript 'Get-CpOffer -OfferId contoso-v' -cursorColumn 'Get-CpOffer -OfferId contoso-v'.Length
        $result.CompletionMatches.CompletionText | Should -Contain 'contoso-vm'
        $result.CompletionMatches.CompletionText | Should -Not -Contain 'test-vm'
    }

    It 'completes -Slot with its three values' {
        $result = TabExpansion2 -inputScript 'Get-CpOffer -OfferId contoso-vm -Slot ' -cursorColumn 'Get-CpOffer -OfferId contoso-vm -Slot '.Length
        $result.CompletionMatches.CompletionText | Should -Be @('Draft', 'Preview', 'Production')
    }

    It 'gives up within about two seconds when the service is slow' {
        # A fresh session has an empty completion cache.
        Connect-CpAccount -AccessToken 'offers-test-token' -Endpoint $script:emulator.Url -PublisherId fabrikam | Out-Null
        Invoke-EmulatorAdmin $script:emulator -Path faults -Method POST -Body @{ kind = 'latency'; latencyMs = 8000; path = '/api/publishers/fabrikam/offers'; count = 1 } | Out-Null
        try {
            $watch = [System.Diagnostics.Stopwatch]::StartNew()
            $result = TabExpansion2 -inputScript 'Publish-CpOffer -OfferId ' -cursorColumn 'Publish-CpOffer -OfferId '.Length
            $watch.Stop()
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 4
            @($result.CompletionMatches | Where-Object ResultType -eq 'ParameterValue').Count | Should -Be 0
        }
        finally {
            Invoke-EmulatorAdmin $script:emulator -Path faults -Method DELETE | Out-Null
            Connect-CpAccount -AccessToken 'offers-test-token' -Endpoint $script:emulator.Url -PublisherId contoso | Out-Null
        }
    }
}
