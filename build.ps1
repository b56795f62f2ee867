#requires -Version 7.0
<#
.SYNOPSIS
    Builds, tests and lays out the CloudPartner module.
.DESCRIPTION
    Build  publishes the cmdlet assembly and lays out out/CloudPartner/<version>/ with the stamped manifest.
    Test   runs the xunit suites (dotnet test) and the Pester suites (tests/*.Tests.ps1) against the emulator,
           printing each one's counts and a last line 'N passed, N failed'.
    Demo   starts the emulator and runs a publish -> go-live cycle through the built module.
    Clean  removes out/ and the bin/obj folders.
.EXAMPLE
    ./build.ps1 -Task Build, Test
#>
[CmdletBinding()]
param(
    # Build, Test, Demo, Clean; also "Build,Test" as one string, as `pwsh -File build.ps1 -Task Build,Test` passes it.
    [string[]] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$knownTasks = 'Build', 'Test', 'Demo', 'Clean'
$Task = @($Task | ForEach-Object { $_ -split ',' } | ForEach-Object { $_.Trim() } | Where-Object { $_ })
foreach ($name in $Task) {
    if ($name -notin $knownTasks) { throw "Unknown task '$name'. Tasks: $($knownTasks -join ', ')." }
}
$root = $PSScriptRoot
$out = Join-Path $root 'out'

function Get-ModuleVersion {
    $version = (& dotnet msbuild (Join-Path $root 'src/CloudPartner/CloudPartner.csproj') -getProperty:ModuleVersion).Trim()
    if ($LASTEXITCODE -ne 0 -or -not $version) { throw 'Could not read ModuleVersion from Directory.Build.props.' }
    $version
}

function Get-ModuleFolder {
    Join-Path $out "CloudPartner/$(Get-ModuleVersion)"
}

function Invoke-Build {
    $version = Get-ModuleVersion
    $publish = Join-Path $out 'publish'
    $publishAuth = Join-Path $out 'publish-auth'
    foreach ($folder in $publish, $publishAuth) { if (Test-Path $folder) { Remove-Item $folder -Recurse -Force } }
    & dotnet publish (Join-Path $root 'src/CloudPartner/CloudPartner.csproj') -c $Configuration -o $publish --nologo -v quiet
    if ($LASTEXITCODE -ne 0) { throw 'dotnet publish failed.' }
    & dotnet publish (Join-Path $root 'src/CloudPartner.Authentication/CloudPartner.Authentication.csproj') -c $Configuration -o $publishAuth --nologo -v quiet
    if ($LASTEXITCODE -ne 0) { throw 'dotnet publish of CloudPartner.Authentication failed.' }
    & dotnet build (Join-Path $root 'src/CloudPartner.Emulator/CloudPartner.Emulator.csproj') -c $Configuration --nologo -v quiet
    if ($LASTEXITCODE -ne 0) { throw 'Building the emulator failed.' }

    $module = Join-Path $out "CloudPartner/$version"
    if (Test-Path $module) { Remove-Item $module -Recurse -Force }
    New-Item -ItemType Directory -Path $module | Out-Null
    Get-ChildItem $publish -Filter *.dll | Copy-Item -Destination $module

    # MSAL and the assembly that uses it live apart, in Dependencies/: the cmdlet assembly never references them, and the
    # engine's AuthenticationLoader loads them at the first sign-in (into a private AssemblyLoadContext on PowerShell 7).
    # The engine is shared with the cmdlet assembly, so it is not copied there.
    $dependencies = New-Item -ItemType Directory -Path (Join-Path $module 'Dependencies')
    Get-ChildItem $publishAuth -Filter *.dll | Where-Object BaseName -NotIn 'CloudPartner', 'CloudPartner.Engine' | Copy-Item -Destination $dependencies
    if (Get-ChildItem $module -Filter 'Microsoft.Identity*.dll') { throw 'MSAL must not be beside the cmdlet assembly (it belongs in Dependencies/).' }
    Copy-Item (Join-Path $publish 'CloudPartner.format.ps1xml') $module
    foreach ($file in 'LICENSE', 'README.md', 'CHANGELOG.md') {
        $path = Join-Path $root $file
        if (Test-Path $path) { Copy-Item $path $module }
    }

    $manifest = (Get-Content (Join-Path $root 'CloudPartner.psd1') -Raw).Replace('{{ModuleVersion}}', $version)
    Set-Content -Path (Join-Path $module 'CloudPartner.psd1') -Value $manifest -Encoding utf8NoBOM
    Write-Host "Built $module"
}

function Invoke-Test {
    $results = Join-Path $out 'test-results'
    if (Test-Path $results) { Remove-Item $results -Recurse -Force }
    & dotnet test (Join-Path $root 'module.sln') -c $Configuration --nologo --logger 'trx' --results-directory $results
    $dotnetExit = $LASTEXITCODE
    $passed = 0; $failed = 0
    foreach ($trx in Get-ChildItem $results -Filter *.trx -Recurse) {
        $counters = ([xml](Get-Content $trx.FullName -Raw)).TestRun.ResultSummary.Counters
        $passed += [int]$counters.passed
        $failed += [int]$counters.failed + [int]$counters.error
    }
    Write-Host "xunit: $passed passed, $failed failed"
    if ($dotnetExit -ne 0 -and $failed -eq 0) { $failed = 1; Write-Host 'xunit: dotnet test failed before running every test.' }

    $pester = & (Join-Path $root 'tests/Invoke-PesterSuite.ps1') -ModulePath (Join-Path (Get-ModuleFolder) 'CloudPartner.psd1') -Configuration $Configuration
    $passed += $pester.PassedCount
    $failed += $pester.FailedCount
    Write-Host "$passed passed, $failed failed"
    if ($failed -gt 0) { exit 1 }
}

function Invoke-Demo {
    & (Join-Path $root 'tests/Demo.ps1') -ModulePath (Join-Path (Get-ModuleFolder) 'CloudPartner.psd1') -Configuration $Configuration
}

function Invoke-Clean {
    if (Test-Path $out) { Remove-Item $out -Recurse -Force }
    Get-ChildItem $root -Include bin, obj -Recurse -Directory | Remove-Item -Recurse -Force
}

foreach ($step in $Task) {
    switch ($step) {
        'Build' { Invoke-Build }
        'Test' { Invoke-Test }
        'Demo' { Invoke-Demo }
        'Clean' { Invoke-Clean }
    }
}
