#requires -Version 7.0
<#
.SYNOPSIS
    Runs every tests/*.Tests.ps1 Pester suite against the built module and the emulator.
.OUTPUTS
    The Pester result object; with -ResultFile, also writes "<passed> <failed>" to that file.
#>
[CmdletBinding()]
param(
    [string] $ModulePath,
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',
    [string] $ResultFile,
    [string[]] $Path = @(Join-Path $PSScriptRoot '*.Tests.ps1')
)

$ErrorActionPreference = 'Stop'
$root = Split-Path $PSScriptRoot -Parent
if (-not $ModulePath) {
    $version = (& dotnet msbuild (Join-Path $root 'src/CloudPartner/CloudPartner.csproj') -getProperty:ModuleVersion).Trim()
    $ModulePath = Join-Path $root "out/CloudPartner/$version/CloudPartner.psd1"
}

$env:CLOUDPARTNER_TEST_MODULE = (Resolve-Path $ModulePath).Path
$env:CLOUDPARTNER_TEST_EMULATOR = Join-Path $root "src/CloudPartner.Emulator/bin/$Configuration/net10.0/CloudPartner.Emulator.dll"
if (-not (Test-Path $env:CLOUDPARTNER_TEST_EMULATOR)) { throw "The emulator is not built: $env:CLOUDPARTNER_TEST_EMULATOR" }

Import-Module Pester -MinimumVersion 5.0 -ErrorAction Stop
$pesterConfig = New-PesterConfiguration
$pesterConfig.Run.Path = $Path
$pesterConfig.Run.PassThru = $true
$pesterConfig.Output.Verbosity = 'Detailed'
$result = Invoke-Pester -Configuration $pesterConfig

$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
Write-Host "pester: $($result.PassedCount) passed, $failed failed, $($result.SkippedCount) skipped"
if ($ResultFile) { Set-Content -Path $ResultFile -Value "$($result.PassedCount) $failed" }
[pscustomobject]@{ PassedCount = $result.PassedCount; FailedCount = $failed }
