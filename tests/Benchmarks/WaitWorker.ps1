#requires -Version 7.0
<#
.SYNOPSIS
    Benchmark worker (not a test): imports one build of the module and, on command, publishes offers and waits for
    the operations, so that a driver script can interleave runs of several builds against one emulator.
.DESCRIPTION
    Prints 'ready', then reads one command per line from stdin and answers each with one line:
      wait COUNT PREFIX INTERVAL_SECONDS
          creates COUNT offers PREFIX-001... from the seeded contoso-app (not timed), then times
              $offers | Publish-CpOffer | Wait-CpOperation -PollingInterval INTERVAL
          from the first publish to the last operation written; answers
          'ok ELAPSED_MS CPU_MS JIT_MS WRITTEN AT_SIGNOFF' (operations written, and how many of them stopped at
          publisher sign-off), or 'error MESSAGE'.
      quit
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $Url,
    [string] $Token = 'benchmark-token'
)

$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
Connect-CpAccount -AccessToken $Token -Endpoint $Url -PublisherId contoso | Out-Null
$template = Get-CpOffer -OfferId contoso-app

$me = [System.Diagnostics.Process]::GetCurrentProcess()
[Console]::Out.WriteLine('ready')
[Console]::Out.Flush()
while ($null -ne ($line = [Console]::In.ReadLine())) {
    $name, $count, $prefix, $interval = $line -split ' '
    if ($name -eq 'quit') { break }
    try {
        if ($name -ne 'wait') { throw "unknown command '$name'" }
        $offers = foreach ($i in 1..[int]$count) { $template | New-CpOffer -OfferId ('{0}-{1:d3}' -f $prefix, $i) -Confirm:$false }
        $polling = [TimeSpan]::FromSeconds([double]::Parse($interval, [cultureinfo]::InvariantCulture))
        $me.Refresh()
        $cpu = $me.TotalProcessorTime
        $jit = [System.Runtime.JitInfo]::GetCompilationTime()
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $done = @($offers | Publish-CpOffer -Confirm:$false | Wait-CpOperation -PollingInterval $polling)
        $watch.Stop()
        $me.Refresh()
        $signoff = @($done | Where-Object { $_.State -eq 'WaitingForPublisherReview' }).Count
        [Console]::Out.WriteLine([string]::Format([cultureinfo]::InvariantCulture, 'ok {0:0.###} {1:0.###} {2:0.###} {3} {4}',
                $watch.Elapsed.TotalMilliseconds, ($me.TotalProcessorTime - $cpu).TotalMilliseconds,
                ([System.Runtime.JitInfo]::GetCompilationTime() - $jit).TotalMilliseconds, $done.Count, $signoff))
    }
    catch {
        [Console]::Out.WriteLine("error $($_.Exception.Message -replace '\s+', ' ')")
    }
    [Console]::Out.Flush()
}
