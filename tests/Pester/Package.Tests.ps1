#requires -Modules Pester
# The packaged module as a new user gets it: the manifest, the Gallery package, and the help.

BeforeAll {
    $script:root = Split-Path (Split-Path $PSScriptRoot -Parent) -Parent
    $script:manifest = $env:CLOUDPARTNER_TEST_MODULE
    $script:version = (Import-PowerShellDataFile $script:manifest).ModuleVersion
    $script:package = Join-Path $script:root "out/CloudPartner.$($script:version).nupkg"
    # Packed afresh: a package left in out/ by an earlier build may hold an older module.
    & dotnet pack (Join-Path $script:root 'packaging/Package.proj') -c Release --nologo -v quiet | Out-Null
    if ($LASTEXITCODE -ne 0) { throw 'dotnet pack packaging/Package.proj failed.' }
}

Describe 'The packaged manifest' {
    It 'passes Test-ModuleManifest' {
        $info = Test-ModuleManifest -Path $script:manifest -ErrorAction Stop
        $info.Name | Should -Be 'CloudPartner'
        $info.Version | Should -Be $script:version
        $info.CompatiblePSEditions | Should -Be @('Desktop', 'Core')
        $info.PowerShellVersion | Should -Be '5.1'
        $info.ExportedCmdlets.Count | Should -Be 17
        $info.Tags | Should -Contain 'CloudPartnerPortal'
        $info.ProjectUri | Should -Not -BeNullOrEmpty
        $info.LicenseUri | Should -Not -BeNullOrEmpty
    }

    It 'exports exactly the cmdlets the assembly has' {
        $exported = pwsh -NoProfile -Command "Import-Module '$($script:manifest)'; (Get-Command -Module CloudPartner).Name" | Sort-Object
        $declared = (Import-PowerShellDataFile $script:manifest).CmdletsToExport | Sort-Object
        $exported | Should -Be $declared
    }
}

Describe 'The Gallery package' {
    BeforeAll {
        $script:unpacked = Join-Path $TestDrive 'modules'
        $target = Join-Path $script:unpacked "CloudPartner/$($script:version)"
        New-Item -ItemType Directory -Path $target -Force | Out-Null
        Expand-Archive -Path $script:package -DestinationPath $target
    }

    It 'holds the module at its root, with the nuspec carrying the manifest metadata' {
        $root = Join-Path $script:unpacked "CloudPartner/$($script:version)"
        Test-Path (Join-Path $root 'CloudPartner.psd1') | Should -BeTrue
        Test-Path (Join-Path $root 'CloudPartner.dll') | Should -BeTrue
        Test-Path (Join-Path $root 'en-US/CloudPartner.dll-Help.xml') | Should -BeTrue
        [xml] $nuspec = Get-Content (Join-Path $root 'CloudPartner.nuspec') -Raw
        $nuspec.package.metadata.id | Should -Be 'CloudPartner'
        $nuspec.package.metadata.version | Should -Be $script:version
        $tags = $nuspec.package.metadata.tags -split ' '
        $tags | Should -Contain 'PSModule'
        $tags | Should -Contain 'PSCmdlet_Invoke-CpGoLive'
        $tags | Should -Contain 'PSCommand_Invoke-CpGoLive'
    }

    It 'imports by name from a folder on PSModulePath and shows help' {
        $output = pwsh -NoProfile -Command @"
`$env:PSModulePath = '$($script:unpacked)' + [System.IO.Path]::PathSeparator + `$env:PSModulePath
Import-Module CloudPartner -ErrorAction Stop
(Get-Module CloudPartner).ModuleBase
(Get-Command -Module CloudPartner).Count
(Get-Help Invoke-CpGoLive -Examples | Out-String) -match 'Invoke-CpGoLive -OfferId'
"@
        $output[0] | Should -BeLike "$($script:unpacked)*"
        $output[1] | Should -Be 17
        $output[2] | Should -Be 'True'
    }
}

Describe 'Help' {
    BeforeAll {
        Import-Module $script:manifest -Force
        $script:commands = Get-Command -Module CloudPartner
    }

    It 'has a synopsis, a description and examples for <_>' -ForEach @(
        'Connect-CpAccount', 'Disconnect-CpAccount', 'Get-CpSession', 'Get-CpAccessToken', 'Invoke-CpRestMethod', 'Get-CpPublisher', 'Get-CpOffer',
        'Get-CpOfferStatus', 'New-CpOffer', 'Set-CpOffer', 'Publish-CpOffer', 'Invoke-CpGoLive', 'Stop-CpOperation', 'Get-CpOperation', 'Wait-CpOperation',
        'Compare-CpOffer', 'Export-CpOffer') {
        $name = $_
        $help = Get-Help $name -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        # Without compiled help, Get-Help makes a synopsis from the syntax, which starts with the command name.
        $help.Synopsis | Should -Not -Match ('^\s*' + [regex]::Escape($name) + '\s')
        ($help.Description | Out-String).Trim() | Should -Not -BeNullOrEmpty
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 2
        foreach ($parameter in $help.Parameters.Parameter) {
            ($parameter.Description | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because "-$($parameter.Name) of $name needs a description"
        }
    }

    It 'has the about topic' {
        (Get-Help about_CloudPartner | Out-String) | Should -Match 'long-running'
    }

    It 'ships MAML that matches docs/*.md' {
        if (-not (Get-Module -ListAvailable platyPS)) {
            Set-ItResult -Skipped -Because 'platyPS is not installed'
            return
        }
        $fresh = Join-Path $TestDrive 'help'
        pwsh -NoProfile -Command "Import-Module platyPS; New-ExternalHelp -Path '$(Join-Path $script:root 'docs')' -OutputPath '$fresh' -Force | Out-Null"
        foreach ($file in Get-ChildItem $fresh) {
            $committed = Join-Path $script:root "docs/en-US/$($file.Name)"
            Test-Path $committed | Should -BeTrue -Because "$($file.Name) must be committed (run ./build.ps1 -Task Docs)"
            (Get-Content $committed -Raw) | Should -Be (Get-Content $file.FullName -Raw) -Because "docs/en-US/$($file.Name) is stale (run ./build.ps1 -Task Docs)"
        }
    }
}
