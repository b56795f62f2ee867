#requires -Modules Pester
# The cmdlets against an emulator in strict mode, which answers operations with only the fields the documentation's
# samples show (no id, submissionType, dates or error on an operation; no createdDateTime on list items): the module
# must not depend on anything production may leave out.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-TestModule
    $script:emulator = Start-TestEmulator -Arguments '--time-scale', '10000000', '--strict'
    Connect-CpAccount -AccessToken 'strict-token' -Endpoint $script:emulator.Url -PublisherId contoso | Out-Null

    function New-TestOffer {
        param([Parameter(Mandatory)] [string] $Id, [switch] $Migrated)
        $definition = @{ offerTypeId = 'microsoft-azure-virtualmachines'; definition = @{ displayText = $Id; offer = @{}; plans = @() } }
        New-CpOffer -OfferId $Id -Definition $definition | Out-Null
        if ($Migrated) {
            Invoke-EmulatorAdmin $script:emulator -Path "offers/contoso/$Id/settings" -Method PUT -Body @{ migrated = $true } | Out-Null
        }
    }
}

AfterAll {
    Disconnect-CpAccount
    Stop-TestEmulator $script:emulator
}

Describe 'Strict answers' {
    It 'are what the emulator sends' {
        (Invoke-EmulatorAdmin $script:emulator -Path settings).strict | Should -BeTrue
    }

    It 'take a <Form> offer through publish, sign-off and go-live with -Wait' -ForEach @(
        @{ Form = 'non-migrated'; Migrated = $false }
        @{ Form = 'migrated'; Migrated = $true }
    ) {
        $id = "strict-$Form"
        New-TestOffer -Id $id -Migrated:$Migrated
        $published = Publish-CpOffer -OfferId $id -Wait -PollingInterval 0.05 -Timeout 60 -ErrorAction Stop
        $published.State | Should -Be 'WaitingForPublisherReview'
        $published.SubmissionType | Should -Be 'publish'
        $published.Id | Should -Not -BeNullOrEmpty
        $live = Invoke-CpGoLive -OfferId $id -Force -Wait -PollingInterval 0.05 -Timeout 60 -ErrorAction Stop
        $live.State | Should -Be 'Succeeded'
        $live.SubmissionType | Should -Be 'golive'
    }

    It 'list operations newest first, with their kind, from the submissions list' {
        $operations = @(Get-CpOperation -OfferId strict-non-migrated)
        $operations.SubmissionType | Should -Be @('golive', 'publish')
        $operations | ForEach-Object { $_.Location | Should -Not -BeNullOrEmpty }
    }

    It 'resume a publish wait from its Location alone, stopping at sign-off' {
        New-TestOffer -Id strict-resume
        $started = Publish-CpOffer -OfferId strict-resume
        $waited = Get-CpOperation -Location $started.Location | Wait-CpOperation -PollingInterval 0.05 -Timeout 60 -ErrorAction Stop
        $waited.State | Should -Be 'WaitingForPublisherReview'
    }

    It 'cancel a running publish and report it canceled' {
        New-TestOffer -Id strict-cancel
        $running = Publish-CpOffer -OfferId strict-cancel
        $canceled = Stop-CpOperation -OfferId strict-cancel -Force -Wait -PollingInterval 0.05 -Timeout 60 -ErrorAction Stop
        $canceled.State | Should -Be 'Canceled'
        $canceled.Id | Should -Be $running.Id
    }

    It 'start one publish when its answer is lost, judged without createdDateTime' {
        New-TestOffer -Id strict-lost
        Invoke-EmulatorAdmin $script:emulator -Path faults -Method POST -Body @{ kind = 'drop'; method = 'POST'; path = '/api/publishers/contoso/offers/strict-lost/publish'; phase = 'after'; count = 1 } | Out-Null
        $operation = Publish-CpOffer -OfferId strict-lost -ErrorAction Stop
        @(Get-CpOperation -OfferId strict-lost).Count | Should -Be 1
        $operation.Id | Should -Be (Get-CpOperation -OfferId strict-lost).Id
    }
}

Describe 'The 2018 documentation''s Operation-Location forms' {
    BeforeAll {
        Invoke-EmulatorAdmin $script:emulator -Path settings -Method PUT -Body @{ legacyOperationLocation = $true } | Out-Null
    }

    AfterAll {
        Invoke-EmulatorAdmin $script:emulator -Path settings -Method PUT -Body @{ legacyOperationLocation = $false } | Out-Null
    }

    It 'are followed for publish (relative, non-migrated form), go-live and cancel (absolute GUID form), in strict mode too' {
        New-TestOffer -Id strict-legacy
        $published = Publish-CpOffer -OfferId strict-legacy -Wait -PollingInterval 0.05 -Timeout 60 -ErrorAction Stop
        $published.Location.AbsoluteUri | Should -BeLike "$($script:emulator.Url)/api/operations/contoso`$strict-legacy`$*`$preview?api-version=2017-10-31"
        $published.State | Should -Be 'WaitingForPublisherReview'
        $live = Invoke-CpGoLive -OfferId strict-legacy -Force -Wait -PollingInterval 0.05 -Timeout 60 -ErrorAction Stop
        $live.Location.AbsoluteUri | Should -Match '/api/publishers/contoso/offers/strict-legacy/operations/[0-9a-f-]{36}\?api-version=2017-10-31$'
        $live.State | Should -Be 'Succeeded'
    }
}

Describe 'Publisher sign-off in either shape' {
    AfterAll {
        Invoke-EmulatorAdmin $script:emulator -Path settings -Method PUT -Body @{ signoffShape = 'status' } | Out-Null
    }

    It 'stops Publish-CpOffer -Wait at sign-off and shows it in Get-CpOfferStatus when it shows as <Shape>' -ForEach @(
        @{ Shape = 'status'; OfferStatus = 'waitingForPublisherReview' }
        @{ Shape = 'step'; OfferStatus = 'running' }
    ) {
        Invoke-EmulatorAdmin $script:emulator -Path settings -Method PUT -Body @{ signoffShape = $Shape } | Out-Null
        $id = "signoff-$Shape"
        New-TestOffer -Id $id
        (Publish-CpOffer -OfferId $id -Wait -PollingInterval 0.05 -Timeout 60 -ErrorAction Stop).State | Should -Be 'WaitingForPublisherReview'
        $status = Get-CpOfferStatus -OfferId $id
        $status.Status | Should -Be $OfferStatus
        $status.State | Should -Be 'WaitingForPublisherReview'
    }
}
