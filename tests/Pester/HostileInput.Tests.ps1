#requires -Modules Pester
# Hostile input to every cmdlet: each is refused with a clear error naming the parameter, before any request
# (checked in the emulator's request log).

BeforeDiscovery {
    # Ids with a path, a query, a fragment, percent-encoding, unicode look-alikes, bidi and zero-width characters,
    # control characters and line breaks (also trailing ones, which a '$'-anchored pattern used to let through).
    # (Each concatenation is parenthesized: in an array, ',' binds tighter than '+'.)
    $script:badIds = @(
        '../contoso-vm', 'contoso/vm', 'vm?x=1', 'vm#frag', 'vm%2F..', 'vm%', "caf$([char]0xE9)", "$([char]0xFF58)vm",
        "vm$([char]0x202E)gpj", "vm$([char]0x200B)", "vm`n", "contoso-vm`r`n", "vm`tx", "vm$([char]0)x", ' vm', 'vm;x', 'vm&x=1',
        ('a' * 200)
    ) | ForEach-Object { @{ Id = $_; Shown = ($_ -replace '[^\x21-\x7e]', { '\u{0:x4}' -f [int][char]$_.Value }) } }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-TestModule
    $script:emulator = Start-TestEmulator
    Connect-CpAccount -AccessToken 'hostile-input-token-4b1f9c' -Endpoint $script:emulator.Url -PublisherId contoso | Out-Null
    $script:work = Join-Path ([System.IO.Path]::GetTempPath()) "cp-hostile-$PID"
    New-Item -ItemType Directory -Path $script:work -Force | Out-Null

    # Runs the command, expects it to fail with the error id before any request, and returns the error.
    function Assert-RefusedBeforeAnyRequest {
        param([scriptblock] $Command, [string] $ErrorId = 'CpInvalidArgument', [string] $Names)
        Clear-EmulatorRequest $script:emulator
        $caught = $null
        try { & $Command -ErrorAction Stop | Out-Null } catch { $caught = $_ }
        $caught | Should -Not -BeNullOrEmpty -Because 'the command must fail'
        $caught.FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
        $caught.Exception | Should -BeOfType ([CloudPartner.Engine.Errors.CpException])
        if ($Names) { $caught.Exception.Message | Should -BeLike "*$Names*" }
        $caught.ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
        @(Get-EmulatorRequest $script:emulator).Count | Should -Be 0 -Because 'nothing may be sent'
        $caught
    }
}

AfterAll {
    Disconnect-CpAccount
    Stop-TestEmulator $script:emulator
    Remove-Item $script:work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Hostile ids' {
    It 'Get-CpOffer -OfferId <Shown>' -TestCases $script:badIds {
        param($Id)
        if ($Id -match '[*?\[\]]') { Set-ItResult -Skipped -Because 'wildcard characters list and filter by design'; return }
        Assert-RefusedBeforeAnyRequest { Get-CpOffer -OfferId $Id } -Names '-OfferId'
    }

    It 'Get-CpOfferStatus, Publish-CpOffer, Invoke-CpGoLive, Stop-CpOperation, Get-CpOperation -OfferId <Shown>' -TestCases $script:badIds {
        param($Id)
        Assert-RefusedBeforeAnyRequest { Get-CpOfferStatus -OfferId $Id } -Names '-OfferId'
        Assert-RefusedBeforeAnyRequest { Publish-CpOffer -OfferId $Id -Confirm:$false } -Names '-OfferId'
        Assert-RefusedBeforeAnyRequest { Invoke-CpGoLive -OfferId $Id -Force } -Names '-OfferId'
        Assert-RefusedBeforeAnyRequest { Stop-CpOperation -OfferId $Id -Force } -Names '-OfferId'
        Assert-RefusedBeforeAnyRequest { Get-CpOperation -OfferId $Id } -Names '-OfferId'
    }

    It 'New-CpOffer and Set-CpOffer -OfferId <Shown>' -TestCases $script:badIds {
        param($Id)
        $definition = @{ offerTypeId = 'microsoft-azure-virtualmachines'; definition = @{ displayText = 'x' } }
        Assert-RefusedBeforeAnyRequest { New-CpOffer -OfferId $Id -Definition $definition -Confirm:$false } -Names '-OfferId'
        Assert-RefusedBeforeAnyRequest { Set-CpOffer -OfferId $Id -Definition $definition -Confirm:$false } -Names '-OfferId'
    }

    It '-PublisherId <Shown> on every cmdlet that takes one' -TestCases $script:badIds {
        param($Id)
        Assert-RefusedBeforeAnyRequest { Get-CpOffer -PublisherId $Id } -Names '-PublisherId'
        Assert-RefusedBeforeAnyRequest { Get-CpOffer -PublisherId $Id -OfferId contoso-vm } -Names '-PublisherId'
        Assert-RefusedBeforeAnyRequest { Get-CpOfferStatus -PublisherId $Id -OfferId contoso-vm } -Names '-PublisherId'
        Assert-RefusedBeforeAnyRequest { Publish-CpOffer -PublisherId $Id -OfferId contoso-vm -Confirm:$false } -Names '-PublisherId'
        Assert-RefusedBeforeAnyRequest { Get-CpOperation -PublisherId $Id -OfferId contoso-vm } -Names '-PublisherId'
    }

    It 'Get-CpOperation -OperationId <Shown>' -TestCases $script:badIds {
        param($Id)
        Assert-RefusedBeforeAnyRequest { Get-CpOperation -OfferId contoso-vm -OperationId $Id } -Names '-OperationId'
    }

    It 'Get-CpOffer -OfferTypeId and Get-CpOperation -Status with hostile values' {
        Assert-RefusedBeforeAnyRequest { Get-CpOffer -OfferTypeId "vm' or 1 eq 1 or 'x" } -Names '-OfferTypeId'
        Assert-RefusedBeforeAnyRequest { Get-CpOperation -OfferId contoso-vm -Status "running`r`n" } -Names '-Status'
        Assert-RefusedBeforeAnyRequest { Get-CpOperation -OfferId contoso-vm -Status 'running&x=1' } -Names '-Status'
    }

    It 'refuses a legacy operation id and a GUID with a trailing line break' {
        Assert-RefusedBeforeAnyRequest { Get-CpOperation -OfferId contoso-vm -OperationId "contoso`$contoso-vm`$6`$preview`n" } -Names '-OperationId'
        Assert-RefusedBeforeAnyRequest { Get-CpOperation -OfferId contoso-vm -OperationId "56615b67-2185-49fe-80d2-c4ddf77bb2e8`n" } -Names '-OperationId'
    }
}

Describe 'Hostile locations' {
    It 'Get-CpOperation and Wait-CpOperation -Location <Value>' -TestCases @(
        @{ Value = 'https://attacker.example.com/api/publishers/contoso/offers/contoso-vm/operations/56615b67-2185-49fe-80d2-c4ddf77bb2e8' }
        @{ Value = '//attacker.example.com/api/operations/contoso$contoso-vm$6$preview' }
        @{ Value = '/api/publishers/contoso/offers/contoso-vm/operations/../../../../_emulator/reset' }
        @{ Value = 'javascript:alert(1)//api/operations/contoso$contoso-vm$6$preview' }
        @{ Value = "/api/operations/contoso`$contoso-vm`$6`$preview`r`nX-Injected: 1" }
        @{ Value = '/api/operations/contoso$contoso-vm$6$preview%0aX' }
        @{ Value = 'file:///etc/passwd' }
    ) {
        param($Value)
        Assert-RefusedBeforeAnyRequest { Get-CpOperation -Location $Value } -ErrorId 'CpUntrustedLocation' -Names '-Location'
        Assert-RefusedBeforeAnyRequest { Wait-CpOperation -Location $Value -Timeout 00:00:05 } -ErrorId 'CpUntrustedLocation' -Names '-Location'
    }
}

Describe 'Hostile notification emails' {
    It 'Publish-CpOffer -NotificationEmail <Shown>' -TestCases @(
        @{ Email = "a@example.com`n"; Shown = 'trailing LF' }
        @{ Email = "a@example.com`r`nBcc: victim@example.com"; Shown = 'CRLF header' }
        @{ Email = "`na@example.com"; Shown = 'leading LF' }
        @{ Email = "a@example.com$([char]0)"; Shown = 'NUL' }
        @{ Email = 'a@example.com,b@example.com'; Shown = 'two in one' }
        @{ Email = 'not-an-address'; Shown = 'no at sign' }
    ) {
        param($Email)
        Assert-RefusedBeforeAnyRequest { Publish-CpOffer -OfferId contoso-app -NotificationEmail 'ok@example.com', $Email -Confirm:$false } -Names '-NotificationEmail'
    }
}

Describe 'Hostile -Path' {
    It 'refuses a directory, a missing file, a non-JSON file, JSON that is not an object, an empty file' {
        $notJson = Join-Path $script:work 'offer.txt'; Set-Content $notJson 'this is not json' -NoNewline
        $array = Join-Path $script:work 'array.json'; Set-Content $array '[1,2,3]' -NoNewline
        $empty = Join-Path $script:work 'empty.json'; Set-Content $empty '' -NoNewline
        $surrogate = Join-Path $script:work 'surrogate.json'; Set-Content $surrogate '{"offerTypeId":"x","definition":{"displayText":"\ud800"}}' -NoNewline
        foreach ($cmd in 'New-CpOffer', 'Set-CpOffer') {
            Assert-RefusedBeforeAnyRequest { & $cmd -OfferId contoso-x -Path $script:work -Confirm:$false } -Names 'is a directory'
            Assert-RefusedBeforeAnyRequest { & $cmd -OfferId contoso-x -Path (Join-Path $script:work 'missing.json') -Confirm:$false } -Names 'does not exist'
            Assert-RefusedBeforeAnyRequest { & $cmd -OfferId contoso-x -Path $notJson -Confirm:$false } -Names '-Path*not valid JSON'
            Assert-RefusedBeforeAnyRequest { & $cmd -OfferId contoso-x -Path $array -Confirm:$false } -Names '-Path*not an object'
            Assert-RefusedBeforeAnyRequest { & $cmd -OfferId contoso-x -Path $empty -Confirm:$false } -Names '-Path*empty'
            Assert-RefusedBeforeAnyRequest { & $cmd -OfferId contoso-x -Path $surrogate -Confirm:$false } -Names '-Path*UTF-16'
        }
    }

    It 'refuses a 100 MB file without reading it' {
        $big = Join-Path $script:work 'big.json'
        $stream = [System.IO.File]::Create($big)
        try { $stream.SetLength(100MB) } finally { $stream.Dispose() }
        $before = [System.GC]::GetTotalMemory($true)
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        Assert-RefusedBeforeAnyRequest { New-CpOffer -OfferId contoso-big -Path $big -Confirm:$false } -Names '-Path*100 MB'
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 5
        ([System.GC]::GetTotalMemory($true) - $before) | Should -BeLessThan 20MB
        Remove-Item $big
    }

    It 'refuses a device that never ends and a path on another provider' -Skip:(-not (Test-Path /dev/zero)) {
        Assert-RefusedBeforeAnyRequest { New-CpOffer -OfferId contoso-x -Path /dev/zero -Confirm:$false } -Names '-Path*more than 32 MB'
        Assert-RefusedBeforeAnyRequest { New-CpOffer -OfferId contoso-x -Path 'Env:PATH' -Confirm:$false } -Names '-Path*not a file system path'
    }
}

Describe 'Hostile -Definition' {
    It 'refuses a hashtable that contains itself' {
        $h = @{ offerTypeId = 'microsoft-azure-virtualmachines'; definition = @{ displayText = 'x' } }
        $h.definition.loop = $h
        Assert-RefusedBeforeAnyRequest { New-CpOffer -OfferId contoso-x -Definition $h -Confirm:$false } -Names '-Definition contains a cycle'
    }

    It 'refuses a PSCustomObject that contains itself' {
        $o = [pscustomobject]@{ offerTypeId = 'microsoft-azure-virtualmachines'; definition = [pscustomobject]@{ displayText = 'x' } }
        $o.definition | Add-Member -NotePropertyName loop -NotePropertyValue $o
        Assert-RefusedBeforeAnyRequest { New-CpOffer -OfferId contoso-x -Definition $o -Confirm:$false } -Names '-Definition contains a cycle'
        Assert-RefusedBeforeAnyRequest { Set-CpOffer -OfferId contoso-x -Definition $o -Confirm:$false } -Names '-Definition contains a cycle'
    }

    It 'refuses a cycle through an array and a mix of hashtables and objects' {
        $list = [System.Collections.ArrayList]::new()
        $o = [pscustomobject]@{ offerTypeId = 'microsoft-azure-virtualmachines'; definition = @{ plans = $list } }
        $null = $list.Add(@{ back = $o })
        Assert-RefusedBeforeAnyRequest { New-CpOffer -OfferId contoso-x -Definition $o -Confirm:$false } -Names '-Definition contains a cycle'
    }

    It 'accepts the same object twice side by side (a shared value is not a cycle)' {
        Clear-EmulatorRequest $script:emulator
        $shared = @{ k = 'v' }
        $definition = @{ offerTypeId = 'microsoft-azure-virtualmachines'; definition = @{ displayText = 'shared'; a = $shared; b = $shared } }
        $offer = New-CpOffer -OfferId contoso-shared -Definition $definition -Confirm:$false
        $offer.Definition.a.k | Should -Be 'v'
        $offer.Definition.b.k | Should -Be 'v'
    }

    It 'refuses nesting deeper than the limit with a short message' {
        $root = @{ offerTypeId = 'x' }; $current = $root
        for ($i = 0; $i -lt 1100; $i++) { $next = @{}; $current.x = $next; $current = $next }
        $caught = Assert-RefusedBeforeAnyRequest { New-CpOffer -OfferId contoso-x -Definition $root -Confirm:$false } -Names '-Definition is nested more than 1000 levels'
        $caught.Exception.Message.Length | Should -BeLessThan 300
    }

    It 'refuses JSON text with a lone surrogate, values JSON cannot hold, and objects without a JSON form' {
        Assert-RefusedBeforeAnyRequest { New-CpOffer -OfferId contoso-x -Definition '{"offerTypeId":"x","definition":{"t":"\ud800"}}' -Confirm:$false } -Names '-Definition*UTF-16'
        Assert-RefusedBeforeAnyRequest { New-CpOffer -OfferId contoso-x -Definition @{ offerTypeId = 'x'; n = [double]::NaN } -Confirm:$false } -Names '-Definition holds NaN'
        Assert-RefusedBeforeAnyRequest { New-CpOffer -OfferId contoso-x -Definition @{ offerTypeId = 'x'; p = (Get-Process -Id $PID) } -Confirm:$false } -Names '-Definition holds a System.Diagnostics.Process'
    }
}

Describe 'Hostile Invoke-CpRestMethod input' {
    It 'refuses header injection, a non-ASCII header and the session''s own headers' {
        Assert-RefusedBeforeAnyRequest { Invoke-CpRestMethod -Path /api/publishers -Headers @{ 'X-Test' = "a`r`nX-Injected: 1" } } -Names '-Headers*control characters'
        Assert-RefusedBeforeAnyRequest { Invoke-CpRestMethod -Path /api/publishers -Headers @{ "X-Test`r`nX-Injected" = '1' } } -Names '-Headers*not a valid HTTP header name'
        Assert-RefusedBeforeAnyRequest { Invoke-CpRestMethod -Path /api/publishers -Headers @{ 'X-Test' = "caf$([char]0xE9)" } } -Names '-Headers*printable ASCII'
        Assert-RefusedBeforeAnyRequest { Invoke-CpRestMethod -Path /api/publishers -Headers @{ Authorization = 'Bearer other' } } -Names '-Headers cannot set*Authorization'
        Assert-RefusedBeforeAnyRequest { Invoke-CpRestMethod -Path /api/publishers -Headers @{ Host = 'attacker.example.com' } } -Names '-Headers cannot set*Host'
    }

    It 'refuses paths with control characters, schemes or another host' {
        Assert-RefusedBeforeAnyRequest { Invoke-CpRestMethod -Path "/api/publishers`n" } -Names '-Path*control characters'
        Assert-RefusedBeforeAnyRequest { Invoke-CpRestMethod -Path "/api/publishers$([char]0)x" } -Names '-Path*control characters'
        Assert-RefusedBeforeAnyRequest { Invoke-CpRestMethod -Path 'javascript:alert(1)' } -Names '-Path*not a path on the endpoint'
        Assert-RefusedBeforeAnyRequest { Invoke-CpRestMethod -Path '//attacker.example.com/api/publishers' } -Names '-Path*not a path on the endpoint'
        Assert-RefusedBeforeAnyRequest { Invoke-CpRestMethod -Path 'https://attacker.example.com/api/publishers' } -ErrorId 'CpUntrustedLocation' -Names 'attacker.example.com'
    }

    It 'refuses a -Body that is not JSON or holds a cycle' {
        $h = @{}; $h.self = $h
        Assert-RefusedBeforeAnyRequest { Invoke-CpRestMethod -Method PUT -Path /api/publishers/contoso/offers/x -Body 'not json' -Confirm:$false } -Names '-Body is not valid JSON'
        Assert-RefusedBeforeAnyRequest { Invoke-CpRestMethod -Method PUT -Path /api/publishers/contoso/offers/x -Body $h -Confirm:$false } -Names '-Body contains a cycle'
    }

    It 'keeps paths that only look like another host on the endpoint' {
        Clear-EmulatorRequest $script:emulator
        Invoke-CpRestMethod -Path '/\attacker.example.com/api/publishers' -ErrorAction SilentlyContinue | Out-Null
        $requests = @(Get-EmulatorRequest $script:emulator)
        $requests.Count | Should -Be 1
        $requests[0].headers.Host | Should -Be ([uri]$script:emulator.Url).Authority
    }
}
