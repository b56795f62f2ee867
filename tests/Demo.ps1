#requires -Version 7.0
<#
.SYNOPSIS
    Rehearses a release with the CloudPartner cmdlets against a local emulator: edit, publish, sign-off, go live.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [ValidateSet('Debug', 'Release')] [string] $Configuration = 'Release',
    [string] $OfferId = 'contoso-vm'
)

$ErrorActionPreference = 'Stop'
$root = Split-Path $PSScriptRoot -Parent
$env:CLOUDPARTNER_TEST_EMULATOR = Join-Path $root "src/CloudPartner.Emulator/bin/$Configuration/net10.0/CloudPartner.Emulator.dll"
$env:CLOUDPARTNER_TEST_MODULE = (Resolve-Path $ModulePath).Path
Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
Import-TestModule
$emulator = Start-TestEmulator -Arguments '--time-scale', '100000'
try {
    Write-Host "Emulator at $($emulator.Url)"
    Connect-CpAccount -AccessToken 'demo-token' -Endpoint $emulator.Url -PublisherId contoso | Format-Table

    Get-CpOffer | Format-Table

    $offer = Get-CpOffer -OfferId $OfferId
    $offer.Definition.offer.'microsoft-azure-marketplace.title' = "Contoso App $(Get-Date -Format yyyy.MM.dd)"
    $offer | Set-CpOffer -PassThru | Format-List OfferId, ETag, ChangedTime

    Write-Host 'Publishing; waiting for publisher sign-off...'
    Publish-CpOffer -OfferId $OfferId -Wait -PollingInterval '00:00:00.25' | Format-Table

    Write-Host 'Going live...'
    Invoke-CpGoLive -OfferId $OfferId -Force -Wait -PollingInterval '00:00:00.25' | Format-Table

    Get-CpOfferStatus -OfferId $OfferId | Format-Table
    Get-CpOperation -OfferId $OfferId | Format-Table
}
finally {
    Disconnect-CpAccount
    Stop-TestEmulator $emulator
}
