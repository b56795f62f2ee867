#requires -Modules Pester
# A known token and a planted client secret never appear in any stream, error record, exception text, transcript or
# the session's formatting, whatever every cmdlet does with -Verbose -Debug (tests/Pester/Secrets/Invoke-EveryCmdlet.ps1).

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:emulator = Start-TestEmulator -Arguments @('--time-scale', '10000000', '--request-log-capacity', '10000')
    $script:token = "planted-token-$([guid]::NewGuid().ToString('N'))"
    $script:secret = "planted-secret-$([guid]::NewGuid().ToString('N'))"
    $script:transcript = Join-Path $TestDrive 'transcript.txt'
    $capturePath = Join-Path $TestDrive 'capture.json'
    $child = Join-Path $PSScriptRoot 'Secrets/Invoke-EveryCmdlet.ps1'
    $env:CP_PLANTED_TOKEN = $script:token
    $env:CP_PLANTED_SECRET = $script:secret
    try {
        $script:childOutput = & pwsh -NoProfile -NonInteractive -File $child -ModulePath $env:CLOUDPARTNER_TEST_MODULE -EmulatorUrl $script:emulator.Url `
            -TranscriptPath $script:transcript -CapturePath $capturePath 2>&1 | Out-String
    }
    finally {
        Remove-Item Env:CP_PLANTED_TOKEN, Env:CP_PLANTED_SECRET -ErrorAction SilentlyContinue
    }
    $script:capture = Get-Content $capturePath -Raw | ConvertFrom-Json
    $script:requests = @(Get-EmulatorRequest $script:emulator)
}

AfterAll {
    Stop-TestEmulator $script:emulator
}

Describe 'Planted secrets' {
    It 'really travelled: the service saw the token and the client secret' {
        $fingerprints = @($script:requests.headers.Authorization | Sort-Object -Unique)
        $fingerprints.Count | Should -Be 1
        $fingerprints[0] | Should -Match '^Bearer sha256:[0-9a-f]{12}$'
        @($script:requests | Where-Object { $_.query -like "*$($script:secret)*" -or $_.body -like "*$($script:secret)*" }).Count | Should -BeGreaterThan 1
        @($script:requests | Where-Object { $_.path -like "*$($script:token)*" }).Count | Should -BeGreaterThan 1
    }

    It 'every cmdlet ran, succeeding and failing, with verbose and debug output' {
        $script:capture.Records | Should -BeGreaterThan 100
        $script:capture.Verbose | Should -BeGreaterThan 50
        $script:capture.Debug | Should -BeGreaterThan 10
        $ids = $script:capture.Errors
        foreach ($expected in 'CpInvalidArgument', 'CpNotFound', 'CpServiceError', 'CpInvalidResponse', 'CpConflict', 'CpPreconditionFailed',
            'CpOperationTimeout', 'CpOperationCanceled', 'CpOperationFailed', 'CpUnauthorized', 'CpNotConnected') {
            @($ids | Where-Object { $_ -like "$expected,*" }).Count | Should -BeGreaterThan 0 -Because "a $expected failure was provoked"
        }
        $commands = $ids | ForEach-Object { ($_ -split ',')[1] -replace '^CloudPartner\.Commands\.', '' -replace 'Command$', '' } | Sort-Object -Unique
        foreach ($name in 'ConnectCpAccount', 'GetCpSession', 'GetCpAccessToken', 'GetCpPublisher', 'GetCpOffer', 'GetCpOfferStatus', 'NewCpOffer',
            'SetCpOffer', 'PublishCpOffer', 'InvokeCpGoLive', 'StopCpOperation', 'GetCpOperation', 'WaitCpOperation', 'InvokeCpRestMethod') {
            $commands | Should -Contain $name -Because "$name was made to fail"
        }
    }

    It 'were masked where they would have shown' {
        $script:capture.Text | Should -Match ([regex]::Escape('***'))
        $script:capture.Text | Should -Match 'client_secret=\*\*\*'
    }

    It 'appear in no stream, error record, exception text or session formatting' {
        $script:capture.Text | Should -Not -BeNullOrEmpty
        $script:capture.Text | Should -Not -Match ([regex]::Escape($script:token))
        $script:capture.Text | Should -Not -Match ([regex]::Escape($script:secret))
    }

    It 'appear nowhere in the transcript' {
        $text = Get-Content $script:transcript -Raw
        # Records piped to Out-Host are shown without their VERBOSE:/DEBUG: prefix; their text is there.
        $text | Should -Match 'GET http://127\.0\.0\.1:\d+/api/publishers\?api-version=2017-10-31 → 200 OK'
        $text | Should -Match 'response body: '
        $text | Should -Match 'request body: '
        $text | Should -Match 'What if:'
        $text | Should -Not -Match ([regex]::Escape($script:token))
        $text | Should -Not -Match ([regex]::Escape($script:secret))
    }

    It 'appear nowhere in what the child process wrote' {
        $script:childOutput | Should -Not -Match ([regex]::Escape($script:token))
        $script:childOutput | Should -Not -Match ([regex]::Escape($script:secret))
    }

    It 'are not kept in the URL-encoded form either' {
        $encodedToken = [uri]::EscapeDataString($script:token)
        $all = $script:capture.Text + (Get-Content $script:transcript -Raw)
        if ($encodedToken -ne $script:token) { $all | Should -Not -Match ([regex]::Escape($encodedToken)) }
    }
}
