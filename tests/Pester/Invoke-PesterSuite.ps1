#requires -Version 7.0
<#
.SYNOPSIS
    Runs every tests/Pester/*.Tests.ps1 Pester suite against the built module and the emulator.
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
# The suites are written for PowerShell's defaults, not for the strict mode of the build script that may call this one.
Set-StrictMode -Off
$root = Split-Path (Split-Path $PSScriptRoot -Parent) -Parent
if (-not $ModulePath) {
    $version = (& dotnet msbuild (Join-Path $root 'src/CloudPartner/CloudPartner.csproj') -getProperty:ModuleVersion).Trim()
    $ModulePath = Join-Path $root "out/CloudPartner/$version/CloudPartner.psd1"
}

$env:CLOUDPARTNER_TEST_MODULE = (Resolve-Path $ModulePath).Path
$env:CLOUDPARTNER_TEST_EMULATOR = Join-Path $root "src/CloudPartner.Emulator/bin/$Configuration/net10.0/CloudPartner.Emulator.dll"
if (-not (Test-Path $env:CLOUDPARTNER_TEST_EMULATOR)) { throw "The emulator is not built: $env:CLOUDPARTNER_TEST_EMULATOR" }
$env:CLOUDPARTNER_TEST_AIDS = Join-Path $root "tests/CloudPartner.TestAids/bin/$Configuration/netstandard2.0/CloudPartner.TestAids.dll"
if (-not (Test-Path $env:CLOUDPARTNER_TEST_AIDS)) { throw "The test aids are not built: $env:CLOUDPARTNER_TEST_AIDS (dotnet build module.sln)" }

# build.ps1 imports Pester 5 (installed, or restored from NuGet); run alone, this takes an installed one.
if (-not (Get-Module Pester | Where-Object { $_.Version.Major -ge 5 })) { Import-Module Pester -MinimumVersion 5.0 -ErrorAction Stop }
$pesterConfig = New-PesterConfiguration
$pesterConfig.Run.Path = $Path
$pesterConfig.Run.PassThru = $true
$pesterConfig.Output.Verbosity = 'Detailed'
$result = Invoke-Pester -Configuration $pesterConfig

$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
Write-Host "pester: $($result.PassedCount) passed, $failed failed, $($result.SkippedCount) skipped"
if ($ResultFile) { Set-Content -Path $ResultFile -Value "$($result.PassedCount) $failed" }
$failedNames = @(@($result.Failed.ExpandedPath) + @($result.FailedBlocks.ExpandedPath) + @($result.FailedContainers | ForEach-Object { $_.Item }) | Where-Object { $_ } | ForEach-Object { "$_" })
[pscustomobject]@{ PassedCount = $result.PassedCount; FailedCount = $failed; Failed = $failedNames }
