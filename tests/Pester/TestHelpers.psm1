# Shared by the Pester suites: start an emulator process, talk to its admin endpoint, import the built module.

function Start-TestEmulator {
    <# Starts the emulator on a free loopback port and returns @{ Url; Process }. #>
    param(
        [string[]] $Arguments = @('--time-scale', '10000000'),
        [string] $Url = 'http://127.0.0.1:0'
    )

    $dll = $env:CLOUDPARTNER_TEST_EMULATOR
    if (-not $dll -or -not (Test-Path $dll)) { throw "Set CLOUDPARTNER_TEST_EMULATOR to the built emulator (run build.ps1 -Task Test)." }
    $info = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    $info.ArgumentList.Add($dll)
    foreach ($a in @('--urls', $Url) + $Arguments) { $info.ArgumentList.Add($a) }
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($info)
    $deadline = [DateTime]::UtcNow.AddSeconds(30)
    while ([DateTime]::UtcNow -lt $deadline) {
        $read = $process.StandardOutput.ReadLineAsync()
        if (-not $read.Wait(30000)) { break }
        $line = $read.Result
        if ($null -eq $line) { break }
        if ($line -match 'listening on (http://127\.0\.0\.1:\d+)') {
            $url = $Matches[1]
            # The identity provider's line follows: its https authority and its self-signed certificate.
            $oauth = $null
            for ($i = 0; $i -lt 3 -and -not $oauth; $i++) {
                $next = $process.StandardOutput.ReadLine()
                if ($next -match 'OAuth authority: (https://127\.0\.0\.1:\d+) \(self-signed certificate thumbprint ([0-9A-F]+)\)') { $oauth = $Matches }
            }
            # Keep draining stdout so the emulator never blocks on a full pipe.
            $null = $process.StandardOutput.ReadToEndAsync()
            $null = $process.StandardError.ReadToEndAsync()
            return [pscustomobject]@{
                Url              = $url
                Process          = $process
                OAuthAuthority   = $oauth[1]
                OAuthThumbprint  = $oauth[2]
                IdentityEndpoint = "$url/msi/token"
                IdentityHeader   = 'emulator-identity-header'
            }
        }
    }
    $process.Kill()
    throw "The emulator did not start: $($process.StandardError.ReadToEnd())"
}

function Stop-TestEmulator {
    param($Emulator)
    if ($Emulator -and -not $Emulator.Process.HasExited) {
        $Emulator.Process.Kill()
        $Emulator.Process.WaitForExit(5000) | Out-Null
    }
}

function Invoke-EmulatorAdmin {
    <# Calls the emulator's admin endpoint (/_emulator/...). #>
    param(
        [Parameter(Mandatory)] $Emulator,
        [Parameter(Mandatory)] [string] $Path,
        [string] $Method = 'GET',
        $Body
    )
    $parameters = @{ Uri = "$($Emulator.Url)/_emulator/$($Path.TrimStart('/'))"; Method = $Method }
    if ($null -ne $Body) {
        $parameters.Body = if ($Body -is [string]) { $Body } else { $Body | ConvertTo-Json -Depth 10 }
        $parameters.ContentType = 'application/json'
    }
    Invoke-RestMethod @parameters
}

function Get-EmulatorRequest {
    <# The emulator's request log, optionally only requests whose path matches. #>
    param([Parameter(Mandatory)] $Emulator, [string] $PathLike = '*', [string] $Method = '*')
    $all = Invoke-EmulatorAdmin -Emulator $Emulator -Path requests
    foreach ($request in $all) {
        if ($request.path -like $PathLike -and $request.method -like $Method) { $request }
    }
}

function Clear-EmulatorRequest {
    param([Parameter(Mandatory)] $Emulator)
    Invoke-EmulatorAdmin -Emulator $Emulator -Path requests -Method DELETE | Out-Null
}

function Import-TestModule {
    $path = $env:CLOUDPARTNER_TEST_MODULE
    if (-not $path -or -not (Test-Path $path)) { throw "Set CLOUDPARTNER_TEST_MODULE to the built CloudPartner.psd1 (run build.ps1 -Task Test)." }
    Import-Module $path -Force -Global -ErrorAction Stop
}

function Invoke-CtrlCInTerminal {
    <#
    Runs a script with this PowerShell in a real terminal (tmux), presses Ctrl+C $DelayMilliseconds after the script
    prints $ReadyText, and returns the screen and how long the script took to end after the key.
    #>
    param(
        [Parameter(Mandatory)] [string] $ScriptPath,
        [string] $ReadyText = 'WAITING',
        [int] $DelayMilliseconds = 500
    )
    $session = "cp-ctrl-c-$PID-$(Get-Random)"
    try {
        & tmux new-session -d -s $session -x 250 -y 50
        & tmux send-keys -t $session "'$(Join-Path $PSHOME 'pwsh')' -NoProfile -File '$ScriptPath'; echo EXITED" Enter
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        while (-not ((& tmux capture-pane -t $session -p) -match "^$ReadyText") -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
        Start-Sleep -Milliseconds $DelayMilliseconds
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        & tmux send-keys -t $session C-c
        # The shell prints EXITED on a line of its own, or after the ^C the terminal echoed.
        $exited = '^(\^C)?EXITED$'
        while (-not ((& tmux capture-pane -t $session -p) -match $exited) -and $watch.Elapsed.TotalSeconds -lt 15) { Start-Sleep -Milliseconds 20 }
        $watch.Stop()
        [pscustomobject]@{
            Screen  = (& tmux capture-pane -t $session -p -J) -join "`n"
            Exited  = [bool]((& tmux capture-pane -t $session -p) -match $exited)
            Seconds = $watch.Elapsed.TotalSeconds
        }
    }
    finally {
        & tmux kill-session -t $session 2>$null
    }
}

function Import-TestAids {
    <# Loads tests/CloudPartner.TestAids (renewable loopback tokens, session counters) beside the imported module. #>
    $path = $env:CLOUDPARTNER_TEST_AIDS
    if (-not $path -or -not (Test-Path $path)) { throw "Set CLOUDPARTNER_TEST_AIDS to the built CloudPartner.TestAids.dll (run build.ps1 -Task Test)." }
    Add-Type -Path $path
}

Export-ModuleMember -Function Start-TestEmulator, Stop-TestEmulator, Invoke-EmulatorAdmin, Get-EmulatorRequest, Clear-EmulatorRequest, Import-TestModule, Import-TestAids, Invoke-CtrlCInTerminal
