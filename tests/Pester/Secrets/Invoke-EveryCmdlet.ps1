#requires -Version 7.0
<#
.SYNOPSIS
    Runs every CloudPartner cmdlet, succeeding and failing, with -Verbose -Debug under Start-Transcript, with a
    known token and a client secret planted wherever they can travel. Used by tests/Pester/Secrets.Tests.ps1, which then
    looks for the two values in everything this writes.
.NOTES
    The module has no flow that takes a client secret yet (MSAL flows are being added), so the secret is planted in
    the shapes a secret travels in through Invoke-CpRestMethod: a client_secret query parameter, a "client_secret"
    JSON property in bodies sent and read back, a form body, and a request header. Once Connect-CpAccount
    -ClientSecret exists, connect with it here as well: its provider registers the secret with the redactor
    (IKnownSecrets), and the same checks then cover it in every place the token is checked.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $EmulatorUrl,
    [Parameter(Mandatory)] [string] $TranscriptPath,
    [Parameter(Mandatory)] [string] $CapturePath
)

# The values come through the environment: a transcript's header records the command line that started the host.
$Token = $env:CP_PLANTED_TOKEN
$Secret = $env:CP_PLANTED_SECRET
if (-not $Token -or -not $Secret) { throw 'Set CP_PLANTED_TOKEN and CP_PLANTED_SECRET.' }
Remove-Item Env:CP_PLANTED_TOKEN, Env:CP_PLANTED_SECRET

$ErrorActionPreference = 'Continue'
$ProgressPreference = 'SilentlyContinue'
Import-Module $ModulePath -Force
$admin = "$EmulatorUrl/_emulator"
function Set-Fault([hashtable] $Rule) { Invoke-RestMethod -Method POST -Uri "$admin/faults" -Body ($Rule | ConvertTo-Json) -ContentType application/json | Out-Null }
function Clear-Fault { Invoke-RestMethod -Method DELETE -Uri "$admin/faults" | Out-Null }
function Set-Setting([hashtable] $Settings) { Invoke-RestMethod -Method PUT -Uri "$admin/settings" -Body ($Settings | ConvertTo-Json) -ContentType application/json | Out-Null }
function Set-OfferSetting([string] $Offer, [hashtable] $Settings) { Invoke-RestMethod -Method PUT -Uri "$admin/offers/contoso/$Offer/settings" -Body ($Settings | ConvertTo-Json) -ContentType application/json | Out-Null }

$definition = @{
    offerTypeId = 'microsoft-azure-virtualmachines'
    definition = @{ displayText = 'Secret carrier'; offer = @{ client_secret = $Secret; note = "Bearer $Token" }; plans = @() }
}
$common = @{ Verbose = $true; Debug = $true }

Start-Transcript -Path $TranscriptPath -Force | Out-Null
$records = & {
    # --- sessions -------------------------------------------------------------------------------------------------
    $session = Connect-CpAccount -AccessToken $Token -Endpoint $EmulatorUrl -PublisherId contoso @common
    $session
    Connect-CpAccount -AccessToken $Token -Endpoint 'http://10.20.30.40' @common                  # fails: insecure endpoint
    Connect-CpAccount -AccessToken $Token -Endpoint $EmulatorUrl -ApiVersion 'x' -PublisherId "bad`n$Token" @common   # fails: bad id holding the token
    $session = Connect-CpAccount -AccessToken $Token -Endpoint $EmulatorUrl -PublisherId contoso @common
    Get-CpSession @common
    Get-CpAccessToken @common                                                                       # a SecureString
    Get-CpAccessToken -AsPlainText @common | Out-Null                                               # the token itself, by request: not shown

    # --- reads, succeeding and failing ------------------------------------------------------------------------------
    Get-CpPublisher @common
    Get-CpOffer @common
    Get-CpOffer -OfferId contoso-vm @common
    Get-CpOffer -OfferId contoso-vm -Raw @common | Out-Null
    Get-CpOffer -OfferId $Token @common                                                             # 404 echoing the token
    Get-CpOffer -OfferId "$Token`n" @common                                                         # refused id holding the token
    Get-CpOfferStatus -OfferId contoso-vm @common
    Get-CpOfferStatus -OfferId $Token @common
    Set-Fault @{ kind = 'status'; path = '/api/publishers'; count = 10 }
    Get-CpPublisher @common                                                                         # 500 after retries
    Clear-Fault
    Set-Fault @{ kind = 'hostile'; variant = 'truncatedJson'; path = '/api/publishers/contoso/offers/contoso-vm'; count = 1 }
    Get-CpOffer -OfferId contoso-vm @common                                                         # invalid response
    Clear-Fault

    # --- writes ------------------------------------------------------------------------------------------------------
    New-CpOffer -OfferId secret-carrier -Definition $definition -Confirm:$false @common
    New-CpOffer -OfferId secret-carrier -Definition $definition -Confirm:$false @common             # 409
    $offer = Get-CpOffer -OfferId secret-carrier @common
    $offer.Definition.displayText = 'Secret carrier 2'
    $offer | Set-CpOffer -PassThru -Confirm:$false @common
    $offer | Set-CpOffer -Confirm:$false @common                                                    # 412: stale ETag
    Set-CpOffer -OfferId secret-carrier -Definition ($definition | ConvertTo-Json -Depth 5) -Force -Confirm:$false @common

    # --- operations --------------------------------------------------------------------------------------------------
    $published = Publish-CpOffer -OfferId secret-carrier -NotificationEmail 'ops@example.com' -Wait -PollingInterval 00:00:00.200 -Confirm:$false @common
    $published
    Publish-CpOffer -OfferId secret-carrier -Confirm:$false @common                                 # 409: one is running
    Get-CpOperation -OfferId secret-carrier @common
    Get-CpOperation -OfferId secret-carrier -Status running @common
    Get-CpOperation -OfferId secret-carrier -OperationId $published.Id @common
    Get-CpOperation -Location "$($published.Location)&probe=$Token" @common
    Get-CpOperation -OfferId secret-carrier -OperationId ([guid]::NewGuid()) @common                # 404
    $published | Wait-CpOperation -PollingInterval 00:00:00.200 @common
    Invoke-CpGoLive -OfferId secret-carrier -Force -Wait -PollingInterval 00:00:00.200 @common
    Invoke-CpGoLive -OfferId secret-carrier -Force @common                                          # 409: nothing at sign-off
    Set-Setting @{ stepDurations = @{ displaycertify = 1e10 } }                                       # certification now takes ages
    $running = Publish-CpOffer -OfferId secret-carrier -Confirm:$false @common
    $running | Wait-CpOperation -Timeout 00:00:00.300 -PollingInterval 00:00:00.100 @common         # times out
    Stop-CpOperation -OfferId secret-carrier -Force -Wait -PollingInterval 00:00:00.200 @common     # canceled, as asked
    $running | Wait-CpOperation -PollingInterval 00:00:00.100 @common                               # CpOperationCanceled
    Set-Setting @{ stepDurations = @{ displaycertify = 172800 } }
    Set-OfferSetting secret-carrier @{ failCertification = $true }
    Publish-CpOffer -OfferId secret-carrier -Wait -PollingInterval 00:00:00.200 -Confirm:$false @common   # fails certification
    Set-OfferSetting secret-carrier @{ failCertification = $false }
    Stop-CpOperation -OfferId secret-carrier -Force @common                                         # 409: nothing running

    # --- raw access with the secret planted in a query, bodies, a form and a header ------------------------------------
    Invoke-CpRestMethod -Path "/api/publishers?client_secret=$Secret&probe=$Token" @common
    Invoke-CpRestMethod -Path "/api/publishers/contoso/offers/$Token" @common                      # 404
    Invoke-CpRestMethod -Method PUT -Path /api/publishers/contoso/offers/secret-raw -Body ($definition | ConvertTo-Json -Depth 5) -Headers @{ 'If-Match' = '*'; 'X-Client-Secret' = $Secret } -Confirm:$false @common
    Invoke-CpRestMethod -Path /api/publishers/contoso/offers/secret-raw -Raw @common | Out-Null
    Invoke-CpRestMethod -Method POST -Path "/api/publishers/contoso/offers/secret-raw/publish?client_secret=$Secret" -Body "{`"client_secret`":`"$Secret`",`"access_token`":`"$Token`"}" -WhatIf @common
    Invoke-CpRestMethod -Method POST -Path '/oauth2/token' -Body "grant_type=client_credentials&client_secret=$Secret" -Confirm:$false @common   # not JSON: refused
    Invoke-CpRestMethod -Path /api/publishers -Headers @{ 'X-Client-Secret' = "$Secret`r`nX-Injected: 1" } @common               # refused header

    # --- the token refused by the service (401), then disconnect ------------------------------------------------------
    Set-Setting @{ tokenLifetimeSeconds = 0 }
    Start-Sleep -Milliseconds 50
    Get-CpPublisher @common
    Set-Setting @{ tokenLifetimeSeconds = $null }
    Disconnect-CpAccount @common
    Get-CpSession @common                                                                           # not connected
    Get-CpAccessToken @common
    Get-CpPublisher -Session $session @common
} *>&1 | Tee-Object -Variable shown | Out-Host
Stop-Transcript | Out-Null

# Everything each record can show, plus every error record in $Error in full, plus the session's formatting.
$texts = [System.Collections.Generic.List[string]]::new()
foreach ($record in $shown) {
    $texts.Add(($record | Out-String -Width 4096))
    $texts.Add(($record | Format-List * -Force | Out-String -Width 4096))
    if ($record -is [System.Management.Automation.ErrorRecord]) { $texts.Add($record.Exception.ToString()) }
}
foreach ($record in $Error) {
    if ($record -is [System.Management.Automation.ErrorRecord]) {
        $texts.Add($record.ToString())
        $texts.Add($record.Exception.ToString())
        $texts.Add([string]$record.ErrorDetails.Message)
        $texts.Add([string]$record.ErrorDetails.RecommendedAction)
        $texts.Add($record.CategoryInfo.ToString())
        $texts.Add([string]$record.TargetObject)
        $texts.Add(($record | Format-List * -Force | Out-String -Width 4096))
        $texts.Add(($record.Exception | Format-List * -Force | Out-String -Width 4096))
    }
    else {
        $texts.Add($record.ToString())
    }
}
$texts.Add($session.ToString())
$texts.Add(($session | Format-List * -Force | Out-String -Width 4096))
$texts.Add(($session | Format-Table * | Out-String -Width 4096))
$texts.Add(($session | Select-Object * | Out-String -Width 4096))
$texts.Add(($session | ConvertTo-Json -Depth 4))
$texts.Add(($session.psobject.Properties | ForEach-Object { "$($_.Name)=$($_.Value)" }) -join "`n")

[pscustomobject]@{
    Records = $shown.Count
    Errors = @($shown | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] } | ForEach-Object FullyQualifiedErrorId)
    Verbose = @($shown | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Count
    Debug = @($shown | Where-Object { $_ -is [System.Management.Automation.DebugRecord] }).Count
    Text = $texts -join "`n"
} | ConvertTo-Json -Depth 3 | Set-Content -Path $CapturePath -Encoding utf8NoBOM
