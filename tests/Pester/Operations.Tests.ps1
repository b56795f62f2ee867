#requires -Modules Pester
# Publish-CpOffer, Invoke-CpGoLive, Stop-CpOperation, Get-CpOperation, Wait-CpOperation against the emulator.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-TestModule
    # Time runs 10 million times faster: a publish (3 days of steps) takes about 30 ms.
    $script:emulator = Start-TestEmulator -Arguments '--time-scale', '10000000'
    Connect-CpAccount -AccessToken 'operations-test-token' -Endpoint $script:emulator.Url -PublisherId contoso | Out-Null
    $script:fast = @{ PollingInterval = [timespan]::FromMilliseconds(20) }

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

Describe 'Publish-CpOffer' {
    It 'returns a running publish operation with an absolute location' {
        New-TestOffer -Id pub-1
        $operation = Publish-CpOffer -OfferId pub-1
        $operation | Should -BeOfType 'CloudPartner.CpOperation'
        $operation.SubmissionType | Should -Be 'publish'
        $operation.Location.IsAbsoluteUri | Should -BeTrue
        $operation.Location.AbsoluteUri | Should -BeLike "$($script:emulator.Url)/api/operations/contoso`$pub-1`$*`$preview?api-version=2017-10-31"
    }

    It 'waits until publisher sign-off with -Wait' {
        New-TestOffer -Id pub-2 -Migrated
        $operation = Publish-CpOffer -OfferId pub-2 -Wait @fast
        $operation.State | Should -Be 'WaitingForPublisherReview'
        $operation.CurrentStep.Id | Should -Be 'publisher-signoff'
        $operation.PercentComplete | Should -Be 100
        $operation.Location.AbsolutePath | Should -BeLike '/api/publishers/contoso/offers/pub-2/operations/*'
    }

    It 'sends the notification emails joined with commas' {
        New-TestOffer -Id pub-3
        Clear-EmulatorRequest $script:emulator
        Publish-CpOffer -OfferId pub-3 -NotificationEmail 'a@contoso.com', 'b@contoso.com' | Out-Null
        $post = Get-EmulatorRequest $script:emulator -Method POST
        ($post.body | ConvertFrom-Json).metadata.'notification-emails' | Should -Be 'a@contoso.com,b@contoso.com'
    }

    It 'sends no body without notification emails' {
        New-TestOffer -Id pub-4
        Clear-EmulatorRequest $script:emulator
        Publish-CpOffer -OfferId pub-4 | Out-Null
        (Get-EmulatorRequest $script:emulator -Method POST).body | Should -BeNullOrEmpty
    }

    It 'rejects an email with a newline before any request' {
        Clear-EmulatorRequest $script:emulator
        { Publish-CpOffer -OfferId pub-4 -NotificationEmail "a@contoso.com`nBcc: x@evil.com" } | Should -Throw -ErrorId 'CpInvalidArgument,CloudPartner.Commands.PublishCpOfferCommand'
        @(Get-EmulatorRequest $script:emulator).Count | Should -Be 0
    }

    It 'publishes offers from the pipeline' {
        New-TestOffer -Id pipe-1
        New-TestOffer -Id pipe-2
        $operations = Get-CpOffer -OfferId 'pipe-*' | Where-Object Status -eq neverPublished | Publish-CpOffer
        $operations.OfferId | Sort-Object | Should -Be @('pipe-1', 'pipe-2')
    }

    It 'returns the running publish, with a warning, when a repeated publish is answered with it' {
        New-TestOffer -Id pub-6
        $settings = Invoke-EmulatorAdmin $script:emulator -Path settings
        Invoke-EmulatorAdmin $script:emulator -Path settings -Method PUT -Body @{ timeScale = 1 } | Out-Null
        try {
            $first = Publish-CpOffer -OfferId pub-6
            $warnings = $null
            $second = Publish-CpOffer -OfferId pub-6 -WarningVariable warnings -WarningAction SilentlyContinue
            $second.Id | Should -Be $first.Id
            "$warnings" | Should -Match "already running \(operation $($first.Id)\).*started nothing new"
            @(Get-CpOperation -OfferId pub-6).Count | Should -Be 1
        }
        finally {
            Invoke-EmulatorAdmin $script:emulator -Path settings -Method PUT -Body @{ timeScale = $settings.timeScale } | Out-Null
        }
    }

    It 'reports a second publish while one runs as CpConflict where the service refuses repeats' {
        New-TestOffer -Id pub-5
        $settings = Invoke-EmulatorAdmin $script:emulator -Path settings
        Invoke-EmulatorAdmin $script:emulator -Path settings -Method PUT -Body @{ timeScale = 1; repeatConflict = $true } | Out-Null
        try {
            Publish-CpOffer -OfferId pub-5 | Out-Null
            $err = $null
            Publish-CpOffer -OfferId pub-5 -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -Be 'CpConflict,CloudPartner.Commands.PublishCpOfferCommand'
            $err[0].TargetObject | Should -Be 'pub-5'
        }
        finally {
            Invoke-EmulatorAdmin $script:emulator -Path settings -Method PUT -Body @{ timeScale = $settings.timeScale; repeatConflict = $false } | Out-Null
        }
    }

    It 'sends nothing under -WhatIf' {
        Clear-EmulatorRequest $script:emulator
        Publish-CpOffer -OfferId pub-1 -WhatIf
        @(Get-EmulatorRequest $script:emulator).Count | Should -Be 0
    }
}

Describe 'Invoke-CpGoLive' {
    It 'asks for confirmation without -Force' {
        New-TestOffer -Id live-confirm
        Publish-CpOffer -OfferId live-confirm -Wait @fast | Out-Null
        Clear-EmulatorRequest $script:emulator
        # A host that cannot prompt fails the confirmation instead of going live.
        $ps = [powershell]::Create()
        $null = $ps.AddCommand('Import-Module').AddArgument($env:CLOUDPARTNER_TEST_MODULE).AddStatement()
        $null = $ps.AddCommand('Invoke-CpGoLive').AddParameter('OfferId', 'live-confirm')
        $ps.Invoke() | Should -BeNullOrEmpty
        $ps.Streams.Error[0].FullyQualifiedErrorId | Should -BeLike 'HostFunctionNotImplemented,*InvokeCpGoLiveCommand'
        $ps.Streams.Error[0].Exception.Message | Should -Match 'Go live'
        $ps.Dispose()
        @(Get-EmulatorRequest $script:emulator -Method POST).Count | Should -Be 0
    }

    It 'sends nothing under -WhatIf, even with -Force: it only reads the two slots it compares' {
        Clear-EmulatorRequest $script:emulator
        Invoke-CpGoLive -OfferId live-confirm -Force -WhatIf
        @(Get-EmulatorRequest $script:emulator -Method POST).Count | Should -Be 0
        @(Get-EmulatorRequest $script:emulator).path | Sort-Object | Should -Be @(
            '/api/publishers/contoso/offers/live-confirm/slot/preview', '/api/publishers/contoso/offers/live-confirm/slot/production')
    }

    It 'goes live with -Force and pipes into Get-CpOperation' {
        $operation = Invoke-CpGoLive -OfferId live-confirm -Force | Get-CpOperation
        $operation.SubmissionType | Should -Be 'golive'
    }

    It 'ends Succeeded for the success word <word>' -ForEach @(@{ word = 'succeeded' }, @{ word = 'complete' }, @{ word = 'completed' }) {
        Invoke-EmulatorAdmin $script:emulator -Path settings -Method PUT -Body @{ successWord = $word } | Out-Null
        New-TestOffer -Id "live-$word"
        Publish-CpOffer -OfferId "live-$word" -Wait @fast | Out-Null
        $operation = Invoke-CpGoLive -OfferId "live-$word" -Force -Wait @fast
        $operation.State | Should -Be 'Succeeded'
        $operation.Status | Should -Be $word
        $operation.IsTerminal | Should -BeTrue
        Invoke-EmulatorAdmin $script:emulator -Path settings -Method PUT -Body @{ successWord = 'succeeded' } | Out-Null
    }
}

Describe 'Wait-CpOperation' {
    It 'waits for ten go-lives from the pipeline at once' {
        1..10 | ForEach-Object { New-TestOffer -Id "many-$_" }
        Get-CpOffer -OfferId 'many-*' | Publish-CpOffer -Wait @fast | Out-Null
        $done = Get-CpOffer -OfferId 'many-*' | Invoke-CpGoLive -Force | Wait-CpOperation @fast
        $done.Count | Should -Be 10
        $done.State | Sort-Object -Unique | Should -Be 'Succeeded'
        ($done.OfferId | Sort-Object -Unique).Count | Should -Be 10
    }

    It 'resumes from a location string' {
        New-TestOffer -Id wait-location
        $operation = Publish-CpOffer -OfferId wait-location
        $done = $operation.Location.AbsoluteUri | Wait-CpOperation @fast
        $done.State | Should -Be 'WaitingForPublisherReview'
        (Get-CpOperation -Location $operation.Location.PathAndQuery).Id | Should -Be $done.Id
    }

    It 'ends a wait that takes too long with CpOperationTimeout, writing the operation too' {
        New-TestOffer -Id wait-timeout
        $settings = Invoke-EmulatorAdmin $script:emulator -Path settings
        Invoke-EmulatorAdmin $script:emulator -Path settings -Method PUT -Body @{ timeScale = 1 } | Out-Null
        try {
            $err = $null
            $operation = Publish-CpOffer -OfferId wait-timeout -Wait -Timeout '00:00:00.3' @fast -ErrorVariable err -ErrorAction SilentlyContinue
            $operation.State | Should -Be 'Running'
            $err[0].FullyQualifiedErrorId | Should -Be 'CpOperationTimeout,CloudPartner.Commands.PublishCpOfferCommand'
            $err[0].ErrorDetails.RecommendedAction | Should -Match ([regex]::Escape("Get-CpOperation -Location '$($operation.Location)' | Wait-CpOperation"))
            $err[0].TargetObject.Id | Should -Be $operation.Id
        }
        finally {
            Invoke-EmulatorAdmin $script:emulator -Path settings -Method PUT -Body @{ timeScale = $settings.timeScale } | Out-Null
            Stop-CpOperation -OfferId wait-timeout -Force | Out-Null
        }
    }

    It 'writes the failed operation and a CpOperationFailed error with the step messages' {
        New-TestOffer -Id wait-fail
        Invoke-EmulatorAdmin $script:emulator -Path 'offers/contoso/wait-fail/settings' -Method PUT -Body @{ failCertification = $true } | Out-Null
        $err = $null
        $operation = Publish-CpOffer -OfferId wait-fail -Wait @fast -ErrorVariable err -ErrorAction SilentlyContinue
        $operation.State | Should -Be 'Failed'
        $operation.CurrentStep.StepName | Should -Be 'Certification'
        $err[0].FullyQualifiedErrorId | Should -Be 'CpOperationFailed,CloudPartner.Commands.PublishCpOfferCommand'
        $err[0].Exception.Message | Should -Match 'No virtual machine image was found for the plan contoso'
        $err[0].TargetObject | Should -BeOfType 'CloudPartner.CpOperation'
    }

    It 'shows one progress record per operation and completes each' {
        New-TestOffer -Id progress-1
        New-TestOffer -Id progress-2
        # Progress goes to the host, not to the pipeline: read it from a hosted run's progress stream.
        $ps = [powershell]::Create()
        $null = $ps.AddScript({
                param($module, $url)
                Import-Module $module
                Connect-CpAccount -AccessToken t -Endpoint $url -PublisherId contoso | Out-Null
                Get-CpOffer -OfferId 'progress-*' | Publish-CpOffer -Wait -PollingInterval '00:00:00.02'
            }).AddArgument($env:CLOUDPARTNER_TEST_MODULE).AddArgument($script:emulator.Url)
        $output = $ps.Invoke()
        $progress = @($ps.Streams.Progress)
        $ps.Dispose()
        $output.Count | Should -Be 2
        ($progress.ActivityId | Sort-Object -Unique).Count | Should -Be 2
        @($progress | Where-Object RecordType -eq 'Completed').Count | Should -Be 2
        ($progress | Where-Object RecordType -eq 'Processing')[0].Activity | Should -Match '^Publish progress-'
    }
}

Describe 'Stop-CpOperation' {
    It 'cancels the running operation' {
        New-TestOffer -Id stop-1
        $settings = Invoke-EmulatorAdmin $script:emulator -Path settings
        Invoke-EmulatorAdmin $script:emulator -Path settings -Method PUT -Body @{ timeScale = 1 } | Out-Null
        try {
            $publish = Publish-CpOffer -OfferId stop-1
            Stop-CpOperation -OfferId stop-1 -Force | Out-Null
            ($publish | Get-CpOperation).State | Should -Be 'Canceled'
        }
        finally {
            Invoke-EmulatorAdmin $script:emulator -Path settings -Method PUT -Body @{ timeScale = $settings.timeScale } | Out-Null
        }
    }

    It 'writes the canceled operation and CpOperationCanceled when waiting on it' {
        New-TestOffer -Id stop-2
        $settings = Invoke-EmulatorAdmin $script:emulator -Path settings
        Invoke-EmulatorAdmin $script:emulator -Path settings -Method PUT -Body @{ timeScale = 1 } | Out-Null
        try {
            $publish = Publish-CpOffer -OfferId stop-2
            Stop-CpOperation -OfferId stop-2 -Force | Out-Null
            $err = $null
            $final = $publish | Wait-CpOperation @fast -ErrorVariable err -ErrorAction SilentlyContinue
            $final.State | Should -Be 'Canceled'
            $err[0].FullyQualifiedErrorId | Should -Be 'CpOperationCanceled,CloudPartner.Commands.WaitCpOperationCommand'
        }
        finally {
            Invoke-EmulatorAdmin $script:emulator -Path settings -Method PUT -Body @{ timeScale = $settings.timeScale } | Out-Null
        }
    }
}

Describe 'Get-CpOperation' {
    It 'lists an offer''s operations and filters by status' {
        $all = Get-CpOperation -OfferId live-succeeded
        $all.SubmissionType | Should -Contain 'publish'
        $all.SubmissionType | Should -Contain 'golive'
        (Get-CpOperation -OfferId live-succeeded -Status succeeded).State | Sort-Object -Unique | Should -Be 'Succeeded'
    }

    It 'reads one by id and by every location form' {
        $operation = Get-CpOperation -OfferId live-succeeded | Select-Object -First 1
        (Get-CpOperation -OfferId live-succeeded -OperationId $operation.Id).Id | Should -Be $operation.Id
        (Get-CpOperation -Location $operation.Location.AbsoluteUri).Id | Should -Be $operation.Id
        (Get-CpOperation -Location $operation.Location.PathAndQuery).Id | Should -Be $operation.Id
        (Get-CpOperation -Location "/api/publishers/contoso/offers/live-succeeded/operations/$($operation.Id)").Id | Should -Be $operation.Id
    }

    It 'refuses a location on another host as CpUntrustedLocation' {
        Clear-EmulatorRequest $script:emulator
        { Get-CpOperation -Location 'https://attacker.example.com/api/publishers/contoso/offers/x/operations/56615b67-2185-49fe-80d2-c4ddf77bb2e8' -ErrorAction Stop } |
            Should -Throw -ErrorId 'CpUntrustedLocation,CloudPartner.Commands.GetCpOperationCommand'
        @(Get-EmulatorRequest $script:emulator).Count | Should -Be 0
    }
}

Describe 'Ctrl+C while waiting' {
    It 'stops a hosted wait within a second' {
        New-TestOffer -Id ctrl-c-hosted
        $settings = Invoke-EmulatorAdmin $script:emulator -Path settings
        Invoke-EmulatorAdmin $script:emulator -Path settings -Method PUT -Body @{ timeScale = 1 } | Out-Null
        try {
            $ps = [powershell]::Create()
            $null = $ps.AddScript({
                    param($module, $url)
                    Import-Module $module
                    Connect-CpAccount -AccessToken t -Endpoint $url -PublisherId contoso | Out-Null
                    Publish-CpOffer -OfferId ctrl-c-hosted -Wait -PollingInterval '01:00:00'
                }).AddArgument($env:CLOUDPARTNER_TEST_MODULE).AddArgument($script:emulator.Url)
            $async = $ps.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(20)
            while (-not (Get-CpOperation -OfferId ctrl-c-hosted -Status running) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            Start-Sleep -Milliseconds 300
            $watch = [System.Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $watch.Stop()
            $async.IsCompleted | Should -BeTrue
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 1
            $ps.Dispose()
        }
        finally {
            Invoke-EmulatorAdmin $script:emulator -Path settings -Method PUT -Body @{ timeScale = $settings.timeScale } | Out-Null
            Stop-CpOperation -OfferId ctrl-c-hosted -Force -ErrorAction SilentlyContinue | Out-Null
        }
    }

    It 'tells the user in a terminal how to resume' {
        if (-not (Get-Command tmux -ErrorAction SilentlyContinue)) {
            Set-ItResult -Skipped -Because 'tmux is not installed, so no terminal can send Ctrl+C'
            return
        }

        New-TestOffer -Id ctrl-c-terminal
        $settings = Invoke-EmulatorAdmin $script:emulator -Path settings
        Invoke-EmulatorAdmin $script:emulator -Path settings -Method PUT -Body @{ timeScale = 1 } | Out-Null
        $script = Join-Path $TestDrive 'wait.ps1'
        @"
Import-Module '$($env:CLOUDPARTNER_TEST_MODULE)'
Connect-CpAccount -AccessToken t -Endpoint '$($script:emulator.Url)' -PublisherId contoso | Out-Null
'WAITING'
Publish-CpOffer -OfferId ctrl-c-terminal -Wait -PollingInterval '01:00:00'
"@ | Set-Content $script
        try {
            $run = Invoke-CtrlCInTerminal -ScriptPath $script
            $run.Exited | Should -BeTrue
            $run.Seconds | Should -BeLessThan 1.5
            $run.Screen | Should -Match "Resume with: Get-CpOperation -Location '[^']+' \| Wait-CpOperation"
        }
        finally {
            Invoke-EmulatorAdmin $script:emulator -Path settings -Method PUT -Body @{ timeScale = $settings.timeScale } | Out-Null
            Stop-CpOperation -OfferId ctrl-c-terminal -Force -ErrorAction SilentlyContinue | Out-Null
        }
    }

    It 'says the outcome is unknown when Ctrl+C stops a publish request in flight' {
        if (-not (Get-Command tmux -ErrorAction SilentlyContinue)) {
            Set-ItResult -Skipped -Because 'tmux is not installed, so no terminal can send Ctrl+C'
            return
        }

        New-TestOffer -Id ctrl-c-post
        # The service acts on the POST at once and answers 5 s later: Ctrl+C lands in between.
        Invoke-EmulatorAdmin $script:emulator -Path faults -Method POST -Body @{ kind = 'latency'; method = 'POST'; path = '/api/publishers/contoso/offers/ctrl-c-post/publish'; latencyMs = 5000; phase = 'after'; count = 1 } | Out-Null
        $script = Join-Path $TestDrive 'publish.ps1'
        @"
Import-Module '$($env:CLOUDPARTNER_TEST_MODULE)'
Connect-CpAccount -AccessToken t -Endpoint '$($script:emulator.Url)' -PublisherId contoso | Out-Null
'WAITING'
Publish-CpOffer -OfferId ctrl-c-post
"@ | Set-Content $script
        try {
            $run = Invoke-CtrlCInTerminal -ScriptPath $script -DelayMilliseconds 1500
            $run.Exited | Should -BeTrue
            $run.Screen | Should -Match "Publish request for offer 'ctrl-c-post' may have been in flight: its outcome is unknown. Check with: Get-CpOperation -OfferId 'ctrl-c-post'"
            @(Get-CpOperation -OfferId ctrl-c-post).Count | Should -Be 1
        }
        finally {
            Invoke-EmulatorAdmin $script:emulator -Path faults -Method DELETE | Out-Null
            Stop-CpOperation -OfferId ctrl-c-post -Force -ErrorAction SilentlyContinue | Out-Null
        }
    }
}
