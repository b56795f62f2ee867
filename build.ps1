#requires -Version 7.0
<#
.SYNOPSIS
    Builds, tests and lays out the CloudPartner module.
.DESCRIPTION
    Every task restores what it builds, so each one works on a fresh clone with only the .NET SDK:
    `dotnet tool restore && dotnet pwsh ./build.ps1 -Task <task>`.

    Build       lays out out/CloudPartner/<version>/ (packaging/Package.proj: stamped manifest, assemblies, format, help)
                and builds the emulator.
    Docs        turns docs/*.md into docs/en-US/ (MAML help and about_CloudPartner.help.txt) with platyPS, and
                lays the module out again so the help ships with it. Needs platyPS 0.14 (not on NuGet).
    UpdateDocs  refreshes docs/*.md from the compiled cmdlets (new parameters, syntax) keeping the written text.
    Package     writes out/CloudPartner.<version>.nupkg, shaped for the PowerShell Gallery (dotnet pack; the same
                command works without pwsh: dotnet pack packaging/Package.proj -c Release).
    Test        runs the xunit suites (dotnet test) and the Pester suites (tests/Pester/*.Tests.ps1) against the
                emulator, printing each one's counts and a last line 'N passed, N failed'. Pester 5 is the installed
                copy when there is one, else the NuGet package restored into out/packages/ (tests/Tools/Pester.proj).
    Demo        the module's main job in this PowerShell, against the emulator: connect, read, edit losslessly,
                publish, wait for sign-off, go live, wait until live, on the CPP API and then on the Product
                Ingestion API (examples/Demo.ps1).
    Clean       removes out/ and the bin/obj folders.
.EXAMPLE
    ./build.ps1 -Task Build, Docs, Package, Test
#>
[CmdletBinding()]
param(
    # Build, Docs, UpdateDocs, Package, Test, Demo, Clean; also "Build,Test" as one string, as `pwsh -File build.ps1 -Task Build,Test` passes it.
    [string[]] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$knownTasks = 'Build', 'Docs', 'UpdateDocs', 'Package', 'Test', 'Demo', 'Clean'
$Task = @($Task | ForEach-Object { $_ -split ',' } | ForEach-Object { $_.Trim() } | Where-Object { $_ })
foreach ($name in $Task) {
    if ($name -notin $knownTasks) { throw "Unknown task '$name'. Tasks: $($knownTasks -join ', ')." }
}
$root = $PSScriptRoot
$out = Join-Path $root 'out'

# Child processes (tests, benchmarks, UpdateDocs) start `pwsh`. When this PowerShell is the .NET tool from
# dotnet-tools.json (`dotnet pwsh`), no pwsh is on PATH: put this one's folder there, for them and their children.
if (-not (Get-Command pwsh -CommandType Application -ErrorAction SilentlyContinue)) {
    $env:PATH = $PSHOME + [System.IO.Path]::PathSeparator + $env:PATH
}

function Get-ModuleVersion {
    $version = (& dotnet msbuild (Join-Path $root 'src/CloudPartner/CloudPartner.csproj') -getProperty:ModuleVersion).Trim()
    if ($LASTEXITCODE -ne 0 -or -not $version) { throw 'Could not read ModuleVersion from Directory.Build.props.' }
    $version
}

function Get-ModuleFolder {
    Join-Path $out "CloudPartner/$(Get-ModuleVersion)"
}

function Invoke-Build {
    # Package.proj restores the projects it lays out, so this works on a fresh clone.
    & dotnet build (Join-Path $root 'packaging/Package.proj') -c $Configuration --nologo -v quiet
    if ($LASTEXITCODE -ne 0) { throw 'Laying out the module failed.' }
    & dotnet build (Join-Path $root 'src/CloudPartner.Emulator/CloudPartner.Emulator.csproj') -c $Configuration --nologo -v quiet
    if ($LASTEXITCODE -ne 0) { throw 'Building the emulator failed.' }
    Write-Host "Built $(Get-ModuleFolder)"
}

function Import-PlatyPS {
    if (-not (Get-Module -ListAvailable platyPS)) {
        throw 'platyPS 0.14 is needed for the Docs and UpdateDocs tasks, and it is not installed. Install it where the PowerShell Gallery is reachable (Install-Module platyPS -RequiredVersion 0.14.2); the committed help in docs/en-US is checked against docs/*.md by the tests either way.'
    }
    Import-Module platyPS -ErrorAction Stop
}

function Invoke-Docs {
    Import-PlatyPS
    $help = Join-Path $root 'docs/en-US'
    New-ExternalHelp -Path (Join-Path $root 'docs') -OutputPath $help -Force -Encoding ([System.Text.UTF8Encoding]::new($false)) | Out-Null
    Write-Host "Help written to $help"
    Invoke-Build
}

function Invoke-UpdateDocs {
    Import-PlatyPS
    $manifest = Join-Path (Get-ModuleFolder) 'CloudPartner.psd1'
    if (-not (Test-Path $manifest)) { Invoke-Build }
    # In a child process, so the module's assemblies do not stay loaded in this one.
    & pwsh -NoProfile -Command "Import-Module '$manifest'; Import-Module platyPS; Update-MarkdownHelp -Path '$(Join-Path $root 'docs')' -AlphabeticParamsOrder:`$false -ExcludeDontShow | Out-Null"
    if ($LASTEXITCODE -ne 0) { throw 'Update-MarkdownHelp failed.' }
    # platyPS 0.14 adds PowerShell 7.4's -ProgressAction common parameter as if it were the cmdlet's own, and writes
    # CRLF line ends; the pages keep LF.
    foreach ($page in Get-ChildItem (Join-Path $root 'docs') -Filter '*-Cp*.md') {
        $text = Get-Content $page.FullName -Raw
        $text = $text -replace ' \[-ProgressAction <ActionPreference>\]', '' -replace '(?s)### -ProgressAction\r?\n.*?(?=### )', '' -replace "`r`n", "`n"
        Set-Content -Path $page.FullName -Value $text -NoNewline -Encoding utf8NoBOM
    }
    Write-Host 'docs/*.md refreshed from the compiled cmdlets.'
}

function Invoke-Package {
    & dotnet pack (Join-Path $root 'packaging/Package.proj') -c $Configuration --nologo -v quiet
    if ($LASTEXITCODE -ne 0) { throw 'dotnet pack failed.' }
    Write-Host "Packaged $(Join-Path $out "CloudPartner.$(Get-ModuleVersion).nupkg")"
}

function Import-Pester {
    $installed = Get-Module -ListAvailable Pester | Where-Object { $_.Version.Major -eq 5 } | Sort-Object Version -Descending | Select-Object -First 1
    if ($installed) {
        Import-Module $installed.Path -Force -ErrorAction Stop
        return
    }
    $project = Join-Path $root 'tests/Tools/Pester.proj'
    & dotnet restore $project --nologo -v quiet
    if ($LASTEXITCODE -ne 0) { throw 'Pester 5 is not installed, and restoring the NuGet package Pester (tests/Tools/Pester.proj) failed.' }
    $version = (& dotnet msbuild $project -getProperty:PesterVersion).Trim()
    Import-Module (Join-Path $out "packages/pester/$version/tools/Pester.psd1") -Force -ErrorAction Stop
}

function Invoke-Test {
    Invoke-Build
    $results = Join-Path $out 'test-results'
    if (Test-Path $results) { Remove-Item $results -Recurse -Force }
    & dotnet test (Join-Path $root 'module.sln') -c $Configuration --nologo --logger 'trx' --results-directory $results
    $dotnetExit = $LASTEXITCODE
    $passed = 0; $failed = 0
    $failedNames = [System.Collections.Generic.List[string]]::new()
    foreach ($trx in Get-ChildItem $results -Filter *.trx -Recurse) {
        $run = ([xml](Get-Content $trx.FullName -Raw)).TestRun
        $counters = $run.ResultSummary.Counters
        $passed += [int]$counters.passed
        $failed += [int]$counters.failed + [int]$counters.error
        foreach ($result in $run.Results.UnitTestResult) {
            if ($result.outcome -eq 'Failed') { $failedNames.Add("xunit: $($result.testName)") }
        }
    }
    Write-Host "xunit: $passed passed, $failed failed"
    if ($dotnetExit -ne 0 -and $failed -eq 0) { $failed = 1; Write-Host 'xunit: dotnet test failed before running every test.' }

    Import-Pester
    $pester = & (Join-Path $root 'tests/Pester/Invoke-PesterSuite.ps1') -ModulePath (Join-Path (Get-ModuleFolder) 'CloudPartner.psd1') -Configuration $Configuration
    $passed += $pester.PassedCount
    $failed += $pester.FailedCount
    foreach ($name in $pester.Failed) { $failedNames.Add("pester: $name") }
    # The failures again just above the counts, so the tail of a long log says what broke.
    if ($failedNames.Count -gt 0) { Write-Host "Failed:$([Environment]::NewLine)  $($failedNames -join "$([Environment]::NewLine)  ")" }
    Write-Host "$passed passed, $failed failed"
    if ($failed -gt 0) { exit 1 }
}

function Invoke-Demo {
    Invoke-Build
    & (Join-Path $root 'examples/Demo.ps1') -ModulePath (Join-Path (Get-ModuleFolder) 'CloudPartner.psd1') -Configuration $Configuration
}

function Invoke-Clean {
    if (Test-Path $out) { Remove-Item $out -Recurse -Force }
    Get-ChildItem $root -Include bin, obj -Recurse -Directory | Remove-Item -Recurse -Force
}

foreach ($step in $Task) {
    switch ($step) {
        'Build' { Invoke-Build }
        'Docs' { Invoke-Docs }
        'UpdateDocs' { Invoke-UpdateDocs }
        'Package' { Invoke-Package }
        'Test' { Invoke-Test }
        'Demo' { Invoke-Demo }
        'Clean' { Invoke-Clean }
    }
}
