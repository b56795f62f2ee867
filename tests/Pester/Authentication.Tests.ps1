#requires -Modules Pester
# Connect-CpAccount: every parameter set through MSAL against the emulator's identity provider.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-TestModule
    $script:emulator = Start-TestEmulator -Arguments @('--time-scale', '10000000', '--accept-any-token', 'false')
    $script:previousTrust = $env:CLOUDPARTNER_TRUSTED_AUTHORITY_CERT_THUMBPRINT
    # Testing aid: trust the emulator's self-signed certificate (honoured for loopback authority hosts only).
    $env:CLOUDPARTNER_TRUSTED_AUTHORITY_CERT_THUMBPRINT = $script:emulator.OAuthThumbprint

    $script:tenant = '9a1b7c3e-2d4f-4e6a-8b0c-1d2e3f4a5b6c'
    $script:secretClient = 'b2c0d1e2-0000-4000-8000-000000000001'
    $script:secret = 'Pester~Secret.7f3a9c2e51'
    $script:certClient = 'b2c0d1e2-0000-4000-8000-000000000002'
    $script:fedClient = 'b2c0d1e2-0000-4000-8000-000000000003'
    $script:publicClient = 'b2c0d1e2-0000-4000-8000-000000000004'
    $script:identityClient = 'b2c0d1e2-0000-4000-8000-000000000005'
    $script:issuer = 'https://token.actions.githubusercontent.com'
    $script:subject = 'repo:contoso/offers:environment:production'
    $script:common = @{ Endpoint = $script:emulator.Url; AuthorityHost = $script:emulator.OAuthAuthority; PublisherId = 'contoso' }

    # A certificate for the Certificate flows: its public part is registered with the identity provider.
    $rsa = [System.Security.Cryptography.RSA]::Create(2048)
    $request = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new('CN=CloudPartner Pester', $rsa,
        [System.Security.Cryptography.HashAlgorithmName]::SHA256, [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
    $created = $request.CreateSelfSigned([DateTimeOffset]::UtcNow.AddDays(-1), [DateTimeOffset]::UtcNow.AddDays(30))
    $script:pfxPassword = 'pfx-pass-4c1d'
    $script:pfxPath = Join-Path $TestDrive 'client.pfx'
    [IO.File]::WriteAllBytes($script:pfxPath, $created.Export('Pkcs12', $script:pfxPassword))
    $script:pemPath = Join-Path $TestDrive 'client.pem'
    Set-Content -Path $script:pemPath -Value ($created.ExportCertificatePem() + "`n" + $rsa.ExportPkcs8PrivateKeyPem())
    $script:certificate = [System.Security.Cryptography.X509Certificates.X509CertificateLoader]::LoadPkcs12FromFile($script:pfxPath, $script:pfxPassword, 'Exportable')

    function Register-Client([hashtable] $Client) {
        Invoke-EmulatorAdmin -Emulator $script:emulator -Path oauth/clients -Method POST -Body $Client | Out-Null
    }
    Register-Client @{ clientId = $script:secretClient; tenantId = $script:tenant; secret = $script:secret; publicClient = $false }
    Register-Client @{ clientId = $script:certClient; tenantId = $script:tenant; certificates = @([Convert]::ToBase64String($script:certificate.RawData)); publicClient = $false }
    Register-Client @{ clientId = $script:fedClient; tenantId = $script:tenant; federatedCredentials = @(@{ issuer = $script:issuer; subject = $script:subject }); publicClient = $false }
    Register-Client @{ clientId = $script:publicClient; tenantId = $script:tenant }
    Register-Client @{ clientId = $script:identityClient; tenantId = $script:tenant; managedIdentity = $true; publicClient = $false }

    function New-FederatedToken([string] $Subject = $script:subject, [int] $Minutes = 10) {
        $encode = { param($o) [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes(($o | ConvertTo-Json -Compress))).TrimEnd('=').Replace('+', '-').Replace('/', '_') }
        $now = [DateTimeOffset]::UtcNow
        $claims = [ordered]@{ iss = $script:issuer; sub = $Subject; aud = 'api://AzureADTokenExchange'; iat = $now.AddMinutes(-1).ToUnixTimeSeconds(); nbf = $now.AddMinutes(-1).ToUnixTimeSeconds(); exp = $now.AddMinutes($Minutes).ToUnixTimeSeconds(); jti = [guid]::NewGuid().ToString() }
        (& $encode @{ alg = 'RS256'; typ = 'JWT' }) + '.' + (& $encode $claims) + '.' + [Convert]::ToBase64String([byte[]](1..48)).TrimEnd('=').Replace('+', '-').Replace('/', '_')
    }

    function Get-Fingerprint([string] $Text) {
        $hash = [System.Security.Cryptography.SHA256]::HashData([Text.Encoding]::UTF8.GetBytes($Text))
        'sha256:' + [Convert]::ToHexString($hash, 0, 6).ToLowerInvariant()
    }

    # Invoke-RestMethod writes a JSON array as one object: enumerate it.
    function Get-Issued { Invoke-EmulatorAdmin -Emulator $script:emulator -Path oauth/issued | ForEach-Object { $_ } }

    # Plays the user of a device code: waits for the code to be shown, then completes it. Returns the user code.
    function Start-DeviceCodeUser([switch] $Decline) {
        Start-ThreadJob -ArgumentList $script:emulator.Url, $Decline.IsPresent -ScriptBlock {
            param($url, $decline)
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while ([DateTime]::UtcNow -lt $deadline) {
                $pending = @(Invoke-RestMethod "$url/_emulator/oauth/devicecodes" | ForEach-Object { $_ } | Where-Object userCode)
                if ($pending.Count -gt 0) {
                    $body = @{ userCode = $pending[0].userCode; decline = $decline } | ConvertTo-Json
                    return (Invoke-RestMethod -Method POST "$url/_emulator/oauth/devicecode/complete" -Body $body -ContentType 'application/json').userCode
                }
                Start-Sleep -Milliseconds 100
            }
        }
    }

    function Connect-WithSecret([string] $Secret = $script:secret) {
        Connect-CpAccount -TenantId $script:tenant -ClientId $script:secretClient -ClientSecret (ConvertTo-SecureString $Secret -AsPlainText -Force) @script:common
    }
}

AfterAll {
    Disconnect-CpAccount
    $env:CLOUDPARTNER_TRUSTED_AUTHORITY_CERT_THUMBPRINT = $script:previousTrust
    Stop-TestEmulator $script:emulator
}

Describe 'Connect-CpAccount parameter sets' {
    It 'has one parameter set per flow, as the design lists them' {
        $sets = (Get-Command Connect-CpAccount).ParameterSets.Name
        foreach ($name in 'AccessToken', 'ClientSecret', 'Credential', 'CertificateThumbprint', 'Certificate', 'CertificatePath',
            'FederatedToken', 'FederatedTokenFile', 'ManagedIdentity', 'DeviceCode', 'Interactive', 'Environment') {
            $sets | Should -Contain $name
        }
        (Get-Command Connect-CpAccount).DefaultParameterSet | Should -Be 'AccessToken'
    }

    It 'makes tenant and client mandatory where the flow needs them, and only there' {
        $command = Get-Command Connect-CpAccount
        $mandatory = { param($set) ($command.ParameterSets | Where-Object Name -EQ $set).Parameters | Where-Object IsMandatory | ForEach-Object Name }
        & $mandatory ClientSecret | Should -Be @('TenantId', 'ClientId', 'ClientSecret')
        & $mandatory ManagedIdentity | Should -Be @('Identity')
        & $mandatory DeviceCode | Should -Be @('TenantId', 'ClientId', 'DeviceCode')
        & $mandatory Environment | Should -Be @('FromEnvironment')
        ($command.ParameterSets | Where-Object Name -EQ ManagedIdentity).Parameters.Name | Should -Contain 'ClientId'
        ($command.ParameterSets | Where-Object Name -EQ AccessToken).Parameters.Name | Should -Not -Contain 'AuthorityHost'
    }
}

Describe 'Connect-CpAccount -ClientSecret and -Credential' {
    It 'signs in through MSAL at once and the session shows flow, tenant, client id and expiry' {
        $before = @(Get-Issued).Count
        $session = Connect-WithSecret
        @(Get-Issued).Count | Should -Be ($before + 1)
        $session.AuthFlow | Should -Be 'ClientSecret'
        $session.TenantId | Should -Be $script:tenant
        $session.ClientId | Should -Be $script:secretClient
        $session.TokenExpiresOn | Should -BeGreaterThan ([DateTimeOffset]::UtcNow.AddMinutes(30))
        Get-CpSession | Should -Be $session
        (Get-CpPublisher).Id | Should -Contain 'contoso'
        $table = Get-CpSession | Format-Table | Out-String -Width 300
        $table | Should -Match 'AuthFlow'
        $table | Should -Match 'ClientId'
        $table | Should -Match $script:secretClient
    }

    It 'takes the client id and secret as a PSCredential and reports the ClientSecret flow' {
        $credential = [pscredential]::new($script:secretClient, (ConvertTo-SecureString $script:secret -AsPlainText -Force))
        $session = Connect-CpAccount -TenantId $script:tenant -Credential $credential @script:common
        $session.AuthFlow | Should -Be 'ClientSecret'
        $session.ClientId | Should -Be $script:secretClient
    }

    It 'fails at connect with CpAuthenticationFailed and the AADSTS code, keeping the previous session' {
        $before = Connect-WithSecret
        $err = $null
        try { Connect-WithSecret -Secret 'wrong-secret-0000' } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -Be 'CpAuthenticationFailed,CloudPartner.Commands.ConnectCpAccountCommand'
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $err.Exception.Message | Should -Match 'AADSTS7000215'
        $err.ErrorDetails.RecommendedAction | Should -Match 'client secret'
        "$err $($err.ErrorDetails.RecommendedAction)" | Should -Not -Match 'wrong-secret-0000'
        Get-CpSession | Should -Be $before
    }

    It 'reports an unknown application with AADSTS700016' {
        { Connect-CpAccount -TenantId $script:tenant -ClientId ([guid]::NewGuid()) -ClientSecret (ConvertTo-SecureString x -AsPlainText -Force) @script:common } |
            Should -Throw -ExpectedMessage '*AADSTS700016*' -ErrorId 'CpAuthenticationFailed,CloudPartner.Commands.ConnectCpAccountCommand'
    }

    It 'sends the sign-in through -Proxy' {
        $err = $null
        try { Connect-WithSecret -ErrorAction Stop | Out-Null; Connect-CpAccount -TenantId $script:tenant -ClientId $script:secretClient -ClientSecret (ConvertTo-SecureString $script:secret -AsPlainText -Force) -Proxy 'http://127.0.0.1:9' @script:common } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'CpAuthenticationFailed,CloudPartner.Commands.ConnectCpAccountCommand'
        $err.Exception.Message | Should -Match 'could not be reached'
        $err.Exception.Message | Should -Match '127\.0\.0\.1:9'
    }

    It 'serves both APIs from one sign-in: the Graph token at connect with -Api ProductIngestion, the CPP one at its first command' {
        $before = @(Get-Issued).Count
        $session = Connect-CpAccount -TenantId $script:tenant -ClientId $script:secretClient -ClientSecret (ConvertTo-SecureString $script:secret -AsPlainText -Force) -Api ProductIngestion -ProductIngestionEndpoint "$($script:emulator.Url)/rp/product-ingestion" @script:common
        $issued = @(Get-Issued)
        $issued.Count | Should -Be ($before + 1)
        $issued[-1].audience | Should -Be 'https://graph.microsoft.com'
        $session.ProductIngestionTokenExpiresOn | Should -BeGreaterThan ([DateTimeOffset]::UtcNow.AddMinutes(30))
        (Get-CpOffer -OfferId test-vm).Api | Should -Be 'ProductIngestion'
        (Get-CpOffer -OfferId test-vm -Api Cpp).Api | Should -Be 'Cpp'
        $issued = @(Get-Issued)
        $issued.Count | Should -Be ($before + 2)
        $issued[-1].audience | Should -Be 'https://cloudpartner.azure.com'
    }

    It 'renews the token through MSAL when the API refuses it' {
        Connect-WithSecret | Out-Null
        $before = @(Get-Issued).Count
        Invoke-EmulatorAdmin -Emulator $script:emulator -Path oauth/expire -Method POST | Out-Null
        (Get-CpPublisher).Id | Should -Contain 'contoso'
        @(Get-Issued).Count | Should -Be ($before + 1)
    }
}

Describe 'Connect-CpAccount with a certificate' {
    It 'finds the certificate by thumbprint in CurrentUser\My' {
        $store = [System.Security.Cryptography.X509Certificates.X509Store]::new('My', 'CurrentUser')
        $store.Open('ReadWrite')
        $store.Add($script:certificate)
        try {
            $session = Connect-CpAccount -TenantId $script:tenant -ClientId $script:certClient -CertificateThumbprint $script:certificate.Thumbprint.ToLowerInvariant() @script:common
            $session.AuthFlow | Should -Be 'Certificate'
            (Get-Issued)[-1].method | Should -Be 'certificate'
        }
        finally { $store.Remove($script:certificate); $store.Dispose() }
    }

    It 'takes an X509Certificate2 object' {
        (Connect-CpAccount -TenantId $script:tenant -ClientId $script:certClient -Certificate $script:certificate @script:common).AuthFlow | Should -Be 'Certificate'
    }

    It 'reads a PFX with its password, and sends the chain with -SendCertificateChain' {
        $password = ConvertTo-SecureString $script:pfxPassword -AsPlainText -Force
        $session = Connect-CpAccount -TenantId $script:tenant -ClientId $script:certClient -CertificatePath $script:pfxPath -CertificatePassword $password -SendCertificateChain @script:common
        $session.AuthFlow | Should -Be 'Certificate'
        (Get-Issued)[-1].certificateChainSent | Should -BeTrue
    }

    It 'reads a PEM holding the certificate and its key, relative to the current location' {
        Push-Location $TestDrive
        try { (Connect-CpAccount -TenantId $script:tenant -ClientId $script:certClient -CertificatePath ./client.pem @script:common).AuthFlow | Should -Be 'Certificate' }
        finally { Pop-Location }
        (Get-Issued)[-1].certificateChainSent | Should -BeFalse
    }

    It 'refuses a wrong PFX password before any request' {
        { Connect-CpAccount -TenantId $script:tenant -ClientId $script:certClient -CertificatePath $script:pfxPath -CertificatePassword (ConvertTo-SecureString nope -AsPlainText -Force) @script:common } |
            Should -Throw -ErrorId 'CpInvalidArgument,CloudPartner.Commands.ConnectCpAccountCommand'
    }
}

Describe 'Connect-CpAccount with a federated token' {
    It 'uses -FederatedToken as the assertion' {
        $token = New-FederatedToken
        (Connect-CpAccount -TenantId $script:tenant -ClientId $script:fedClient -FederatedToken $token @script:common).AuthFlow | Should -Be 'FederatedToken'
        (Get-Issued)[-1].assertion | Should -Be (Get-Fingerprint $token)
    }

    It 'reads -FederatedTokenFile again at each renewal' {
        $file = Join-Path $TestDrive 'federated.jwt'
        $first = New-FederatedToken
        Set-Content -Path $file -Value $first
        (Connect-CpAccount -TenantId $script:tenant -ClientId $script:fedClient -FederatedTokenFile $file @script:common).AuthFlow | Should -Be 'FederatedToken'
        (Get-Issued)[-1].assertion | Should -Be (Get-Fingerprint $first)

        $second = New-FederatedToken
        Set-Content -Path $file -Value $second
        Invoke-EmulatorAdmin -Emulator $script:emulator -Path oauth/expire -Method POST | Out-Null
        (Get-CpPublisher).Id | Should -Contain 'contoso'
        (Get-Issued)[-1].assertion | Should -Be (Get-Fingerprint $second)
    }

    It 'reports a token for another subject with AADSTS700213' {
        { Connect-CpAccount -TenantId $script:tenant -ClientId $script:fedClient -FederatedToken (New-FederatedToken -Subject 'repo:contoso/other:ref:refs/heads/main') @script:common } |
            Should -Throw -ExpectedMessage '*AADSTS700213*' -ErrorId 'CpAuthenticationFailed,CloudPartner.Commands.ConnectCpAccountCommand'
    }
}

Describe 'Connect-CpAccount -Identity' {
    BeforeAll {
        $script:savedIdentity = $env:IDENTITY_ENDPOINT, $env:IDENTITY_HEADER
        $env:IDENTITY_ENDPOINT = $script:emulator.IdentityEndpoint
        $env:IDENTITY_HEADER = $script:emulator.IdentityHeader
    }
    AfterAll { $env:IDENTITY_ENDPOINT, $env:IDENTITY_HEADER = $script:savedIdentity }

    It 'signs in with the system-assigned identity from the App Service endpoint' {
        $session = Connect-CpAccount -Identity -Endpoint $script:emulator.Url -PublisherId contoso
        $session.AuthFlow | Should -Be 'ManagedIdentity'
        $session.ClientId | Should -Not -BeNullOrEmpty
        $session.TenantId | Should -Not -BeNullOrEmpty
        (Get-CpPublisher).Id | Should -Contain 'contoso'
    }

    It 'signs in with a user-assigned identity given by -ClientId' {
        $session = Connect-CpAccount -Identity -ClientId $script:identityClient -Endpoint $script:emulator.Url -PublisherId contoso
        $session.ClientId | Should -Be $script:identityClient
        (Get-Issued)[-1].clientId | Should -Be $script:identityClient
    }
}

Describe 'Connect-CpAccount -DeviceCode and -Interactive' {
    It 'shows the code as a warning that -InformationAction Ignore does not hide, and waits for the user' {
        $user = Start-DeviceCodeUser
        try {
            $session = Connect-CpAccount -DeviceCode -TenantId $script:tenant -ClientId $script:publicClient -InformationAction Ignore -WarningVariable shown -WarningAction SilentlyContinue @script:common
            $code = $user | Wait-Job -Timeout 60 | Receive-Job
        }
        finally { $user | Remove-Job -Force }
        $session.AuthFlow | Should -Be 'DeviceCode'
        $code | Should -Not -BeNullOrEmpty
        ($shown -join "`n") | Should -Match ([regex]::Escape($code))
        ($shown -join "`n") | Should -Match 'devicelogin'
        (Get-CpPublisher).Id | Should -Contain 'contoso'
    }

    It 'still shows the code when warnings are ignored (to the host)' {
        # Host output is what a user sees: run the connect in a child PowerShell and read what it printed.
        $script = Join-Path $TestDrive 'device-ignore.ps1'
        Set-Content -Path $script -Value @'
param($Module, $Url, $Authority, $Tenant, $Client)
Import-Module $Module
$session = Connect-CpAccount -DeviceCode -TenantId $Tenant -ClientId $Client -WarningAction Ignore -Endpoint $Url -AuthorityHost $Authority
"FLOW=$($session.AuthFlow)"
'@
        $user = Start-DeviceCodeUser
        try {
            $printed = & (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -File $script -Module $env:CLOUDPARTNER_TEST_MODULE -Url $script:emulator.Url `
                -Authority $script:emulator.OAuthAuthority -Tenant $script:tenant -Client $script:publicClient 2>&1 | Out-String
            $code = $user | Wait-Job -Timeout 60 | Receive-Job
        }
        finally { $user | Remove-Job -Force }
        $printed | Should -Match 'FLOW=DeviceCode'
        $printed | Should -Match ([regex]::Escape($code))
    }

    It 'fails with CpAuthenticationFailed when the user declines' {
        $user = Start-DeviceCodeUser -Decline
        try {
            { Connect-CpAccount -DeviceCode -TenantId $script:tenant -ClientId $script:publicClient -WarningAction SilentlyContinue @script:common } |
                Should -Throw -ErrorId 'CpAuthenticationFailed,CloudPartner.Commands.ConnectCpAccountCommand'
        }
        finally { $user | Remove-Job -Force }
    }

    It 'falls back to device code with a warning where no browser can open' -Skip:(-not $IsLinux) {
        $saved = $env:DISPLAY, $env:WAYLAND_DISPLAY
        $env:DISPLAY = $null; $env:WAYLAND_DISPLAY = $null
        $user = Start-DeviceCodeUser
        try { $session = Connect-CpAccount -Interactive -TenantId $script:tenant -ClientId $script:publicClient -WarningVariable shown -WarningAction SilentlyContinue @script:common }
        finally { $env:DISPLAY, $env:WAYLAND_DISPLAY = $saved; $user | Wait-Job -Timeout 60 | Remove-Job -Force }
        ($shown -join "`n") | Should -Match 'no web browser can be opened'
        ($shown -join "`n") | Should -Match 'device code'
        $session.AuthFlow | Should -Be 'DeviceCode'
        $session.ClientId | Should -Be $script:publicClient
    }
}

Describe 'Connect-CpAccount -FromEnvironment' {
    BeforeEach {
        $script:savedEnv = @{}
        foreach ($name in 'AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET', 'AZURE_CLIENT_CERTIFICATE_PATH', 'AZURE_CLIENT_CERTIFICATE_PASSWORD', 'AZURE_FEDERATED_TOKEN_FILE', 'AZURE_AUTHORITY_HOST') {
            $script:savedEnv[$name] = [Environment]::GetEnvironmentVariable($name)
            [Environment]::SetEnvironmentVariable($name, $null)
        }
        $env:AZURE_AUTHORITY_HOST = $script:emulator.OAuthAuthority
    }
    AfterEach { foreach ($pair in $script:savedEnv.GetEnumerator()) { [Environment]::SetEnvironmentVariable($pair.Key, $pair.Value) } }

    It 'resolves to ClientSecret with AZURE_CLIENT_SECRET (and reads AZURE_AUTHORITY_HOST)' {
        $env:AZURE_TENANT_ID = $script:tenant; $env:AZURE_CLIENT_ID = $script:secretClient; $env:AZURE_CLIENT_SECRET = $script:secret
        $session = Connect-CpAccount -FromEnvironment -Endpoint $script:emulator.Url -PublisherId contoso
        $session.AuthFlow | Should -Be 'ClientSecret'
        $session.ClientId | Should -Be $script:secretClient
    }

    It 'resolves to Certificate with AZURE_CLIENT_CERTIFICATE_PATH' {
        $env:AZURE_TENANT_ID = $script:tenant; $env:AZURE_CLIENT_ID = $script:certClient
        $env:AZURE_CLIENT_CERTIFICATE_PATH = $script:pfxPath; $env:AZURE_CLIENT_CERTIFICATE_PASSWORD = $script:pfxPassword
        (Connect-CpAccount -FromEnvironment -Endpoint $script:emulator.Url -PublisherId contoso).AuthFlow | Should -Be 'Certificate'
    }

    It 'resolves to FederatedToken with AZURE_FEDERATED_TOKEN_FILE' {
        $file = Join-Path $TestDrive 'env.jwt'
        Set-Content -Path $file -Value (New-FederatedToken)
        $env:AZURE_TENANT_ID = $script:tenant; $env:AZURE_CLIENT_ID = $script:fedClient; $env:AZURE_FEDERATED_TOKEN_FILE = $file
        (Connect-CpAccount -FromEnvironment -Endpoint $script:emulator.Url -PublisherId contoso).AuthFlow | Should -Be 'FederatedToken'
    }

    It 'names the missing variables' {
        $env:AZURE_CLIENT_ID = $script:secretClient
        { Connect-CpAccount -FromEnvironment -Endpoint $script:emulator.Url } |
            Should -Throw -ExpectedMessage '*AZURE_TENANT_ID*' -ErrorId 'CpInvalidArgument,CloudPartner.Commands.ConnectCpAccountCommand'
    }
}

Describe 'Nothing secret is shown' {
    It 'keeps the secret, the assertion and the token out of every stream and every view of the session' {
        $token = New-FederatedToken
        $everything = & {
            $s = Connect-CpAccount -TenantId $script:tenant -ClientId $script:secretClient -ClientSecret (ConvertTo-SecureString $script:secret -AsPlainText -Force) @script:common -Verbose -Debug
            Get-CpPublisher -Verbose -Debug
            $s
            $s.ToString()
            $s | Format-List * | Out-String
            $s | ConvertTo-Json -Depth 3
            $f = Connect-CpAccount -TenantId $script:tenant -ClientId $script:fedClient -FederatedToken $token @script:common -Verbose -Debug
            $f | Format-List * | Out-String
            $f | ConvertTo-Json -Depth 3
        } *>&1 | Out-String -Width 1000
        $issued = Get-CpAccessToken -AsPlainText
        $everything | Should -Match 'MSAL'
        $everything | Should -Match 'Connected to'
        $everything | Should -Not -Match ([regex]::Escape($script:secret))
        $everything | Should -Not -Match ([regex]::Escape($token))
        $everything | Should -Not -Match ([regex]::Escape($issued))
    }
}
