# Source manifest. packaging/Package.proj (build.ps1 -Task Build) stamps ModuleVersion from Directory.Build.props into the laid-out copy.
@{
    RootModule             = 'CloudPartner.dll'
    ModuleVersion          = '{{ModuleVersion}}'
    GUID                   = '5eb47717-cbc9-4e41-aae8-da799820a8a3'
    Author                 = 'CloudPartner contributors'
    CompanyName            = 'CloudPartner'
    Copyright              = '(c) 2026 CloudPartner contributors. MIT License.'
    Description            = 'Azure Marketplace Cloud Partner Portal (CPP) API from PowerShell: read and edit offers losslessly, publish, go live, and follow long-running operations to the end, with retries, token renewal and typed errors. Ships a local CPP emulator for rehearsals.'
    CompatiblePSEditions   = @('Desktop', 'Core')
    PowerShellVersion      = '5.1'
    DotNetFrameworkVersion = '4.7.2'
    CmdletsToExport        = @(
        'Compare-CpOffer'
        'Connect-CpAccount'
        'Disconnect-CpAccount'
        'Export-CpOffer'
        'Get-CpAccessToken'
        'Get-CpOffer'
        'Get-CpOfferStatus'
        'Get-CpOperation'
        'Get-CpPublisher'
        'Get-CpSession'
        'Invoke-CpGoLive'
        'Invoke-CpRestMethod'
        'New-CpOffer'
        'Publish-CpOffer'
        'Set-CpOffer'
        'Stop-CpOperation'
        'Wait-CpOperation'
    )
    FunctionsToExport      = @()
    VariablesToExport      = @()
    AliasesToExport        = @()
    FormatsToProcess       = @('CloudPartner.format.ps1xml')
    HelpInfoURI            = 'https://github.com/cloudpartner-ps/CloudPartner/tree/main/docs'
    PrivateData            = @{
        PSData = @{
            Tags         = @('Azure', 'Marketplace', 'CloudPartnerPortal', 'CPP', 'PartnerCenter', 'Publishing', 'PSEdition_Core', 'PSEdition_Desktop', 'Windows', 'Linux', 'MacOS')
            ProjectUri   = 'https://github.com/cloudpartner-ps/CloudPartner'
            LicenseUri   = 'https://github.com/cloudpartner-ps/CloudPartner/blob/main/LICENSE'
            ReleaseNotes = 'See CHANGELOG.md.'
        }
    }
}
