#requires -Version 7.0
<#
.SYNOPSIS
    Benchmark worker (not a test): imports one build of the module, connects to a server, and runs timed loops on
    command so that a driver script can interleave it with other workers in one run.
.DESCRIPTION
    Prints 'ready', then reads one command per line from stdin and answers each with one line
    'ok ELAPSED_MS CPU_MS JIT_MS' (this process's processor time, and time spent compiling methods, over the loop)
    or 'error MESSAGE':
      cp N     N sequential  $null = Invoke-CpRestMethod -Path <Path>
      irm N    N sequential  $null = Invoke-RestMethod -Uri <Url><Path>?api-version=... -Headers (Authorization, Accept, User-Agent)
      noop N   N sequential  $null = Get-CpSession   (the cost of calling one of the module's cmdlets at all)
      quit
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $Url,
    [string] $Path = '/api/publishers',
    [string] $Token = 'benchmark-token'
)

$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$session = Connect-CpAccount -AccessToken $Token -Endpoint $Url -PublisherId contoso
$userAgent = "CloudPartner/$((Get-Module CloudPartner).Version)"
$headers = @{ Authorization = "Bearer $Token"; Accept = 'application/json'; 'User-Agent' = $userAgent }
$fullUrl = "$($Url.TrimEnd('/'))$($Path)?api-version=$($session.ApiVersion)"

$loops = @{
    cp   = { param($n) for ($i = 0; $i -lt $n; $i++) { $null = Invoke-CpRestMethod -Path $Path } }
    irm  = { param($n) for ($i = 0; $i -lt $n; $i++) { $null = Invoke-RestMethod -Uri $fullUrl -Headers $headers } }
    noop = { param($n) for ($i = 0; $i -lt $n; $i++) { $null = Get-CpSession } }
}

$me = [System.Diagnostics.Process]::GetCurrentProcess()
[Console]::Out.WriteLine('ready')
[Console]::Out.Flush()
while ($null -ne ($line = [Console]::In.ReadLine())) {
    $name, $count = $line -split ' '
    if ($name -eq 'quit') { break }
    try {
        if (-not $loops.ContainsKey($name)) { throw "unknown command '$name'" }
        $n = [int]$count
        $loop = $loops[$name]
        $me.Refresh()
        $cpu = $me.TotalProcessorTime
        $jit = [System.Runtime.JitInfo]::GetCompilationTime()
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        & $loop $n
        $watch.Stop()
        $me.Refresh()
        $cpuMs = ($me.TotalProcessorTime - $cpu).TotalMilliseconds
        $jitMs = ([System.Runtime.JitInfo]::GetCompilationTime() - $jit).TotalMilliseconds
        [Console]::Out.WriteLine([string]::Format([cultureinfo]::InvariantCulture, 'ok {0:0.###} {1:0.###} {2:0.###}', $watch.Elapsed.TotalMilliseconds, $cpuMs, $jitMs))
    }
    catch {
        [Console]::Out.WriteLine("error $($_.Exception.Message -replace '\s+', ' ')")
    }
    [Console]::Out.Flush()
}
