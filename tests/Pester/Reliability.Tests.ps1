#requires -Modules Pester
# The promises kept under faults and hostile input, at the cmdlets: one command never starts two operations and
# reports what happened; one budget bounds a command; nothing hostile reaches the screen raw; bad input is refused
# before any request. docs/reliability.md lists the cases.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-TestModule
    $script:emulator = Start-TestEmulator
    Connect-CpAccount -AccessToken 'reliability-token' -Endpoint $script:emulator.Url -PublisherId contoso | Out-Null

    function New-TestOffer {
        param([Parameter(Mandatory)] [string] $Id)
        $definition = @{ offerTypeId = 'microsoft-azure-virtualmachines'; definition = @{ displayText = $Id; offer = @{}; plans = @() } }
        New-CpOffer -OfferId $Id -Definition $definition | Out-Null
    }

    function Add-Fault([hashtable] $Fault) {
        Invoke-EmulatorAdmin $script:emulator -Path faults -Method POST -Body $Fault | Out-Null
    }

    function Get-PublishId([string] $OfferId) {
        $operations = Invoke-EmulatorAdmin $script:emulator -Path operations
        , @(foreach ($operation in $operations) { if ($operation.offerId -eq $OfferId -and $operation.submissionType -eq 'publish') { $operation.id } })
    }

    # A loopback port that accepts connections and never answers.
    function Start-DeadEndpoint {
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start()
        [pscustomobject]@{ Listener = $listener; Url = "http://127.0.0.1:$($listener.LocalEndpoint.Port)" }
    }
}

AfterAll {
    Disconnect-CpAccount
    Stop-TestEmulator $script:emulator
}

Describe 'Reliability under faults and hostile input' {
    AfterEach {
        Invoke-EmulatorAdmin $script:emulator -Path faults -Method DELETE | Out-Null
    }

    Describe 'One command, one operation' {
        It 'Stop-CpOperation cancels the running publish when its request is lost, not an earlier canceled one' {
            New-TestOffer -Id rel-cancel
            Publish-CpOffer -OfferId rel-cancel | Out-Null
            Stop-CpOperation -OfferId rel-cancel -Force -Wait -PollingInterval 0.05 | Out-Null
            $second = Publish-CpOffer -OfferId rel-cancel
            Add-Fault @{ kind = 'drop'; method = 'POST'; pathRegex = '/cancel$'; count = 1; phase = 'before' }

            $canceled = Stop-CpOperation -OfferId rel-cancel -Force

            $canceled.Id | Should -Be $second.Id
            $now = Get-CpOperation -InputObject $second
            ($now.State -eq 'Canceled' -or $now.CancellationRequestState -eq 'cancelRequested') | Should -BeTrue
        }

        It 'Publish-CpOffer starts one publish when its answer is lost and certification fails at once' {
            New-TestOffer -Id rel-failing
            Invoke-EmulatorAdmin $script:emulator -Path 'offers/contoso/rel-failing/settings' -Method PUT -Body @{ failCertification = $true } | Out-Null
            Add-Fault @{ kind = 'drop'; method = 'POST'; path = '/api/publishers/contoso/offers/rel-failing/publish'; count = 1; phase = 'after' }

            $operation = Publish-CpOffer -OfferId rel-failing

            $ids = Get-PublishId rel-failing
            $ids.Count | Should -Be 1
            $operation.Id | Should -Be $ids[0]
        }

        It 'reports the publish and lets it be followed when the answer carries Retry-After: <_>' -ForEach '1e400', 'Infinity', '99999999999999' {
            $id = "rel-retry-after-$([array]::IndexOf(@('1e400', 'Infinity', '99999999999999'), $_))"
            New-TestOffer -Id $id
            Add-Fault @{ kind = 'hostile'; variant = 'retryAfter'; headerValue = $_; pathRegex = '/(publish|operations/.*)$' }

            $operation = Publish-CpOffer -OfferId $id -ErrorAction Stop

            $operation.Location | Should -Not -BeNullOrEmpty
            $operation.State | Should -Not -Be 'Unknown'
            (Get-CpOperation -Location $operation.Location -ErrorAction Stop).Id | Should -Be $operation.Id
        }
    }

    Describe 'One budget per command' {
        It 'gives up on a dead endpoint after the session timeout per attempt, and warns on the slow retry' {
            $dead = Start-DeadEndpoint
            try {
                $session = Connect-CpAccount -AccessToken 'dead-token' -Endpoint $dead.Url -PublisherId contoso -RequestTimeout 1 -MaxRetries 1
                $failure = $null
                try { Get-CpPublisher -Session $session -ErrorAction Stop -WarningVariable warnings -WarningAction SilentlyContinue }
                catch { $failure = $_ }
                $failure.FullyQualifiedErrorId | Should -Be 'CpServiceError,CloudPartner.Commands.GetCpPublisherCommand'
                $failure.Exception.Message | Should -BeLike '*no answer within 1 s*'
                ($warnings -join "`n") | Should -Match 'no answer within 1 s\); retry 1 of 1'
            }
            finally {
                $dead.Listener.Stop()
                Connect-CpAccount -AccessToken 'reliability-token' -Endpoint $script:emulator.Url -PublisherId contoso | Out-Null
            }
        }

        It 'ends Wait-CpOperation at -Timeout while a request gets no answer' {
            $dead = Start-DeadEndpoint
            try {
                $session = Connect-CpAccount -AccessToken 'dead-token' -Endpoint $dead.Url -PublisherId contoso -RequestTimeout 600
                $location = "$($dead.Url)/api/publishers/contoso/offers/x/operations/4a9e9ad0-8a86-4c07-9c21-3b1d5a7f2f5e?api-version=2017-10-31"
                { Wait-CpOperation -Session $session -Location $location -Timeout 1 -ErrorAction Stop } |
                    Should -Throw -ErrorId 'CpOperationTimeout,CloudPartner.Commands.WaitCpOperationCommand' -ExpectedMessage '*-Timeout ran out*'
            }
            finally {
                $dead.Listener.Stop()
                Connect-CpAccount -AccessToken 'reliability-token' -Endpoint $script:emulator.Url -PublisherId contoso | Out-Null
            }
        }

        It 'refuses a -RequestTimeout outside 0.1 s to 10 minutes' {
            { Connect-CpAccount -AccessToken t -Endpoint $script:emulator.Url -RequestTimeout 3600 -ErrorAction Stop } |
                Should -Throw -ErrorId 'CpInvalidArgument,CloudPartner.Commands.ConnectCpAccountCommand'
            (Get-CpSession).Endpoint.ToString().TrimEnd('/') | Should -Be $script:emulator.Url
        }

        It 'treats -Timeout ([timespan]::MaxValue) as no limit' {
            New-TestOffer -Id rel-forever
            $operation = Publish-CpOffer -OfferId rel-forever -Wait -PollingInterval 0.05 -Timeout ([timespan]::MaxValue) -ErrorAction Stop
            $operation.State | Should -Be 'WaitingForPublisherReview'
        }

        It 'refuses -PollingInterval 60.00:00:00 before any request' {
            Clear-EmulatorRequest $script:emulator
            { Wait-CpOperation -Location '/api/publishers/contoso/offers/x/operations/4a9e9ad0-8a86-4c07-9c21-3b1d5a7f2f5e' -PollingInterval '60.00:00:00' -ErrorAction Stop } |
                Should -Throw -ErrorId 'CpInvalidArgument,CloudPartner.Commands.WaitCpOperationCommand'
            @(Get-EmulatorRequest $script:emulator).Count | Should -Be 0
        }
    }

    Describe 'Hostile input is refused before any request' {
        It 'refuses -Proxy with a password, and never shows it' {
            $errorRecord = $null
            try { Connect-CpAccount -AccessToken t -Endpoint $script:emulator.Url -Proxy 'http://user:hunter2-proxy@proxy.example.com:8080' -ErrorAction Stop }
            catch { $errorRecord = $_ }
            $errorRecord.FullyQualifiedErrorId | Should -Be 'CpInvalidArgument,CloudPartner.Commands.ConnectCpAccountCommand'
            ($errorRecord | Out-String) + ($errorRecord.ErrorDetails | Out-String) | Should -Not -Match 'hunter2'
            (Get-CpSession | Format-List * | Out-String) | Should -Not -Match 'hunter2'
        }

        It 'refuses an access token with <Name>' -ForEach @(
            @{ Name = 'a line break'; Token = "abc`r`ndef" }
            @{ Name = 'a non-ASCII character'; Token = "abc$([char]0xE9)def" }
            @{ Name = 'a space inside'; Token = 'abc def' }
        ) {
            { Connect-CpAccount -AccessToken $Token -Endpoint $script:emulator.Url -ErrorAction Stop } |
                Should -Throw -ErrorId 'CpInvalidArgument,CloudPartner.Commands.ConnectCpAccountCommand'
            (Get-CpSession).AuthFlow | Should -Be 'AccessToken'
        }

        It 'refuses -OfferId contoso-[ as a wildcard pattern, without listing offers' {
            Clear-EmulatorRequest $script:emulator
            { Get-CpOffer -OfferId 'contoso-[' -ErrorAction Stop } | Should -Throw -ErrorId 'CpInvalidArgument,CloudPartner.Commands.GetCpOfferCommand'
            @(Get-EmulatorRequest $script:emulator).Count | Should -Be 0
        }
    }

    Describe 'Nothing the service says reaches the screen raw' {
        It 'shows control sequences of a refused publish as visible escapes' {
            New-TestOffer -Id rel-escape
            $hostile = "$([char]27)[2J$([char]27)]8;;https://evil.example.com$([char]7)click`r`nWARNING: run Connect-CpAccount -AccessToken <paste>"
            Invoke-EmulatorAdmin $script:emulator -Path 'offers/contoso/rel-escape/settings' -Method PUT -Body @{ rejectPublishMessage = $hostile } | Out-Null

            $errors = @()
            Publish-CpOffer -OfferId rel-escape -ErrorAction SilentlyContinue -ErrorVariable +errors | Out-Null

            $errors.Count | Should -BeGreaterThan 0
            $text = ($errors | ForEach-Object { $_.Exception.Message; $_.ErrorDetails.Message }) -join ' '
            $text | Should -Not -Match '[\x00-\x1f\x7f]'
            $text | Should -Match '\\u001b'
        }
    }
}
