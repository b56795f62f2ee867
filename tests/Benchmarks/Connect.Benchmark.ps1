#requires -Version 7.0
<#
.SYNOPSIS
    Measures what Connect-CpAccount adds over the token round trip itself on loopback, and checks that Import-Module
    loads no MSAL.
.DESCRIPTION
    Starts the emulator (its identity provider listens on https loopback), registers a service principal, and runs
    fresh PowerShell processes of two kinds, alternately:
      raw      imports the module, then POSTs a client-credentials request to the token endpoint over a new
               connection (TCP + TLS, as a sign-in opens one) through the same HTTP handler MSAL is given: first
               (cold), then N more times (warm);
      connect  imports the module (timed; records whether MSAL got loaded), then runs
               Connect-CpAccount -ClientSecret: first (cold: loads MSAL into its AssemblyLoadContext), then N more.
    Connect's overhead = its median minus the raw round trip's median, cold and warm. The run fails (exit 1) when the
    warm overhead exceeds -MaxOverheadMs, the cold overhead exceeds -MaxColdOverheadMs, or Import-Module loads MSAL.
    Build first: pwsh -File build.ps1 -Task Build.
.EXAMPLE
    pwsh -NoProfile -File tests/Benchmarks/Connect.Benchmark.ps1
#>
[CmdletBinding()]
param(
    [string] $ModulePath,
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',
    [ValidateRange(1, 50)]
    [int] $Processes = 7,
    [ValidateRange(1, 200)]
    [int] $Iterations = 10,
    [int] $MaxOverheadMs = 300,
    [int] $MaxColdOverheadMs = 300
)

$ErrorActionPreference = 'Stop'
$root = Split-Path (Split-Path $PSScriptRoot -Parent) -Parent
if (-not $ModulePath) {
    $version = (& dotnet msbuild (Join-Path $root 'src/CloudPartner/CloudPartner.csproj') -getProperty:ModuleVersion).Trim()
    $ModulePath = Join-Path $root "out/CloudPartner/$version/CloudPartner.psd1"
}
$ModulePath = (Resolve-Path $ModulePath).Path
if (-not $env:CLOUDPARTNER_TEST_EMULATOR) {
    $env:CLOUDPARTNER_TEST_EMULATOR = Join-Path $root "src/CloudPartner.Emulator/bin/$Configuration/net10.0/CloudPartner.Emulator.dll"
}
Import-Module (Join-Path $root 'tests/Pester/TestHelpers.psm1') -Force
if (-not $env:CLOUDPARTNER_TEST_AIDS) {
    $env:CLOUDPARTNER_TEST_AIDS = Join-Path $root "tests/CloudPartner.TestAids/bin/$Configuration/netstandard2.0/CloudPartner.TestAids.dll"
}

function Get-Median([double[]] $Values) {
    $sorted = @($Values | Sort-Object)
    $middle = [int][Math]::Floor($sorted.Count / 2)
    if ($sorted.Count % 2) { $sorted[$middle] } else { ($sorted[$middle - 1] + $sorted[$middle]) / 2 }
}

$child = @'
param($Mode, $Module, $Url, $Authority, $Thumbprint, $Tenant, $ClientId, $Secret, $Iterations)
$ErrorActionPreference = 'Stop'
$watch = [Diagnostics.Stopwatch]::StartNew()
Import-Module $Module
$importMs = $watch.Elapsed.TotalMilliseconds
$afterImport = @([AppDomain]::CurrentDomain.GetAssemblies().GetName().Name -match '^(Microsoft\.Identity|CloudPartner\.Authentication)')
if ($Mode -eq 'raw') {
    Add-Type -Path $env:CLOUDPARTNER_TEST_AIDS
    $form = "grant_type=client_credentials&client_id=$ClientId&client_secret=$([Uri]::EscapeDataString($Secret))&scope=$([Uri]::EscapeDataString('https://cloudpartner.azure.com/.default'))"
    $once = {
        $handler = [CloudPartner.TestAids.CpTestAid]::CreateIdentityProviderHandler($Thumbprint)
        $client = [System.Net.Http.HttpClient]::new($handler)
        $content = [System.Net.Http.StringContent]::new($form, [Text.Encoding]::UTF8, 'application/x-www-form-urlencoded')
        $response = $client.PostAsync("$Authority/$Tenant/oauth2/v2.0/token", $content).GetAwaiter().GetResult()
        if (-not $response.IsSuccessStatusCode) { throw "The token request failed: $($response.StatusCode)" }
        $null = $response.Content.ReadAsStringAsync().GetAwaiter().GetResult()
        $client.Dispose()
    }
} else {
    $env:CLOUDPARTNER_TRUSTED_AUTHORITY_CERT_THUMBPRINT = $Thumbprint
    $secure = ConvertTo-SecureString $Secret -AsPlainText -Force
    $once = { Connect-CpAccount -TenantId $Tenant -ClientId $ClientId -ClientSecret $secure -AuthorityHost $Authority -Endpoint $Url -PublisherId contoso | Out-Null }
}
$watch.Restart(); & $once; $firstMs = $watch.Elapsed.TotalMilliseconds
$warm = for ($i = 0; $i -lt [int]$Iterations; $i++) { $watch.Restart(); & $once; $watch.Elapsed.TotalMilliseconds }
@{ ImportMs = $importMs; MsalAfterImport = $afterImport; FirstMs = $firstMs; WarmMs = @($warm) } | ConvertTo-Json -Compress
'@

$tenant = 'benchmark-tenant'
$clientId = 'ba5e0000-0000-4000-8000-000000000001'
$secret = 'benchmark-secret-' + [guid]::NewGuid().ToString('N')
$client = @{ clientId = $clientId; tenantId = $tenant; secret = $secret; publicClient = $false } | ConvertTo-Json -Compress
$emulator = Start-TestEmulator -Arguments @('--accept-any-token', 'false', '--oauth-client', $client)
$script = Join-Path ([IO.Path]::GetTempPath()) ("cp-connect-benchmark-" + [guid]::NewGuid().ToString('N') + '.ps1')
Set-Content -Path $script -Value $child
try {
    $runs = @{ raw = @(); connect = @() }
    for ($p = 0; $p -lt $Processes; $p++) {
        foreach ($mode in 'raw', 'connect') {
            $output = & (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -File $script -Mode $mode -Module $ModulePath -Url $emulator.Url `
                -Authority $emulator.OAuthAuthority -Thumbprint $emulator.OAuthThumbprint -Tenant $tenant -ClientId $clientId -Secret $secret -Iterations $Iterations
            if ($LASTEXITCODE -ne 0) { throw "The $mode process failed: $($output -join "`n")" }
            $runs[$mode] += $output | Select-Object -Last 1 | ConvertFrom-Json
        }
    }

    $coldRaw = Get-Median $runs.raw.FirstMs
    $coldConnect = Get-Median $runs.connect.FirstMs
    $warmRaw = Get-Median ($runs.raw | ForEach-Object { $_.WarmMs })
    $warmConnect = Get-Median ($runs.connect | ForEach-Object { $_.WarmMs })
    $loaded = @($runs.connect + $runs.raw | ForEach-Object { $_.MsalAfterImport } | Where-Object { $_ })
    $result = [pscustomobject]@{
        WarmTokenRoundTripMs  = [Math]::Round($warmRaw, 1)
        WarmConnectMs         = [Math]::Round($warmConnect, 1)
        WarmOverheadMs        = [Math]::Round($warmConnect - $warmRaw, 1)
        ColdTokenRoundTripMs  = [Math]::Round($coldRaw, 1)
        ColdConnectMs         = [Math]::Round($coldConnect, 1)
        ColdOverheadMs        = [Math]::Round($coldConnect - $coldRaw, 1)
        ImportModuleMs        = [Math]::Round((Get-Median ($runs.connect + $runs.raw).ImportMs), 1)
        MsalLoadedByImport    = $loaded.Count -gt 0
        Samples               = "$Processes processes of each kind; $Iterations warm runs in each"
    }
    $result | Format-List | Out-String | Write-Host
    $failed = $false
    if ($result.WarmOverheadMs -gt $MaxOverheadMs) { Write-Warning "A connect adds $($result.WarmOverheadMs) ms over the token round trip (limit $MaxOverheadMs ms)."; $failed = $true }
    if ($result.ColdOverheadMs -gt $MaxColdOverheadMs) { Write-Warning "The first connect of a process adds $($result.ColdOverheadMs) ms over the first token round trip (limit $MaxColdOverheadMs ms)."; $failed = $true }
    if ($result.MsalLoadedByImport) { Write-Warning "Import-Module loaded: $($loaded -join ', ')"; $failed = $true }
    $result
    if ($failed) { exit 1 }
}
finally {
    Remove-Item $script -ErrorAction SilentlyContinue
    Stop-TestEmulator $emulator
}
