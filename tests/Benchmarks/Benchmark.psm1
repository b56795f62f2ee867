# Shared by the benchmark scripts in this folder. Benchmarks are not tests: CI does not run them, and their figures
# are ratios measured in one run (baseline and candidate interleaved), never absolute pass/fail timings, because the
# machine they run on is shared.

$script:Root = Split-Path (Split-Path $PSScriptRoot -Parent) -Parent

function Get-RepositoryRoot { $script:Root }

function Get-Median {
    <# The median of numbers (the mean of the two middle ones for an even count). #>
    param([Parameter(Mandatory)] [double[]] $Value)
    $sorted = [double[]]($Value | Sort-Object)
    $n = $sorted.Count
    if ($n -eq 0) { return [double]::NaN }
    if ($n % 2) { return $sorted[($n - 1) / 2] }
    ($sorted[$n / 2 - 1] + $sorted[$n / 2]) / 2
}

function Get-DefaultModulePath {
    $version = (& dotnet msbuild (Join-Path $script:Root 'src/CloudPartner/CloudPartner.csproj') -getProperty:ModuleVersion).Trim()
    Join-Path $script:Root "out/CloudPartner/$version/CloudPartner.psd1"
}

function Get-EmulatorPath {
    Join-Path $script:Root 'src/CloudPartner.Emulator/bin/Release/net10.0/CloudPartner.Emulator.dll'
}

function Initialize-Benchmark {
    <#
        Builds what the benchmarks need unless -NoBuild: the packaged module (build.ps1 -Task Build, which also builds the
        emulator) and the HttpLoop console baseline. Returns the module manifest path.
    #>
    param([string] $ModulePath, [switch] $NoBuild, [switch] $HttpLoop)
    if (-not $NoBuild) {
        & pwsh -NoProfile -NonInteractive -File (Join-Path $script:Root 'build.ps1') -Task Build | Out-Host
        if ($LASTEXITCODE -ne 0) { throw 'build.ps1 -Task Build failed.' }
        if ($HttpLoop) {
            & dotnet build (Join-Path $PSScriptRoot 'HttpLoop/HttpLoop.csproj') -c Release --nologo -v quiet | Out-Host
            if ($LASTEXITCODE -ne 0) { throw 'Building tests/Benchmarks/HttpLoop failed.' }
        }
    }

    if (-not $ModulePath) { $ModulePath = Get-DefaultModulePath }
    if (-not (Test-Path $ModulePath)) { throw "The module is not built: $ModulePath (run without -NoBuild)." }
    if (-not (Test-Path (Get-EmulatorPath))) { throw "The emulator is not built: $(Get-EmulatorPath)." }
    $env:CLOUDPARTNER_TEST_EMULATOR = Get-EmulatorPath
    (Resolve-Path $ModulePath).Path
}

function Start-BenchmarkEmulator {
    <# Starts the emulator process on a free loopback port (tests/Pester/TestHelpers.psm1's Start-TestEmulator). #>
    param([string[]] $Arguments = @('--time-scale', '10000000'))
    Import-Module (Join-Path $script:Root 'tests/Pester/TestHelpers.psm1') -Force -Scope Global
    Start-TestEmulator -Arguments $Arguments
}

function Start-LineWorker {
    <#
        Starts a process that speaks a line protocol on stdin/stdout: it prints 'ready' once, then answers each command
        line with one line. Returns an object for Invoke-LineWorker / Stop-LineWorker.
    #>
    param([Parameter(Mandatory)] [string] $FileName, [string[]] $ArgumentList = @(), [hashtable] $Environment = @{})
    $info = [System.Diagnostics.ProcessStartInfo]::new($FileName)
    foreach ($a in $ArgumentList) { $info.ArgumentList.Add($a) }
    foreach ($k in $Environment.Keys) { $info.Environment[$k] = $Environment[$k] }
    $info.RedirectStandardInput = $true
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($info)
    $errors = $process.StandardError.ReadToEndAsync()
    $worker = [pscustomobject]@{ Process = $process; Errors = $errors; Name = [IO.Path]::GetFileName($ArgumentList[0]) }
    $first = Read-WorkerLine $worker 120
    if ($first -ne 'ready') {
        Stop-LineWorker $worker
        throw "Worker $($worker.Name) did not start: $first $($errors.Result)"
    }
    $worker
}

function Read-WorkerLine {
    param($Worker, [int] $TimeoutSeconds = 600)
    $read = $Worker.Process.StandardOutput.ReadLineAsync()
    if (-not $read.Wait([TimeSpan]::FromSeconds($TimeoutSeconds))) { throw "Worker $($Worker.Name) did not answer within $TimeoutSeconds s." }
    if ($null -eq $read.Result) {
        $Worker.Process.WaitForExit(5000) | Out-Null
        throw "Worker $($Worker.Name) exited: $($Worker.Errors.Result)"
    }
    $read.Result
}

function Invoke-LineWorker {
    <# Sends one command; returns @{ Ms; CpuMs; JitMs; Extra } from an answer 'ok MS CPU_MS JIT_MS [EXTRA...]', throws on anything else. #>
    param([Parameter(Mandatory)] $Worker, [Parameter(Mandatory)] [string] $Command)
    $Worker.Process.StandardInput.WriteLine($Command)
    $Worker.Process.StandardInput.Flush()
    $answer = Read-WorkerLine $Worker
    $parts = $answer -split ' '
    if ($parts[0] -ne 'ok') { throw "Worker $($Worker.Name) failed '$Command': $answer" }
    [pscustomobject]@{
        Ms    = [double]::Parse($parts[1], [cultureinfo]::InvariantCulture)
        CpuMs = [double]::Parse($parts[2], [cultureinfo]::InvariantCulture)
        JitMs = [double]::Parse($parts[3], [cultureinfo]::InvariantCulture)
        Extra = @($parts | Select-Object -Skip 4)
    }
}

function Stop-LineWorker {
    param($Worker)
    if (-not $Worker -or $Worker.Process.HasExited) { return }
    try {
        $Worker.Process.StandardInput.WriteLine('quit')
        $Worker.Process.StandardInput.Close()
        if ($Worker.Process.WaitForExit(10000)) { return }
    }
    catch [System.IO.IOException] { }
    $Worker.Process.Kill()
    $Worker.Process.WaitForExit(5000) | Out-Null
}

function Get-ProcessCpuMs {
    <# Processor time (user + system) of a process so far, from /proc on Linux, else from .NET. #>
    param([Parameter(Mandatory)] [int] $ProcessId)
    $stat = "/proc/$ProcessId/stat"
    if (Test-Path $stat) {
        $text = Get-Content $stat -Raw
        $fields = $text.Substring($text.LastIndexOf(')') + 2) -split ' '
        # utime and stime are fields 14 and 15 of stat (11 and 12 after the command name), in clock ticks.
        return ([double]$fields[11] + [double]$fields[12]) * 1000 / 100
    }
    $p = [System.Diagnostics.Process]::GetProcessById($ProcessId)
    $p.TotalProcessorTime.TotalMilliseconds
}

function Get-MachineNote {
    <# One paragraph about the machine and its load, for docs/performance.md. #>
    $cpu = if (Test-Path /proc/cpuinfo) { ((Get-Content /proc/cpuinfo | Where-Object { $_ -like 'model name*' } | Select-Object -First 1) -split ':', 2)[1].Trim() } else { 'unknown CPU' }
    $load = if (Test-Path /proc/loadavg) { ((Get-Content /proc/loadavg -Raw) -split ' ')[0..2] -join ' ' } else { 'n/a' }
    $pressure = if (Test-Path /proc/pressure/cpu) { ((Get-Content /proc/pressure/cpu | Select-Object -First 1) -split ' ')[1] } else { 'n/a' }
    $dotnet = (& dotnet --list-runtimes | Where-Object { $_ -like 'Microsoft.NETCore.App*' } | Select-Object -Last 1) -replace ' \[.*$', ''
    "{0} logical cores ({1}), {2:n0} GiB; {3}; pwsh {4}; {5}; load average {6}, CPU pressure {7} (other builds share the cores)." -f `
        [Environment]::ProcessorCount, $cpu, ((Get-CimInstanceMemory) / 1GB), [System.Runtime.InteropServices.RuntimeInformation]::OSDescription,
        $PSVersionTable.PSVersion, $dotnet, $load, $pressure
}

function Get-CimInstanceMemory {
    if (Test-Path /proc/meminfo) {
        $line = Get-Content /proc/meminfo | Where-Object { $_ -like 'MemTotal:*' } | Select-Object -First 1
        return [double](($line -split '\s+')[1]) * 1KB
    }
    [double]0
}

function Format-Ms { param([double] $Value) $Value.ToString('0.0', [cultureinfo]::InvariantCulture) }

function Format-Ratio { param([double] $Value) $Value.ToString('0.00', [cultureinfo]::InvariantCulture) }

Export-ModuleMember -Function Get-RepositoryRoot, Get-Median, Get-DefaultModulePath, Get-EmulatorPath, Initialize-Benchmark,
    Start-BenchmarkEmulator, Start-LineWorker, Invoke-LineWorker, Stop-LineWorker, Get-ProcessCpuMs, Get-MachineNote, Format-Ms, Format-Ratio
