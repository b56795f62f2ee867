#requires -Modules Pester
# The cmdlets on the Product Ingestion API (-Api ProductIngestion), against the emulator's /rp/product-ingestion over the
# same offers as its CPP API.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-TestModule
    $script:emulator = Start-TestEmulator -Arguments '--time-scale', '10000000'
    $script:pi = Connect-CpAccount -AccessToken 'pi-token' -Api ProductIngestion -Endpoint $script:emulator.Url -ProductIngestionEndpoint "$($script:emulator.Url)/rp/product-ingestion"
}

AfterAll {
    Disconnect-CpAccount -ErrorAction SilentlyContinue
    Stop-TestEmulator $script:emulator
}

Describe 'A Product Ingestion session' {
    It 'says which API it defaults to and where each API is' {
        $script:pi.DefaultApi | Should -Be 'ProductIngestion'
        $script:pi.ProductIngestionEndpoint.AbsolutePath | Should -Be '/rp/product-ingestion/'
        $script:pi.ProductIngestionVersion | Should -Be '2022-07-01'
    }

    It 'refuses CPP commands, before sending anything, naming what would supply a token' {
        Clear-EmulatorRequest $script:emulator
        { Get-CpOffer -OfferId test-vm -Api Cpp -PublisherId contoso -ErrorAction Stop } | Should -Throw -ErrorId 'CpNotConnected*'
        @(Get-EmulatorRequest $script:emulator).Count | Should -Be 0
    }

    It 'refuses -ProductIngestionAccessToken beside -Api ProductIngestion as redundant' {
        { Connect-CpAccount -AccessToken a -ProductIngestionAccessToken b -Api ProductIngestion -Endpoint $script:emulator.Url -ErrorAction Stop } | Should -Throw -ErrorId 'CpInvalidArgument*'
    }

    It 'holds a token for each API when connected with both' {
        $both = Connect-CpAccount -AccessToken 'cpp-token' -ProductIngestionAccessToken 'pi-token' -Endpoint $script:emulator.Url -ProductIngestionEndpoint "$($script:emulator.Url)/rp/product-ingestion" -PublisherId contoso
        try {
            (Get-CpOffer -OfferId test-vm -Session $both).Api | Should -Be 'Cpp'
            (Get-CpOffer -OfferId test-vm -Session $both -Api ProductIngestion).Api | Should -Be 'ProductIngestion'
        }
        finally {
            Disconnect-CpAccount -Session $both
        }
    }
}

Describe 'Get-CpOffer -Api ProductIngestion' {
    It 'lists the products, and one by its offer id with its resource tree' {
        $all = @(Get-CpOffer -Session $script:pi)
        $all.OfferId | Should -Contain 'test-vm'
        $all | ForEach-Object { $_.IsSummary | Should -BeTrue }

        $offer = Get-CpOffer -OfferId test-vm -Session $script:pi
        $offer.Api | Should -Be 'ProductIngestion'
        $offer.ProductId | Should -Match '^product/[0-9a-f-]{36}$'
        $offer.OfferTypeId | Should -Be 'azureVirtualMachine'
        $offer.Definition.target.targetType | Should -Be 'draft'
        $offer.Definition.resources[0].identity.externalId | Should -Be 'test-vm'
        (Get-CpOffer -OfferId test-vm -Session $script:pi -Raw) | Should -Match '"root":"product/'
    }

    It 'matches wildcards, refuses what does not apply, and says when a product is unknown' {
        @(Get-CpOffer -OfferId 'contoso-*' -Session $script:pi).OfferId | Should -Contain 'contoso-vm'
        { Get-CpOffer -OfferId test-vm -Version 3 -Session $script:pi -ErrorAction Stop } | Should -Throw -ErrorId 'CpInvalidArgument*'
        { Get-CpOffer -OfferId no-such-product -Session $script:pi -ErrorAction Stop } | Should -Throw -ErrorId 'CpNotFound*'
    }

    It 'warns that -PublisherId does not apply' {
        $null = Get-CpOffer -OfferId test-vm -PublisherId contoso -Session $script:pi -WarningVariable warned -WarningAction SilentlyContinue
        $warned | Should -Match 'does not apply'
    }
}

Describe 'Publish, go live and follow on the Product Ingestion API' {
    It 'publishes to preview and waits for the review, then goes live and waits' {
        $published = Publish-CpOffer -OfferId contoso-corevm -Session $script:pi -Wait -PollingInterval 0.05 -Timeout 60 -ErrorAction Stop
        $published.Api | Should -Be 'ProductIngestion'
        $published.SubmissionType | Should -Be 'preview'
        $published.State | Should -Be 'WaitingForPublisherReview'
        $published.JobId | Should -Not -BeNullOrEmpty
        (Get-CpOfferStatus -OfferId contoso-corevm -Session $script:pi).State | Should -Be 'WaitingForPublisherReview'

        $live = Invoke-CpGoLive -OfferId contoso-corevm -Session $script:pi -Force -Wait -PollingInterval 0.05 -Timeout 60 -ErrorAction Stop
        $live.State | Should -Be 'Succeeded'
        (Get-CpOfferStatus -OfferId contoso-corevm -Session $script:pi).State | Should -Be 'Succeeded'
        @(Get-CpOperation -OfferId contoso-corevm -Session $script:pi).SubmissionType | Should -Be @('live', 'preview')
    }

    It 'shows the product live on the CPP API too' {
        $cpp = Connect-CpAccount -AccessToken 'cpp-token' -Endpoint $script:emulator.Url -PublisherId contoso
        try {
            (Get-CpOffer -OfferId contoso-corevm -Slot Production -Session $cpp).Status | Should -Be 'succeeded'
        }
        finally {
            Disconnect-CpAccount -Session $cpp
        }
    }

    It 'refuses a second publish while one runs, and a go-live before preview, without a POST' {
        # Certification takes 31 years of emulator time here (100 s at this time scale), so the publish is still running when it is canceled.
        Invoke-EmulatorAdmin $script:emulator -Path settings -Method PUT -Body @{ stepDurations = @{ displaycertify = 1000000000 } } | Out-Null
        $running = Publish-CpOffer -OfferId contoso-vm -Session $script:pi
        Invoke-EmulatorAdmin $script:emulator -Path settings -Method PUT -Body @{ stepDurations = @{ displaycertify = 172800 } } | Out-Null
        Clear-EmulatorRequest $script:emulator
        { Publish-CpOffer -OfferId contoso-vm -Session $script:pi -ErrorAction Stop } | Should -Throw -ErrorId 'CpConflict*'
        { Invoke-CpGoLive -OfferId contoso-vm -Session $script:pi -Force -ErrorAction Stop } | Should -Throw -ErrorId 'CpConflict*'
        @(Get-EmulatorRequest $script:emulator | Where-Object method -eq 'POST').Count | Should -Be 0

        $canceled = $running | Stop-CpOperation -Session $script:pi -Force
        $canceled.State | Should -Be 'Canceled'
        { Stop-CpOperation -OfferId contoso-vm -Session $script:pi -Force -ErrorAction Stop } | Should -Throw -ErrorId 'CpInvalidArgument*'
    }

    It 'follows a job piped from one command to the next, keeping its API' {
        $job = Publish-CpOffer -OfferId test-vm -Session $script:pi
        $done = $job | Wait-CpOperation -Session $script:pi -PollingInterval 0.05 -Timeout 60
        $done.State | Should -Be 'WaitingForPublisherReview'
        (Get-CpOperation -OperationId $job.JobId -Session $script:pi).State | Should -Be 'WaitingForPublisherReview'
        (Get-CpOffer -OfferId test-vm -Session $script:pi | Invoke-CpGoLive -Force -Session $script:pi -Wait -PollingInterval 0.05 -Timeout 60).State | Should -Be 'Succeeded'
    }

    It 'refuses Get-CpPublisher, which the API does not offer' {
        { Get-CpPublisher -Session $script:pi -ErrorAction Stop } | Should -Throw -ErrorId 'CpInvalidArgument*'
    }
}

Describe 'Changing and creating products on the Product Ingestion API' {
    It 'writes the draft from an edited resource tree and waits for the job' {
        $offer = Get-CpOffer -OfferId contoso-large -Session $script:pi
        $offer.Definition.resources[0].alias = 'Contoso Large, renamed'
        $written = $offer | Set-CpOffer -Session $script:pi -PassThru -Confirm:$false
        $written.Api | Should -Be 'ProductIngestion'
        $written.DisplayText | Should -Be 'Contoso Large, renamed'
        (Get-CpOffer -OfferId contoso-large -Session $script:pi).Definition.resources[0].alias | Should -Be 'Contoso Large, renamed'
    }

    It 'reports a failed configure job with every nested message' {
        $tree = (Get-CpOffer -OfferId contoso-large -Session $script:pi).Definition
        $tree.resources[1].id = 'Plan/NOT VALID'
        $error.Clear()
        Set-CpOffer -OfferId contoso-large -Definition $tree -Session $script:pi -Confirm:$false -ErrorAction SilentlyContinue
        $error[0].FullyQualifiedErrorId | Should -BeLike 'CpValidationFailed*'
        $error[0].Exception.Message | Should -Match 'invalidId'
    }

    It 'gives up waiting for the configure job at -Timeout, and the job goes on' {
        $offer = Get-CpOffer -OfferId contoso-large -Session $script:pi
        { $offer | Set-CpOffer -Timeout 0 -Session $script:pi -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'CpOperationTimeout*'
        { $offer | Set-CpOffer -Timeout -1 -Session $script:pi -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'CpInvalidArgument*'
    }

    It 'creates a product from another one''s tree' {
        $created = Get-CpOffer -OfferId test-vm -Session $script:pi | New-CpOffer -OfferId pi-created-vm -Session $script:pi -Confirm:$false
        $created.OfferId | Should -Be 'pi-created-vm'
        $created.ProductId | Should -Not -Be (Get-CpOffer -OfferId test-vm -Session $script:pi).ProductId
        { New-CpOffer -OfferId pi-created-vm -Definition $created.Definition -Session $script:pi -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'CpConflict*'
    }

    It 'sends any request to the Product Ingestion endpoint with its token and version' {
        $page = Invoke-CpRestMethod -Path 'product?externalId=test-vm' -Session $script:pi
        $page.value[0].identity.externalId | Should -Be 'test-vm'
        $sent = @(Get-EmulatorRequest $script:emulator | Where-Object { $_.path -eq '/rp/product-ingestion/product' -and $_.query -match 'externalId=test-vm' })[-1]
        $sent.query | Should -Match '\$version=2022-07-01'
        (Get-CpAccessToken -Session $script:pi -AsPlainText) | Should -Be 'pi-token'
    }
}

Describe 'One script for both APIs' {
    It 'takes a CPP offer and a Product Ingestion product live with the same lines' {
        $both = Connect-CpAccount -AccessToken 'cpp-token' -ProductIngestionAccessToken 'pi-token' -Endpoint $script:emulator.Url -ProductIngestionEndpoint "$($script:emulator.Url)/rp/product-ingestion" -PublisherId contoso
        try {
            $results = foreach ($target in @(@{ Api = 'Cpp'; OfferId = 'contoso-app' }, @{ Api = 'ProductIngestion'; OfferId = 'fabrikam-vm' })) {
                $null = Publish-CpOffer -OfferId $target.OfferId -Api $target.Api -Session $both -Wait -PollingInterval 0.05 -Timeout 60 -ErrorAction Stop
                Invoke-CpGoLive -OfferId $target.OfferId -Api $target.Api -Session $both -Force -Wait -PollingInterval 0.05 -Timeout 60 -ErrorAction Stop
            }

            $results.Api | Should -Be @('Cpp', 'ProductIngestion')
            $results.State | Should -Be @('Succeeded', 'Succeeded')
        }
        finally {
            Disconnect-CpAccount -Session $both
        }
    }
}

Describe 'A wait of several emulated days on both APIs' {
    BeforeAll {
        Import-TestAids
        # A publish reaches sign-off after 3 days and 1 hour of emulator time, about 5 s at this scale; tokens are refused
        # 2 s after the emulator first sees them, so each session renews both of its tokens during the waits.
        $script:slow = Start-TestEmulator -Arguments '--time-scale', '50000', '--token-lifetime', '2'
        $script:renewing = [CloudPartner.TestAids.CpTestAid]::ConnectRenewable($script:slow.Url, 'contoso', [timespan]::FromSeconds(2))
    }

    AfterAll {
        Disconnect-CpAccount -Session $script:renewing -ErrorAction SilentlyContinue
        Stop-TestEmulator $script:slow
    }

    It 'follows a CPP publish and a Product Ingestion publish to sign-off, renewing both tokens, never refused' {
        $cpp = Publish-CpOffer -OfferId test-vm -Api Cpp -Session $script:renewing
        $pi = Publish-CpOffer -OfferId contoso-corevm -Api ProductIngestion -Session $script:renewing
        $done = $cpp, $pi | Wait-CpOperation -Session $script:renewing -PollingInterval 0.5 -Timeout 120
        $done.State | Should -Be @('WaitingForPublisherReview', 'WaitingForPublisherReview')

        $requests = @(Get-EmulatorRequest $script:slow)
        @($requests | Where-Object status -EQ 401).Count | Should -Be 0
        @($requests | Where-Object path -Like '/api/*' | ForEach-Object { $_.headers.Authorization } | Sort-Object -Unique).Count | Should -BeGreaterThan 1
        @($requests | Where-Object path -Like '/rp/*' | ForEach-Object { $_.headers.Authorization } | Sort-Object -Unique).Count | Should -BeGreaterThan 1
    }
}

Describe 'Go-live safety and products as code on the Product Ingestion API' {
    It 'says under -WhatIf what going live would change, and sends nothing' {
        $null = Publish-CpOffer -OfferId contoso-large -Session $script:pi -Wait -PollingInterval 0.05 -Timeout 60
        Clear-EmulatorRequest $script:emulator
        # The "What if:" line goes to the host, so it is read from a child PowerShell's output.
        $url = $script:emulator.Url
        $command = "Import-Module '$($env:CLOUDPARTNER_TEST_MODULE)'; Connect-CpAccount -AccessToken t -Api ProductIngestion -Endpoint '$url' -ProductIngestionEndpoint '$url/rp/product-ingestion' | Out-Null; Invoke-CpGoLive -OfferId contoso-large -WhatIf"
        $said = (& (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -Command $command) -join ' '
        $said | Should -Match 'What if: .*: \d+ changes under /resources/0, .* would go live.* on target "product .contoso-large.'
        $said | Should -Not -Match '/root|/\$schema'
        @(Get-EmulatorRequest $script:emulator | Where-Object method -eq 'POST').Count | Should -Be 0
    }

    It 'compares slots as resource trees, matching resources by id whatever their order' {
        $draft = Get-CpOffer -OfferId contoso-large -Session $script:pi
        $draft.Definition.resources[0].alias = 'Contoso Large, after the preview'
        $draft | Set-CpOffer -Session $script:pi -Confirm:$false
        $changes = @(Compare-CpOffer -OfferId contoso-large -ReferenceSlot Preview -DifferenceSlot Draft -Session $script:pi)
        $changes | Where-Object Path -eq '/resources/0/alias' | ForEach-Object { $_.After } | Should -Be 'Contoso Large, after the preview'

        $tree = (Get-CpOffer -OfferId test-vm -Session $script:pi).Definition
        $reordered = (Get-CpOffer -OfferId test-vm -Session $script:pi).Definition
        [array]::Reverse($reordered.resources)
        @(Compare-CpOffer -ReferenceObject $tree -DifferenceObject $reordered -Session $script:pi).Count | Should -Be 0
    }

    It 'exports products as files, byte-identical when exported again, read back by Set-CpOffer and Compare-CpOffer' {
        $folder = Join-Path $TestDrive 'products'
        $files = @(Export-CpOffer -OfferId 'test-*' -Path $folder -Session $script:pi)
        $files.Name | Should -Be @('test-vm.json')
        $first = [System.IO.File]::ReadAllBytes($files[0].FullName)
        $null = Export-CpOffer -OfferId test-vm -Path $folder -Session $script:pi
        [System.IO.File]::ReadAllBytes($files[0].FullName) | Should -Be $first

        @(Compare-CpOffer -OfferId test-vm -ReferencePath $files[0].FullName -DifferenceSlot Draft -Session $script:pi).Count | Should -Be 0
        (Get-Content $files[0].FullName -Raw) -replace '"alias": "Test VM plan"', '"alias": "Test VM plan, edited"' | Set-Content $files[0].FullName -NoNewline
        Set-CpOffer -OfferId test-vm -Path $files[0].FullName -Session $script:pi -Confirm:$false
        $change = Compare-CpOffer -OfferId test-vm -ReferencePath $files[0].FullName -DifferenceSlot Draft -Session $script:pi
        $change | Should -BeNullOrEmpty
        (Get-CpOffer -OfferId test-vm -Session $script:pi).Definition.resources[1].alias | Should -Be 'Test VM plan, edited'
    }
}
