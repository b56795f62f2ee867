#requires -Modules Pester
# Go-live safety and offers as code: Compare-CpOffer, Invoke-CpGoLive -WhatIf, Export-CpOffer, and the whole
# "export, edit in a pull request, compare, apply, publish, compare, go live" workflow on a git repository.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-TestModule
    $script:emulator = Start-TestEmulator
    Connect-CpAccount -AccessToken 'offers-as-code' -Endpoint $script:emulator.Url -PublisherId contoso | Out-Null

    function New-TestOffer {
        param([Parameter(Mandatory)] [string] $Id, [string] $Title = 'First title')
        # Ordered, so the document's key order (and so the order of changes) is the same in every run.
        $definition = [ordered]@{
            offerTypeId = 'microsoft-azure-virtualmachines'
            definition  = [ordered]@{ displayText = $Id; offer = @{ 'microsoft-azure-marketplace.title' = $Title }; plans = @([ordered]@{ planId = 'basic'; title = 'Basic' }, [ordered]@{ planId = 'pro'; title = 'Pro' }) }
        }
        New-CpOffer -OfferId $Id -Definition $definition | Out-Null
    }

    function Set-Title([string] $Id, [string] $Title) {
        $offer = Get-CpOffer -OfferId $Id
        $offer.Definition.offer.'microsoft-azure-marketplace.title' = $Title
        $offer | Set-CpOffer | Out-Null
    }

    # The "What if:" line goes to the host, so it is read from a child PowerShell's output.
    function Get-WhatIfLine([string] $OfferId) {
        $command = "Import-Module '$($env:CLOUDPARTNER_TEST_MODULE)'; Connect-CpAccount -AccessToken t -Endpoint '$($script:emulator.Url)' -PublisherId contoso | Out-Null; Invoke-CpGoLive -OfferId '$OfferId' -WhatIf"
        (& (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -Command $command) -join ' '
    }

    function Push-Live([string] $Id) {
        Publish-CpOffer -OfferId $Id -Wait -PollingInterval 0.05 | Out-Null
        Invoke-CpGoLive -OfferId $Id -Force -Wait -PollingInterval 0.05 | Out-Null
    }
}

AfterAll {
    Disconnect-CpAccount
    Stop-TestEmulator $script:emulator
}

Describe 'Compare-CpOffer' {
    BeforeAll {
        New-TestOffer -Id cmp-offer
        Push-Live cmp-offer
        Set-Title cmp-offer 'Second title'
        Publish-CpOffer -OfferId cmp-offer -Wait -PollingInterval 0.05 | Out-Null
    }

    It 'compares Production with Preview by default: what go-live would change' {
        $changes = @(Compare-CpOffer -OfferId cmp-offer)
        $changes.Count | Should -Be 1
        $changes[0] | Should -BeOfType 'CloudPartner.CpOfferChange'
        $changes[0].OfferId | Should -Be 'cmp-offer'
        $changes[0].Path | Should -Be '/definition/offer/microsoft-azure-marketplace.title'
        $changes[0].Change | Should -Be 'Modified'
        $changes[0].Before | Should -Be 'First title'
        $changes[0].After | Should -Be 'Second title'
    }

    It 'writes one summary per offer with -Summary, from the pipeline' {
        $summary = Get-CpOffer -OfferId cmp-offer | Compare-CpOffer -Summary
        $summary | Should -BeOfType 'CloudPartner.CpOfferChangeSummary'
        $summary.Modified | Should -Be 1
        $summary.Paths | Should -Be @('/definition/offer')
        ($summary | Out-String) | Should -Match 'cmp-offer'
    }

    It 'shows volatile keys only with -IncludeVolatile' {
        $volatile = @(Compare-CpOffer -OfferId cmp-offer -IncludeVolatile | Where-Object Path -in '/version', '/status', '/changedTime', '/definition/changedTime')
        $volatile.Count | Should -BeGreaterThan 0
        @(Compare-CpOffer -OfferId cmp-offer | Where-Object Path -like '*changedTime*').Count | Should -Be 0
    }

    It 'compares versions, slots, objects and bare definitions' {
        @(Compare-CpOffer -OfferId cmp-offer -ReferenceSlot Preview -DifferenceSlot Preview).Count | Should -Be 0
        $draft = Get-CpOffer -OfferId cmp-offer
        $edited = Get-CpOffer -OfferId cmp-offer
        $edited.Definition.plans = @($edited.Definition.plans[1], $edited.Definition.plans[0])
        @(Compare-CpOffer -ReferenceObject $draft -DifferenceObject $edited).Count | Should -Be 0 -Because 'plans are matched by planId: reordering is not a change'
        $edited.Definition.plans[0].title = 'Professional'
        $change = Compare-CpOffer -ReferenceObject $draft -DifferenceObject $edited
        $change.Path | Should -Be '/definition/plans/0/title'
        (Compare-CpOffer -ReferenceObject $draft.Definition -DifferenceObject $edited.Definition).Path | Should -Be '/definition/plans/0/title'
    }

    It 'formats changes as a compact table' {
        $text = Compare-CpOffer -OfferId cmp-offer | Out-String -Width 250
        $text | Should -Match 'Modified\s+/definition/offer/microsoft-azure-marketplace.title\s+First title\s+Second title'
    }

    It 'refuses two sources for one side, and a read without -OfferId, before any request' {
        Clear-EmulatorRequest $script:emulator
        { Compare-CpOffer -OfferId cmp-offer -ReferenceSlot Draft -ReferenceVersion 1 -ErrorAction Stop } |
            Should -Throw -ErrorId 'CpInvalidArgument,CloudPartner.Commands.CompareCpOfferCommand'
        { Compare-CpOffer -ReferenceSlot Draft -ErrorAction Stop } |
            Should -Throw -ErrorId 'CpInvalidArgument,CloudPartner.Commands.CompareCpOfferCommand'
        @(Get-EmulatorRequest $script:emulator).Count | Should -Be 0
    }

    It 'reports an offer that does not exist as CpNotFound and goes on with the next' {
        $errors = @()
        $results = @('no-such-offer', 'cmp-offer' | ForEach-Object { [pscustomobject]@{ OfferId = $_ } } | Compare-CpOffer -Summary -ErrorAction SilentlyContinue -ErrorVariable +errors)
        $errors[0].FullyQualifiedErrorId | Should -Be 'CpNotFound,CloudPartner.Commands.CompareCpOfferCommand'
        $results.OfferId | Should -Be @('cmp-offer')
    }
}

Describe 'Invoke-CpGoLive -WhatIf' {
    It 'says how many changes would go live and under which paths, and sends nothing' {
        New-TestOffer -Id whatif-offer
        Push-Live whatif-offer
        Set-Title whatif-offer 'New title'
        $offer = Get-CpOffer -OfferId whatif-offer
        $offer.Definition.plans[0].title = 'Basic plus'
        $offer | Set-CpOffer | Out-Null
        Publish-CpOffer -OfferId whatif-offer -Wait -PollingInterval 0.05 | Out-Null
        Clear-EmulatorRequest $script:emulator

        $output = Get-WhatIfLine whatif-offer

        $output | Should -Match 'What if: .*2 changes under /definition/offer, /definition/plans would go live'
        @(Get-EmulatorRequest $script:emulator -Method POST).Count | Should -Be 0
        @(Get-EmulatorRequest $script:emulator -Method GET).Count | Should -Be 2
    }

    It 'counts everything as new for an offer that was never live' {
        New-TestOffer -Id whatif-first
        Publish-CpOffer -OfferId whatif-first -Wait -PollingInterval 0.05 | Out-Null
        (Get-WhatIfLine whatif-first) | Should -Match 'What if: .*3 changes under /definition/displayText, /definition/offer, /definition/plans would go live'
    }
}

Describe 'Export-CpOffer' {
    BeforeEach {
        $script:folder = Join-Path $TestDrive ([guid]::NewGuid())
    }

    It 'writes one file per offer, as the API returns it, and the FileInfos' {
        $files = @(Export-CpOffer -Path $script:folder -OfferId 'contoso-*')
        $files | Should -Not -BeNullOrEmpty
        $files[0] | Should -BeOfType 'System.IO.FileInfo'
        $expected = @(Get-CpOffer -OfferId 'contoso-*').OfferId | Sort-Object
        ($files.BaseName | Sort-Object) | Should -Be $expected
        $files | ForEach-Object { $_.Directory.Name | Should -Be 'contoso' }
        $raw = Get-CpOffer -OfferId contoso-vm -Raw
        $file = Get-Content (Join-Path $script:folder 'contoso/contoso-vm.json') -Raw
        ($file | ConvertFrom-Json | ConvertTo-Json -Depth 100 -Compress) | Should -Be ($raw | ConvertFrom-Json | ConvertTo-Json -Depth 100 -Compress)
        $file | Should -Match '^\{\n  "'
    }

    It 'gives byte-identical files when nothing changed' {
        Export-CpOffer -Path $script:folder | Out-Null
        $before = Get-ChildItem $script:folder -Recurse -File | ForEach-Object { "$($_.Name) $((Get-FileHash $_.FullName).Hash)" }
        Export-CpOffer -Path $script:folder -ThrottleLimit 2 | Out-Null
        $after = Get-ChildItem $script:folder -Recurse -File | ForEach-Object { "$($_.Name) $((Get-FileHash $_.FullName).Hash)" }
        $after | Should -Be $before
    }

    It 'exports a slot with -Slot' {
        $file = Export-CpOffer -Path $script:folder -OfferId contoso-vm -Slot Production
        (Get-Content $file.FullName -Raw | ConvertFrom-Json).version | Should -Be (Get-CpOffer -OfferId contoso-vm -Slot Production).Version
    }

    It 'reads offers concurrently up to -ThrottleLimit and backs off together when throttled' {
        Invoke-EmulatorAdmin $script:emulator -Path faults -Method POST -Body @{ kind = 'throttle'; method = 'GET'; pathRegex = '^/api/publishers/contoso/offers/contoso-'; retryAfterSeconds = 1; count = 1 } | Out-Null
        try {
            $files = @(Export-CpOffer -Path $script:folder -OfferId 'contoso-*' -ThrottleLimit 4 -Verbose 4>&1 | Where-Object { $_ -is [System.IO.FileInfo] })
            $files.Count | Should -Be @(Get-CpOffer -OfferId 'contoso-*').Count
        }
        finally {
            Invoke-EmulatorAdmin $script:emulator -Path faults -Method DELETE | Out-Null
        }
    }

    It 'refuses a bad pattern, a file as the folder and a ThrottleLimit of 0, before any request' {
        Clear-EmulatorRequest $script:emulator
        { Export-CpOffer -Path $script:folder -OfferId 'contoso-[' -ErrorAction Stop } | Should -Throw -ErrorId 'CpInvalidArgument,CloudPartner.Commands.ExportCpOfferCommand'
        $file = New-Item -ItemType File -Path (Join-Path $TestDrive "file-$([guid]::NewGuid())")
        { Export-CpOffer -Path $file.FullName -ErrorAction Stop } | Should -Throw -ErrorId 'CpInvalidArgument,CloudPartner.Commands.ExportCpOfferCommand'
        { Export-CpOffer -Path $script:folder -ThrottleLimit 0 -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError,CloudPartner.Commands.ExportCpOfferCommand'
        @(Get-EmulatorRequest $script:emulator).Count | Should -Be 0
    }

    It 'leaves no partial file when Ctrl+C stops it' {
        if (-not (Get-Command tmux -ErrorAction SilentlyContinue)) {
            Set-ItResult -Skipped -Because 'tmux is not installed, so no terminal can send Ctrl+C'
            return
        }

        Invoke-EmulatorAdmin $script:emulator -Path faults -Method POST -Body @{ kind = 'latency'; method = 'GET'; pathRegex = '^/api/publishers/contoso/offers/contoso-'; latencyMs = 400 } | Out-Null
        $script = Join-Path $TestDrive 'export.ps1'
        @"
Import-Module '$($env:CLOUDPARTNER_TEST_MODULE)'
Connect-CpAccount -AccessToken t -Endpoint '$($script:emulator.Url)' -PublisherId contoso | Out-Null
'WAITING'
Export-CpOffer -Path '$($script:folder)' -OfferId 'contoso-*' -ThrottleLimit 1
"@ | Set-Content $script
        try {
            $run = Invoke-CtrlCInTerminal -ScriptPath $script -DelayMilliseconds 600
            $run.Exited | Should -BeTrue
            $left = @(Get-ChildItem $script:folder -Recurse -File -Force -ErrorAction SilentlyContinue)
            $left.Count | Should -BeLessThan @(Get-CpOffer -OfferId 'contoso-*').Count
            $left | Where-Object Name -like '*.tmp' | Should -BeNullOrEmpty
            foreach ($file in $left) { { Get-Content $file.FullName -Raw | ConvertFrom-Json } | Should -Not -Throw }
        }
        finally {
            Invoke-EmulatorAdmin $script:emulator -Path faults -Method DELETE | Out-Null
        }
    }
}

Describe 'Offers as code: export, edit in a pull request, compare, apply, publish, compare, go live' {
    It 'takes an edit made in git all the way live' {
        if (-not (Get-Command git -ErrorAction SilentlyContinue)) {
            Set-ItResult -Skipped -Because 'git is not installed'
            return
        }

        New-TestOffer -Id code-offer
        Push-Live code-offer
        $repo = Join-Path $TestDrive 'offers-repo'
        & git init -q $repo
        $git = { & git -C $repo -c user.name=ci -c user.email=ci@example.com @args }

        # Export and commit; a second export changes nothing.
        Export-CpOffer -Path $repo -OfferId code-offer | Out-Null
        & $git add -A
        & $git commit -q -m 'Export'
        Export-CpOffer -Path $repo -OfferId code-offer | Out-Null
        & $git status --porcelain | Should -BeNullOrEmpty

        # The pull request: one line changed in the file.
        $file = Join-Path $repo 'contoso/code-offer.json'
        (Get-Content $file -Raw).Replace('"First title"', '"Title from the pull request"') | Set-Content $file -NoNewline
        @(& $git diff --numstat) | Should -Be "1`t1`tcontoso/code-offer.json"

        # Review: what the edit changes against the offer as it stands.
        $review = @(Compare-CpOffer -OfferId code-offer -ReferenceSlot Draft -DifferencePath $file)
        $review.Count | Should -Be 1
        $review[0].After | Should -Be 'Title from the pull request'
        $review = @(Compare-CpOffer -ReferencePath $file -DifferenceObject (Get-CpOffer -OfferId code-offer))
        $review[0].Before | Should -Be 'Title from the pull request'

        # Apply, publish, and see exactly what go-live will change.
        Set-CpOffer -OfferId code-offer -Path $file | Out-Null
        Publish-CpOffer -OfferId code-offer -Wait -PollingInterval 0.05 | Out-Null
        $toGoLive = @(Compare-CpOffer -OfferId code-offer)
        $toGoLive.Path | Should -Be @('/definition/offer/microsoft-azure-marketplace.title')
        (Get-WhatIfLine code-offer) | Should -Match '1 change under /definition/offer would go live'
        Invoke-CpGoLive -OfferId code-offer -Force -Wait -PollingInterval 0.05 | Out-Null
        @(Compare-CpOffer -OfferId code-offer).Count | Should -Be 0
        (Get-CpOffer -OfferId code-offer -Slot Production).Definition.offer.'microsoft-azure-marketplace.title' | Should -Be 'Title from the pull request'
    }
}
