#requires -Modules Pester
# Connect-CpAccount (access token), Get-CpSession, Disconnect-CpAccount, Get-CpAccessToken, Invoke-CpRestMethod.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-TestModule
    $script:emulator = Start-TestEmulator
    $script:token = 'planted-token-6f1c2e0a9b7d4e21a3c5'
}

AfterAll {
    Disconnect-CpAccount
    Stop-TestEmulator $script:emulator
}

Describe 'Before connecting' {
    It 'fails with CpNotConnected' {
        Disconnect-CpAccount
        { Get-CpSession } | Should -Throw -ErrorId 'CpNotConnected,CloudPartner.Commands.GetCpSessionCommand'
        { Invoke-CpRestMethod -Path /api/publishers } | Should -Throw -ErrorId 'CpNotConnected,CloudPartner.Commands.InvokeCpRestMethodCommand'
    }
}

Describe 'Connect-CpAccount -AccessToken' {
    It 'connects to a loopback endpoint and returns the session' {
        $session = Connect-CpAccount -AccessToken $script:token -Endpoint $script:emulator.Url -PublisherId contoso
        $session | Should -BeOfType 'CloudPartner.CpSession'
        $session.PublisherId | Should -Be 'contoso'
        $session.AuthFlow | Should -Be 'AccessToken'
        $session.Endpoint | Should -Be "$($script:emulator.Url)/"
        Get-CpSession | Should -Be $session
    }

    It 'accepts a SecureString token' {
        $secure = ConvertTo-SecureString $script:token -AsPlainText -Force
        (Connect-CpAccount -AccessToken $secure -Endpoint $script:emulator.Url -PublisherId contoso).AuthFlow | Should -Be 'AccessToken'
    }

    It 'refuses plain http to a host that is not loopback, before any request' {
        { Connect-CpAccount -AccessToken t -Endpoint 'http://cloudpartner.example.com' } |
            Should -Throw -ErrorId 'CpInvalidArgument,CloudPartner.Commands.ConnectCpAccountCommand'
    }

    It 'keeps the previous default session when a connect fails' {
        $before = Connect-CpAccount -AccessToken $script:token -Endpoint $script:emulator.Url -PublisherId contoso
        { Connect-CpAccount -AccessToken t -Endpoint 'http://10.1.2.3' } | Should -Throw
        Get-CpSession | Should -Be $before
    }

    It 'takes its common parameters' {
        $session = Connect-CpAccount -AccessToken t -Endpoint $script:emulator.Url -PublisherId contoso -MaxRetries 7 -ApiVersion 2017-10-31
        $session.MaxRetries | Should -Be 7
        $session.ApiVersion | Should -Be '2017-10-31'
        Connect-CpAccount -AccessToken $script:token -Endpoint $script:emulator.Url -PublisherId contoso | Out-Null
    }
}

Describe 'Invoke-CpRestMethod' {
    BeforeAll { Connect-CpAccount -AccessToken $script:token -Endpoint $script:emulator.Url -PublisherId contoso | Out-Null }

    It 'returns objects from the API, one per array element' {
        $offers = Invoke-CpRestMethod -Path /api/publishers/contoso/offers
        $offers.Count | Should -BeGreaterThan 1
        $offers[0].id | Should -Not -BeNullOrEmpty
        $offers[0] | Should -BeOfType [System.Management.Automation.PSCustomObject]
    }

    It 'adds the api-version and sends the bearer token' {
        Clear-EmulatorRequest $script:emulator
        Invoke-CpRestMethod -Path /api/publishers | Out-Null
        $request = Get-EmulatorRequest $script:emulator -PathLike '/api/publishers'
        $request.query | Should -Match 'api-version=2017-10-31'
        $request.headers.Authorization | Should -Match '^Bearer sha256:'
        $request.headers.'User-Agent' | Should -Match '^CloudPartner/'
    }

    It 'returns the exact text with -Raw' {
        $raw = Invoke-CpRestMethod -Path /api/publishers/contoso/offers/contoso-vm -Raw
        $raw | Should -BeOfType [string]
        ($raw | ConvertFrom-Json).id | Should -Be 'contoso-vm'
    }

    It 'sends a body given as JSON text or as an object' {
        $doc = Invoke-CpRestMethod -Path /api/publishers/contoso/offers/contoso-vm
        $doc.definition.displayText = 'From an object'
        Invoke-CpRestMethod -Method PUT -Path /api/publishers/contoso/offers/contoso-vm -Body $doc -Headers @{ 'If-Match' = '*' } -Confirm:$false | Out-Null
        (Invoke-CpRestMethod -Path /api/publishers/contoso/offers/contoso-vm).definition.displayText | Should -Be 'From an object'

        $text = (Invoke-CpRestMethod -Path /api/publishers/contoso/offers/contoso-vm -Raw).Replace('From an object', 'From text')
        Invoke-CpRestMethod -Method PUT -Path /api/publishers/contoso/offers/contoso-vm -Body $text -Headers @{ 'If-Match' = '*' } -Confirm:$false | Out-Null
        (Invoke-CpRestMethod -Path /api/publishers/contoso/offers/contoso-vm).definition.displayText | Should -Be 'From text'
    }

    It 'reports API errors with their id and the service message' {
        $err = $null
        Invoke-CpRestMethod -Path /api/publishers/contoso/offers/no-such-offer -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'CpNotFound,CloudPartner.Commands.InvokeCpRestMethodCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].Exception.Message | Should -Match '404'
        $err[0].ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
    }

    It 'refuses to send the token to another host' {
        { Invoke-CpRestMethod -Path 'https://attacker.example.com/api/publishers' -ErrorAction Stop } |
            Should -Throw -ErrorId 'CpUntrustedLocation,CloudPartner.Commands.InvokeCpRestMethodCommand'
    }

    It 'writes one verbose line per request' {
        $verbose = Invoke-CpRestMethod -Path /api/publishers -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        @($verbose).Count | Should -Be 1
        $verbose[0].Message | Should -Match '^GET .*/api/publishers\?api-version=2017-10-31 → 200'
    }

    It 'does not send a request under -WhatIf' {
        Clear-EmulatorRequest $script:emulator
        Invoke-CpRestMethod -Method POST -Path /api/publishers/contoso/offers/contoso-vm/publish -WhatIf
        @(Get-EmulatorRequest $script:emulator).Count | Should -Be 0
    }
}

Describe 'Get-CpAccessToken' {
    It 'returns the token as a SecureString, or as text with -AsPlainText' {
        Connect-CpAccount -AccessToken $script:token -Endpoint $script:emulator.Url -PublisherId contoso | Out-Null
        $token = Get-CpAccessToken
        $token | Should -BeOfType 'CloudPartner.CpAccessToken'
        $token.Token | Should -BeOfType [securestring]
        [System.Net.NetworkCredential]::new('', $token.Token).Password | Should -Be $script:token
        Get-CpAccessToken -AsPlainText | Should -Be $script:token
    }
}

Describe 'The token is never shown' {
    It 'is absent from every stream, error record, ToString and formatting of the session' {
        $session = Connect-CpAccount -AccessToken $script:token -Endpoint $script:emulator.Url -PublisherId contoso
        $everything = & {
            Get-CpSession -Verbose -Debug
            Invoke-CpRestMethod -Path "/api/publishers/contoso/offers?probe=$($script:token)" -Verbose -Debug
            Invoke-CpRestMethod -Path "/api/publishers/contoso/offers/$($script:token)" -Verbose -Debug -ErrorAction Continue
            Invoke-CpRestMethod -Method PUT -Path /api/publishers/contoso/offers/planted -Body "{`"offerTypeId`":`"`",`"secret`":`"$($script:token)`"}" -Verbose -Debug -Confirm:$false -ErrorAction Continue
        } *>&1 | Out-String -Width 500
        $formatted = @(
            $session.ToString()
            $session | Format-List * | Out-String
            $session | Format-Table * | Out-String
            $session | ConvertTo-Json -Depth 3
            $Error | ForEach-Object { $_.ToString(); $_.Exception.ToString(); $_.ErrorDetails.Message; $_.ErrorDetails.RecommendedAction } | Out-String
        ) -join "`n"
        $everything | Should -Not -BeNullOrEmpty
        $everything | Should -Not -Match ([regex]::Escape($script:token))
        $formatted | Should -Not -Match ([regex]::Escape($script:token))
    }
}

Describe 'Disconnect-CpAccount' {
    It 'forgets the default session' {
        Connect-CpAccount -AccessToken $script:token -Endpoint $script:emulator.Url -PublisherId contoso | Out-Null
        Disconnect-CpAccount
        { Get-CpSession } | Should -Throw -ErrorId 'CpNotConnected,CloudPartner.Commands.GetCpSessionCommand'
    }

    It 'lets a session be passed explicitly, and refuses it once disconnected' {
        $first = Connect-CpAccount -AccessToken $script:token -Endpoint $script:emulator.Url -PublisherId contoso
        $second = Connect-CpAccount -AccessToken $script:token -Endpoint $script:emulator.Url -PublisherId fabrikam
        (Invoke-CpRestMethod -Path /api/publishers -Session $first).id | Should -Contain 'contoso'
        Disconnect-CpAccount -Session $first
        Get-CpSession | Should -Be $second
        { Invoke-CpRestMethod -Path /api/publishers -Session $first } | Should -Throw -ErrorId 'CpNotConnected,CloudPartner.Commands.InvokeCpRestMethodCommand'
    }
}
