#requires -Version 7.0
<#
.SYNOPSIS
    Soak test: N offers created from a template, each published and taken live with -Wait, through an emulator that
    fails, throttles, drops and delays requests at random and refuses every token 30 s after first seeing it.
.DESCRIPTION
    Not part of the default test run; the -Short variant is (tests/Pester/Soak.Tests.ps1, in the test run).

    The emulator (a process on 127.0.0.1, nothing else is contacted) applies, by seeded rate, to every /api request:
    100-500 ms latency, 10% 5xx (half before the request is handled, half after, so that a POST or PUT may have acted
    although its answer is an error), 5% 429 with Retry-After: 1, 2% dropped connections (half before, half after
    handling), on the CPP API and the Product Ingestion API alike. Offers are processed in -Lanes pipelines running
    side by side in runspaces that share the default session: New-CpOffer -Path <template> | Publish-CpOffer -Wait |
    Invoke-CpGoLive -Force -Wait. Every third offer is taken live on the Product Ingestion API instead (-Api
    ProductIngestion: submissions and configure jobs); of the others, every other one is marked migrated, so both
    Location forms are followed.

    Afterwards the emulator's operations are counted per offer: any second publish or go-live of an offer is a
    duplicate, any operation the cmdlets did not report (as a result or as an error) is lost. Both must be 0. The
    Product Ingestion leg's polls of each job (answered status reads) must stay within ceil(T / interval) + 1, T the
    job's duration.
.PARAMETER Short
    The CI variant: 24 offers, 4 lanes, 10 s tokens.
.EXAMPLE
    pwsh -NoProfile -File tests/Soak/Invoke-Soak.ps1 -ResultPath out/soak.json
.EXAMPLE
    pwsh -NoProfile -File tests/Soak/Invoke-Soak.ps1 -Short
#>
[CmdletBinding()]
param(
    [switch] $Short,
    [ValidateRange(1, 100000)] [int] $Offers,
    [ValidateRange(1, 64)] [int] $Lanes,
    [double] $TimeScale = 100000,
    [timespan] $PollingInterval = '00:00:01',
    [ValidateRange(1, 86400)] [int] $TokenLifetimeSeconds,
    [int] $Seed = 1,
    [string] $ModulePath,
    [string] $EmulatorPath,
    [string] $ResultPath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = Resolve-Path (Join-Path $PSScriptRoot '../..')
if (-not $Offers) { $Offers = if ($Short) { 24 } else { 500 } }
if (-not $Lanes) { $Lanes = if ($Short) { 4 } else { 8 } }
if (-not $TokenLifetimeSeconds) { $TokenLifetimeSeconds = if ($Short) { 10 } else { 30 } }
if (-not $ModulePath) {
    $ModulePath = if ($env:CLOUDPARTNER_TEST_MODULE) { $env:CLOUDPARTNER_TEST_MODULE } else {
        $version = (& dotnet msbuild (Join-Path $root 'src/CloudPartner/CloudPartner.csproj') -getProperty:ModuleVersion).Trim()
        Join-Path $root "out/CloudPartner/$version/CloudPartner.psd1"
    }
}
if (-not $EmulatorPath) {
    $EmulatorPath = if ($env:CLOUDPARTNER_TEST_EMULATOR) { $env:CLOUDPARTNER_TEST_EMULATOR } else { Join-Path $root 'src/CloudPartner.Emulator/bin/Release/net10.0/CloudPartner.Emulator.dll' }
}
$env:CLOUDPARTNER_TEST_EMULATOR = (Resolve-Path $EmulatorPath).Path
$ModulePath = (Resolve-Path $ModulePath).Path
$template = Join-Path $PSScriptRoot 'offer-template.json'
Import-Module (Join-Path $root 'tests/Pester/TestHelpers.psm1') -Force

# Rates are applied rule after rule, each to what the ones before let through: conditional rates make the overall
# shares 5% + 5% 5xx, 5% 429, 1% + 1% drops.
$shares = [ordered]@{ statusBefore = 0.05; statusAfter = 0.05; throttle = 0.05; dropBefore = 0.01; dropAfter = 0.01 }
$left = 1.0
$rates = @{}
foreach ($name in $shares.Keys) { $rates[$name] = $shares[$name] / $left; $left -= $shares[$name] }
$apis = '^/(api|rp/product-ingestion)/'
$faults = @(
    @{ kind = 'latency'; pathRegex = $apis; latencyMs = 100; latencyMaxMs = 500; seed = $Seed }
    @{ kind = 'status'; pathRegex = $apis; statusCode = 500; rate = $rates.statusBefore; seed = $Seed + 1 }
    @{ kind = 'status'; pathRegex = $apis; statusCode = 503; rate = $rates.statusAfter; phase = 'after'; seed = $Seed + 2 }
    @{ kind = 'throttle'; pathRegex = $apis; retryAfterSeconds = 1; rate = $rates.throttle; seed = $Seed + 3 }
    @{ kind = 'drop'; pathRegex = $apis; rate = $rates.dropBefore; seed = $Seed + 4 }
    @{ kind = 'drop'; pathRegex = $apis; rate = $rates.dropAfter; phase = 'after'; seed = $Seed + 5 }
)
$arguments = @('--time-scale', "$TimeScale", '--token-lifetime', "$TokenLifetimeSeconds", '--request-log-capacity', "$([math]::Max(20000, $Offers * 60))")
foreach ($fault in $faults) { $arguments += '--fault'; $arguments += ($fault | ConvertTo-Json -Compress) }
$emulator = Start-TestEmulator -Arguments $arguments

try {
    Import-Module $ModulePath -Force
    if (-not $env:CLOUDPARTNER_TEST_AIDS) { $env:CLOUDPARTNER_TEST_AIDS = Join-Path $root 'tests/CloudPartner.TestAids/bin/Release/netstandard2.0/CloudPartner.TestAids.dll' }
    Import-TestAids
    # The one line that picks the sign-in flow. Until MSAL flows exist, a testing aid makes up tokens that renew; with
    # them, this becomes: Connect-CpAccount -Endpoint $emulator.Url -PublisherId contoso -TenantId soak -ClientId soak -ClientSecret $secret -AuthorityHost $emulator.Url
    $session = [CloudPartner.TestAids.CpTestAid]::ConnectRenewable($emulator.Url, 'contoso', [timespan]::FromSeconds($TokenLifetimeSeconds))

    function Measure-Memory {
        [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
        $process = Get-Process -Id $PID
        [pscustomobject]@{ WorkingSet = $process.WorkingSet64; Private = $process.PrivateMemorySize64; Managed = [GC]::GetTotalMemory($true) }
    }

    # Cold: the module imported and connected. Warm: after the lanes' runspaces were created once, each importing the
    # module and making a call; what the soak adds beyond that is what it keeps. A sampler reads the working set every
    # 2 s during the run, to tell a plateau from growth that goes on with the work.
    Get-CpPublisher -ErrorAction SilentlyContinue | Out-Null
    $sampler = Start-ThreadJob -ArgumentList $PID -ScriptBlock {
        param($id)
        $process = Get-Process -Id $id
        $start = [datetime]::UtcNow
        while ($true) {
            $process.Refresh()
            [pscustomobject]@{ Seconds = [math]::Round(([datetime]::UtcNow - $start).TotalSeconds); WorkingSetMB = [math]::Round($process.WorkingSet64 / 1MB, 1) }
            Start-Sleep -Seconds 2
        }
    }
    $memoryCold = Measure-Memory
    1..$Lanes | ForEach-Object -ThrottleLimit $Lanes -Parallel {
        Import-Module $using:ModulePath
        Get-CpPublisher -ErrorAction SilentlyContinue | Out-Null
    }
    $memoryBefore = Measure-Memory

    $ids = 1..$Offers | ForEach-Object { 'soak-{0:d4}' -f $_ }
    $chunks = @(for ($lane = 0; $lane -lt $Lanes; $lane++) { , @($ids | Where-Object { ([int]$_.Substring(5) - 1) % $Lanes -eq $lane }) })
    Write-Host "soak: $Offers offers in $Lanes lanes; time scale $TimeScale, polling $PollingInterval, tokens of $TokenLifetimeSeconds s; emulator $($emulator.Url)"
    $url = $emulator.Url
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $laneResults = $chunks | Where-Object { $_.Count } | ForEach-Object -ThrottleLimit $Lanes -Parallel {
        $ErrorActionPreference = 'Continue'
        $ProgressPreference = 'SilentlyContinue'
        Import-Module $using:ModulePath
        $admin = "$using:url/_emulator"
        $polling = $using:PollingInterval
        $templatePath = $using:template
        $published = $live = $errors = $warnings = $null
        $created = @($_ | ForEach-Object {
                $offer = New-CpOffer -OfferId $_ -Path $templatePath -Confirm:$false -ErrorVariable +errors -ErrorAction SilentlyContinue
                if ($offer) {
                    if ([int]$offer.OfferId.Substring(5) % 2 -eq 0) {
                        Invoke-RestMethod -Method PUT -Uri "$admin/offers/contoso/$($offer.OfferId)/settings" -Body '{"migrated":true}' -ContentType application/json | Out-Null
                    }
                    $offer
                }
            })
        # Every third offer goes live on the Product Ingestion API, by the same lines with -Api.
        foreach ($api in 'Cpp', 'ProductIngestion') {
            $created | Where-Object { ([int]$_.OfferId.Substring(5) % 3 -eq 0) -eq ($api -eq 'ProductIngestion') } |
                Publish-CpOffer -Api $api -Wait -PollingInterval $polling -Confirm:$false -OutVariable +published -ErrorVariable +errors -WarningVariable +warnings -ErrorAction SilentlyContinue -WarningAction SilentlyContinue |
                Invoke-CpGoLive -Force -Wait -PollingInterval $polling -OutVariable +live -ErrorVariable +errors -WarningVariable +warnings -ErrorAction SilentlyContinue -WarningAction SilentlyContinue |
                Out-Null
        }
        $kind = @{ publish = 'publish'; preview = 'publish'; golive = 'golive'; live = 'golive' }
        [pscustomobject]@{
            Published = @($published | ForEach-Object { [pscustomobject]@{ OfferId = $_.OfferId; Id = $_.Id; State = "$($_.State)"; Api = "$($_.Api)"; SubmissionId = $_.SubmissionId; JobId = $_.JobId } })
            Live = @($live | ForEach-Object { [pscustomobject]@{ OfferId = $_.OfferId; Id = $_.Id; State = "$($_.State)"; Api = "$($_.Api)"; SubmissionId = $_.SubmissionId; JobId = $_.JobId } })
            Errors = @($errors | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] } | ForEach-Object {
                    $target = $_.TargetObject
                    $property = { param($name) if ($target -and $target.PSObject.Properties[$name]) { $target.$name } else { $null } }
                    [pscustomobject]@{
                        Id = $_.FullyQualifiedErrorId
                        Message = $_.Exception.Message
                        OfferId = if ($target -is [string]) { $target } else { & $property 'OfferId' }
                        OperationId = & $property 'Id'
                        Api = "$(& $property 'Api')"
                        Kind = $kind["$(& $property 'SubmissionType')"]
                    }
                })
            Warnings = @($warnings | ForEach-Object { "$_" })
        }
    }
    $wall = $watch.Elapsed

    $statistics = [CloudPartner.TestAids.CpTestAid]::GetStatistics($session)
    $samples = @($sampler | Stop-Job -PassThru | Receive-Job | Where-Object Seconds -GE 0)
    $sampler | Remove-Job -Force
    $memoryAfter = Measure-Memory
}
finally {
    if ($emulator) {
        try {
            $operations = @((Invoke-EmulatorAdmin -Emulator $emulator -Path operations) | ForEach-Object { $_ } | Where-Object offerId -Like 'soak-*')
            $jobs = @((Invoke-EmulatorAdmin -Emulator $emulator -Path jobs) | ForEach-Object { $_ } | Where-Object offerId -Like 'soak-*')
            $requests = @(Get-EmulatorRequest $emulator)
        }
        finally { Stop-TestEmulator $emulator }
    }
}

if (-not (Get-Variable laneResults -ErrorAction SilentlyContinue)) { $laneResults = @() }
if (-not (Get-Variable samples -ErrorAction SilentlyContinue)) { $samples = @() }
$published = @($laneResults | ForEach-Object { $_.Published })
$live = @($laneResults | ForEach-Object { $_.Live })
$errorRecords = @($laneResults | ForEach-Object { $_.Errors })
$warnings = @($laneResults | ForEach-Object { $_.Warnings })

# Duplicates: a second publish or go-live of one offer. Lost: an operation the service holds that the cmdlets never
# reported (as a result, or as the target of an error), or an offer with neither an operation nor an error.
$reported = [System.Collections.Generic.HashSet[string]]::new([StringComparer]::OrdinalIgnoreCase)
# A Product Ingestion operation is reported as its submission (once its job has succeeded), or, when an error stopped
# it, as the offer and kind the error names.
foreach ($item in $published) { if ($item.Id) { $null = $reported.Add($item.Id) }; if ($item.SubmissionId) { $null = $reported.Add("$($item.SubmissionId)|publish") } }
foreach ($item in $live) { if ($item.Id) { $null = $reported.Add($item.Id) }; if ($item.SubmissionId) { $null = $reported.Add("$($item.SubmissionId)|golive") } }
foreach ($item in $errorRecords) {
    if ($item.OperationId) { $null = $reported.Add($item.OperationId) }
    if ($item.Api -eq 'ProductIngestion' -and $item.OfferId -and $item.Kind) { $null = $reported.Add("$($item.OfferId)|$($item.Kind)") }
    # An error that says the request's outcome is unknown reports that offer's operation of that kind as unknown (and
    # says how to find it); one that says the request did not take effect does not, so an operation it hides is lost.
    $command = if ($item.Id -like '*PublishCpOfferCommand') { 'publish' } elseif ($item.Id -like '*InvokeCpGoLiveCommand') { 'golive' } else { $null }
    if ($item.OfferId -and $command -and $item.Message -match 'outcome (is|was) unknown' -and $item.Message -notmatch 'did not take effect \(checked\)') {
        $null = $reported.Add("$($item.OfferId)|$command")
    }
}
$duplicates = 0
foreach ($group in $operations | Group-Object offerId, submissionType) { if ($group.Count -gt 1) { $duplicates += $group.Count - 1 } }
$lostOperations = @($operations | Where-Object {
        -not ($reported.Contains($_.id) -or ($_.legacyId -and $reported.Contains($_.legacyId)) -or $reported.Contains("$($_.submissionId)|$($_.submissionType)") -or $reported.Contains("$($_.offerId)|$($_.submissionType)"))
    })
# Polls of each Product Ingestion job that completed: answered reads of its status, against ceil(T / interval) + 1.
$statusReads = @{}
foreach ($request in $requests) {
    if ($request.method -eq 'GET' -and $request.status -eq 200 -and $request.path -match '^/rp/product-ingestion/configure/([0-9a-f-]+)/status$') {
        $statusReads[$Matches[1]] = 1 + [int]$statusReads[$Matches[1]]
    }
}
$submissionJobs = @($jobs | Where-Object { $_.kind -ne 'draft' -and $_.jobStatus -eq 'completed' -and $_.end })
$pollsOverBound = @($submissionJobs | Where-Object {
        $seconds = ([datetimeoffset]$_.end - [datetimeoffset]$_.created).TotalSeconds
        [int]$statusReads[$_.jobId] -gt [math]::Ceiling($seconds / $PollingInterval.TotalSeconds) + 1
    })
$offersWithErrors = @($errorRecords | ForEach-Object { $_.OfferId } | Where-Object { $_ } | Sort-Object -Unique)
$offersWithOperations = @($operations | ForEach-Object { $_.offerId } | Sort-Object -Unique)
$lostOffers = @($ids | Where-Object { $_ -notin $offersWithOperations -and $_ -notin $offersWithErrors })
$liveOnService = @($operations | Where-Object { $_.submissionType -eq 'golive' -and $_.status -in 'succeeded', 'complete', 'completed' })
# The operations an error explains: an offer that failed before its publish never reached either of its two, one that
# failed at go-live the second only.
$completedByOffer = @{}
foreach ($item in @($published | Where-Object State -EQ 'WaitingForPublisherReview') + @($live | Where-Object State -EQ 'Succeeded')) { $completedByOffer[$item.OfferId] = 1 + [int]$completedByOffer[$item.OfferId] }
$operationsExplained = 0
foreach ($offerId in $offersWithErrors) { $operationsExplained += [math]::Max(0, 2 - [int]$completedByOffer[$offerId]) }
$sampledSeconds = if ($samples) { ($samples | Measure-Object Seconds -Maximum).Maximum } else { 0 }
# The traps for duplicates: writes (POST, PUT) the service acted on but answered with an error (the after-phase 5xx
# answers 503), and writes whose connection was dropped (half of them after the service acted).
$writes = @($requests | Where-Object { $_.method -in 'POST', 'PUT' })
$faultCounts = [ordered]@{}
foreach ($group in $requests | Where-Object { $_.fault } | Group-Object fault | Sort-Object Name) { $faultCounts[$group.Name] = $group.Count }

$result = [pscustomobject]@{
    Command = "pwsh -NoProfile -File tests/Soak/Invoke-Soak.ps1" + $(if ($Short) { ' -Short' } else { '' }) + " -Offers $Offers -Lanes $Lanes -TimeScale $TimeScale -PollingInterval $PollingInterval -TokenLifetimeSeconds $TokenLifetimeSeconds -Seed $Seed"
    Offers = $Offers
    Lanes = $Lanes
    WallSeconds = [math]::Round($wall.TotalSeconds, 1)
    OperationsStarted = $operations.Count
    ProductIngestionJobs = $submissionJobs.Count
    ProductIngestionOperations = @($operations | Where-Object { $_.offerId -in @($jobs.offerId) }).Count
    PollsPerJobMax = if ($submissionJobs) { ($submissionJobs | ForEach-Object { [int]$statusReads[$_.jobId] } | Measure-Object -Maximum).Maximum } else { 0 }
    PollsOverBound = $pollsOverBound.Count
    PollsOverBoundDetail = @($pollsOverBound | ForEach-Object { "$($_.offerId) $($_.kind) job $($_.jobId): $([int]$statusReads[$_.jobId]) polls in $([math]::Round(([datetimeoffset]$_.end - [datetimeoffset]$_.created).TotalSeconds, 1)) s" })
    OperationsCompleted = @($published | Where-Object State -EQ 'WaitingForPublisherReview').Count + @($live | Where-Object State -EQ 'Succeeded').Count
    OperationsExpected = 2 * $Offers
    OperationsExplainedByErrors = $operationsExplained
    OffersLive = $liveOnService.Count
    Failed = $errorRecords.Count
    FailedIds = @($errorRecords | Group-Object Id | ForEach-Object { "$($_.Count) x $($_.Name)" })
    FailedMessages = @($errorRecords | Select-Object -First 10 | ForEach-Object { "$($_.OfferId): $($_.Message)" })
    Duplicated = $duplicates
    Lost = $lostOperations.Count + $lostOffers.Count
    LostDetail = @($lostOperations | ForEach-Object {
            $offerId = $_.offerId
            $said = @($errorRecords | Where-Object OfferId -EQ $offerId | ForEach-Object { "$($_.Id): $($_.Message)" }) -join ' | '
            "$offerId $($_.submissionType) $($_.id)" + $(if ($said) { " (errors: $said)" } else { ' (no error for this offer)' })
        }) + @($lostOffers | ForEach-Object { "$_ (no operation, no error)" })
    Warnings = $warnings.Count
    WarningMessages = @($warnings | Select-Object -First 10)
    RequestsSent = $statistics.Requests
    Retries = $statistics.Retries
    RequestsSeenByEmulator = $requests.Count
    FaultsInjected = $faultCounts
    WritesActedOnButAnsweredWithError = @($writes | Where-Object status -EQ 503).Count
    WritesDropped = @($writes | Where-Object fault -EQ 'drop').Count
    Unauthorized401 = @($requests | Where-Object status -EQ 401).Count
    TokenAcquisitions = $statistics.TokenAcquisitions
    DistinctTokensSeen = @($requests | ForEach-Object { $_.headers.Authorization } | Sort-Object -Unique).Count
    MemoryColdMB = [math]::Round($memoryCold.WorkingSet / 1MB, 1)
    MemoryBeforeMB = [math]::Round($memoryBefore.WorkingSet / 1MB, 1)
    MemoryAfterMB = [math]::Round($memoryAfter.WorkingSet / 1MB, 1)
    MemoryGrowthMB = [math]::Round(($memoryAfter.WorkingSet - $memoryBefore.WorkingSet) / 1MB, 1)
    MemoryGrowthFromColdMB = [math]::Round(($memoryAfter.WorkingSet - $memoryCold.WorkingSet) / 1MB, 1)
    ManagedColdMB = [math]::Round($memoryCold.Managed / 1MB, 1)
    ManagedBeforeMB = [math]::Round($memoryBefore.Managed / 1MB, 1)
    ManagedAfterMB = [math]::Round($memoryAfter.Managed / 1MB, 1)
    PrivateColdMB = [math]::Round($memoryCold.Private / 1MB, 1)
    PrivateBeforeMB = [math]::Round($memoryBefore.Private / 1MB, 1)
    PrivateAfterMB = [math]::Round($memoryAfter.Private / 1MB, 1)
    # The highest working set in the first and in the second half of the run: a leak keeps climbing, a plateau does not.
    MemoryPeakFirstHalfMB = ($samples | Where-Object Seconds -LE ($sampledSeconds / 2) | Measure-Object WorkingSetMB -Maximum).Maximum
    MemoryPeakSecondHalfMB = ($samples | Where-Object Seconds -GT ($sampledSeconds / 2) | Measure-Object WorkingSetMB -Maximum).Maximum
    MemorySamples = @($samples | ForEach-Object { "$($_.Seconds)s=$($_.WorkingSetMB)" }) -join ' '
    PowerShell = $PSVersionTable.PSVersion.ToString()
    Processors = [Environment]::ProcessorCount
}

if ($ResultPath) { $result | ConvertTo-Json -Depth 4 | Set-Content -Path $ResultPath -Encoding utf8NoBOM }
$result
