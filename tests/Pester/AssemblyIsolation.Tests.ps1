#requires -Modules Pester
# MSAL isolation (design §4): importing loads no MSAL; on PowerShell 7 the module's MSAL lives in its own
# AssemblyLoadContext, so another MSAL version loaded before or after does not break either side.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:module = $env:CLOUDPARTNER_TEST_MODULE
    $script:moduleFolder = Split-Path $script:module -Parent

    function Invoke-Child([string] $Script, [hashtable] $Parameters = @{}) {
        $path = Join-Path $TestDrive ("child-" + [guid]::NewGuid().ToString('N') + '.ps1')
        Set-Content -Path $path -Value $Script
        $arguments = @('-NoProfile', '-NonInteractive', '-File', $path)
        foreach ($pair in $Parameters.GetEnumerator()) { $arguments += "-$($pair.Key)"; $arguments += [string]$pair.Value }
        $output = & (Join-Path $PSHOME 'pwsh') @arguments 2>&1
        if ($LASTEXITCODE -ne 0) { throw "The child PowerShell failed ($LASTEXITCODE): $($output -join "`n")" }
        ($output | Select-Object -Last 1) | ConvertFrom-Json
    }
}

Describe 'The module manifest and import' {
    It 'has no RequiredAssemblies or NestedModules that would load dependencies into the default context' {
        $manifest = Import-PowerShellDataFile $script:module
        $manifest.Keys | Should -Not -Contain 'RequiredAssemblies'
        $manifest.Keys | Should -Not -Contain 'NestedModules'
    }

    It 'lays MSAL out in Dependencies/ and not beside the cmdlet assembly' {
        Join-Path $script:moduleFolder 'Dependencies/Microsoft.Identity.Client.dll' | Should -Exist
        Join-Path $script:moduleFolder 'Dependencies/CloudPartner.Authentication.dll' | Should -Exist
        Join-Path $script:moduleFolder 'Dependencies/CloudPartner.Engine.dll' | Should -Not -Exist
        Get-ChildItem $script:moduleFolder -Filter 'Microsoft.Identity*.dll' | Should -BeNullOrEmpty
    }

    It 'compiles the cmdlet assembly without a reference to MSAL or the authentication assembly' {
        $references = Invoke-Child -Parameters @{ Path = Join-Path $script:moduleFolder 'CloudPartner.dll' } -Script @'
param($Path)
ConvertTo-Json -Compress -InputObject @([System.Reflection.Assembly]::LoadFile($Path).GetReferencedAssemblies().Name)
'@
        $references | Should -Contain 'CloudPartner.Engine'
        $references | Should -Not -Contain 'Microsoft.Identity.Client'
        $references | Should -Not -Contain 'CloudPartner.Authentication'
    }

    It 'does not load MSAL on import, nor for an access-token connect' {
        $result = Invoke-Child -Parameters @{ Module = $script:module } -Script @'
param($Module)
Import-Module $Module
$afterImport = [AppDomain]::CurrentDomain.GetAssemblies().GetName().Name
Connect-CpAccount -AccessToken 'opaque-token' -Endpoint 'http://127.0.0.1:9' | Out-Null
$afterConnect = [AppDomain]::CurrentDomain.GetAssemblies().GetName().Name
@{ Import = @($afterImport -match 'Identity|CloudPartner.Authentication'); Connect = @($afterConnect -match 'Identity|CloudPartner.Authentication') } | ConvertTo-Json -Compress
'@
        $result.Import | Should -BeNullOrEmpty
        $result.Connect | Should -BeNullOrEmpty
    }
}

Describe 'Another MSAL version in the same PowerShell' {
    BeforeAll {
        # A different MSAL, as another module (Az, Graph, PnP…) would bring it: restored from NuGet into the global cache.
        $script:otherVersion = '4.61.3'
        $packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages' }
        $msalFolder = Join-Path $packages "microsoft.identity.client/$script:otherVersion/lib/netstandard2.0"
        if (-not (Test-Path (Join-Path $msalFolder 'Microsoft.Identity.Client.dll'))) {
            $project = Join-Path $TestDrive 'othermsal'
            New-Item -ItemType Directory -Path $project | Out-Null
            Set-Content -Path (Join-Path $project 'othermsal.csproj') -Value @"
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>netstandard2.0</TargetFramework></PropertyGroup>
  <ItemGroup><PackageReference Include="Microsoft.Identity.Client" Version="$script:otherVersion" /></ItemGroup>
</Project>
"@
            $restore = & dotnet restore (Join-Path $project 'othermsal.csproj') 2>&1
            if ($LASTEXITCODE -ne 0) { throw "Could not restore Microsoft.Identity.Client $($script:otherVersion): $($restore -join "`n")" }
        }
        $script:otherMsal = Join-Path $msalFolder 'Microsoft.Identity.Client.dll'
        $abstractions = Get-ChildItem (Join-Path $packages 'microsoft.identitymodel.abstractions') -Directory |
            Where-Object { $_.Name -like '6.*' } | Sort-Object { [version]$_.Name } | Select-Object -Last 1
        $script:otherAbstractions = Join-Path $abstractions.FullName 'lib/netstandard2.0/Microsoft.IdentityModel.Abstractions.dll'

        $script:emulator = Start-TestEmulator -Arguments @('--accept-any-token', 'false', '--oauth-client',
            '{"clientId":"c3d4e5f6-0000-4000-8000-000000000001","tenantId":"isolation-tenant","secret":"isolation-secret-1"}')
        $script:child = @{
            Module = $script:module; Msal = $script:otherMsal; Abstractions = $script:otherAbstractions
            Url = $script:emulator.Url; Authority = $script:emulator.OAuthAuthority; Thumbprint = $script:emulator.OAuthThumbprint
        }
        $script:prelude = @'
param($Module, $Msal, $Abstractions, $Url, $Authority, $Thumbprint)
$ErrorActionPreference = 'Stop'
$env:CLOUDPARTNER_TRUSTED_AUTHORITY_CERT_THUMBPRINT = $Thumbprint
function Connect-Test {
    Connect-CpAccount -TenantId isolation-tenant -ClientId c3d4e5f6-0000-4000-8000-000000000001 -ClientSecret (ConvertTo-SecureString 'isolation-secret-1' -AsPlainText -Force) -AuthorityHost $Authority -Endpoint $Url -PublisherId contoso | Out-Null
    @(Get-CpPublisher).Count
}
function Use-OtherMsal {
    Add-Type -Path $Abstractions
    Add-Type -Path $Msal
    $app = [Microsoft.Identity.Client.ConfidentialClientApplicationBuilder]::Create('00000000-0000-0000-0000-000000000001').WithClientSecret('x').Build()
    [Microsoft.Identity.Client.ConfidentialClientApplicationBuilder].Assembly.GetName().Version.ToString(3)
}
function Get-IsolatedMsal {
    $context = [System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -EQ 'CloudPartner.Authentication'
    ($context.Assemblies | Where-Object { $_.GetName().Name -eq 'Microsoft.Identity.Client' }).GetName().Version.ToString(3)
}
'@
    }
    AfterAll { Stop-TestEmulator $script:emulator }

    It 'connects and calls the API when the other MSAL was loaded first' {
        $result = Invoke-Child -Parameters $script:child -Script ($script:prelude + @'
$other = Use-OtherMsal
Import-Module $Module
$publishers = Connect-Test
@{ Other = $other; Isolated = Get-IsolatedMsal; Publishers = $publishers; Default = [Microsoft.Identity.Client.PublicClientApplication].Assembly.GetName().Version.ToString(3) } | ConvertTo-Json -Compress
'@)
        $result.Other | Should -Be $script:otherVersion
        $result.Default | Should -Be $script:otherVersion
        $result.Isolated | Should -Not -Be $script:otherVersion
        $result.Isolated | Should -Match '^4\.'
        $result.Publishers | Should -BeGreaterThan 0
    }

    It 'connects and calls the API, and the other MSAL still loads, when the module connected first' {
        $result = Invoke-Child -Parameters $script:child -Script ($script:prelude + @'
Import-Module $Module
$first = Connect-Test
$other = Use-OtherMsal
$second = Connect-Test
@{ Other = $other; Isolated = Get-IsolatedMsal; First = $first; Second = $second } | ConvertTo-Json -Compress
'@)
        $result.Other | Should -Be $script:otherVersion
        $result.Isolated | Should -Not -Be $script:otherVersion
        $result.First | Should -BeGreaterThan 0
        $result.Second | Should -BeGreaterThan 0
    }
}
