#requires -Version 7.0
<#
.SYNOPSIS
    The module's main job, against a local emulator: connect, read, edit losslessly, publish, wait for publisher
    sign-off, go live and wait until live; then the same on the Product Ingestion API, with the same cmdlets.
.DESCRIPTION
    Run by `./build.ps1 -Task Demo` (which builds the module and the emulator first). The emulator compresses the days
    that certification takes into seconds (--time-scale). Every line between "Connect-CpAccount" and "Disconnect" is
    what a release script runs against production, with -Endpoint left at its default and a real sign-in.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [ValidateSet('Debug', 'Release')] [string] $Configuration = 'Release',
    [string] $OfferId = 'contoso-vm',
    [string] $ProductId = 'test-vm'
)

$ErrorActionPreference = 'Stop'
$root = Split-Path $PSScriptRoot -Parent
$env:CLOUDPARTNER_TEST_EMULATOR = Join-Path $root "src/CloudPartner.Emulator/bin/$Configuration/net10.0/CloudPartner.Emulator.dll"
Import-Module (Join-Path $root 'tests/Pester/TestHelpers.psm1') -Force
Import-Module (Resolve-Path $ModulePath).Path -Force
$emulator = Start-TestEmulator -Arguments '--time-scale', '100000'

function Write-Step([string] $Text) { Write-Host "`n== $Text" -ForegroundColor Cyan }

try {
    Write-Step "Connect to the emulator at $($emulator.Url) (any bearer token is accepted there)"
    Connect-CpAccount -AccessToken 'demo-token' -Endpoint $emulator.Url -PublisherId contoso | Format-Table | Out-Host

    Write-Step 'Read: every offer of the publisher'
    Get-CpOffer | Format-Table | Out-Host

    Write-Step "Edit $OfferId losslessly: change the title, write it back with the ETag it was read with"
    $offer = Get-CpOffer -OfferId $OfferId
    $before = $offer.Definition.offer.'microsoft-azure-marketplace.title'
    $offer.Definition.offer.'microsoft-azure-marketplace.title' = "Contoso App $(Get-Date -Format yyyy.MM.dd)"
    $offer | Set-CpOffer -PassThru | Format-List OfferId, Version, ETag, ChangedTime | Out-Host
    Write-Host "Title: '$before' -> '$((Get-CpOffer -OfferId $OfferId).Definition.offer.'microsoft-azure-marketplace.title')'"

    Write-Step 'Publish to preview and wait for publisher sign-off (one progress bar per operation)'
    Publish-CpOffer -OfferId $OfferId -Wait -PollingInterval '00:00:00.25' | Format-Table | Out-Host

    Write-Step 'Go live and wait until the offer is live'
    Invoke-CpGoLive -OfferId $OfferId -Force -Wait -PollingInterval '00:00:00.25' | Format-Table | Out-Host

    Write-Step 'The offer and its operations now'
    Get-CpOfferStatus -OfferId $OfferId | Format-Table | Out-Host
    Get-CpOperation -OfferId $OfferId | Format-Table | Out-Host
    Write-Host "`n$OfferId is live on the CPP API." -ForegroundColor Green

    Write-Step "The Product Ingestion API, where new products live: the same cmdlets, with -Api ProductIngestion"
    Connect-CpAccount -AccessToken 'demo-token' -Api ProductIngestion -Endpoint $emulator.Url -ProductIngestionEndpoint "$($emulator.Url)/rp/product-ingestion" |
        Format-List DefaultApi, ProductIngestionEndpoint, ProductIngestionVersion | Out-Host

    Write-Step "Edit $ProductId's draft: rename its first plan in the resource tree, wait for the configure job"
    $product = Get-CpOffer -OfferId $ProductId
    $plan = $product.Definition.resources | Where-Object { $_.'$schema' -like '*/plan/*' } | Select-Object -First 1
    $plan.alias = "$($plan.alias) ($(Get-Date -Format yyyy.MM.dd))"
    $product | Set-CpOffer -PassThru | Format-List OfferId, ProductId, OfferTypeId, Api | Out-Host

    Write-Step 'Publish to preview and wait for the job; see what going live would change; go live and wait'
    Publish-CpOffer -OfferId $ProductId -Wait -PollingInterval '00:00:00.25' | Format-Table | Out-Host
    Invoke-CpGoLive -OfferId $ProductId -WhatIf
    Invoke-CpGoLive -OfferId $ProductId -Force -Wait -PollingInterval '00:00:00.25' | Format-Table | Out-Host

    Write-Step 'The product and its submissions now'
    Get-CpOfferStatus -OfferId $ProductId | Format-Table | Out-Host
    Get-CpOperation -OfferId $ProductId | Format-Table | Out-Host
    Write-Host "`n$ProductId is live on the Product Ingestion API." -ForegroundColor Green
}
finally {
    Disconnect-CpAccount
    Stop-TestEmulator $emulator
}
