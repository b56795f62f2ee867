#requires -Modules Pester
# What the cmdlets write when, now that the engine skips building messages nobody will see; JSON to objects; -Slot.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-TestModule
    Import-TestAids
    $script:emulator = Start-TestEmulator
    Connect-CpAccount -AccessToken 'streams-token-5d2f0c7e' -Endpoint $script:emulator.Url -PublisherId contoso | Out-Null

    function Get-Record([scriptblock] $Command, [type] $Type) {
        @(& $Command *>&1 | Where-Object { $_ -is $Type })
    }
}

AfterAll {
    Disconnect-CpAccount
    Stop-TestEmulator $script:emulator
}

Describe 'Verbose and debug lines' {
    It 'writes no verbose line without -Verbose when $VerbosePreference is silent' {
        $VerbosePreference = 'SilentlyContinue'
        Get-Record { Invoke-CpRestMethod -Path /api/publishers } ([System.Management.Automation.VerboseRecord]) | Should -BeNullOrEmpty
    }

    It 'writes the verbose line when $VerbosePreference is Continue, without -Verbose' {
        $VerbosePreference = 'Continue'
        $records = Get-Record { Invoke-CpRestMethod -Path /api/publishers } ([System.Management.Automation.VerboseRecord])
        $VerbosePreference = 'SilentlyContinue'
        $records.Count | Should -Be 1
        $records[0].Message | Should -Match '^GET .*/api/publishers\?api-version=2017-10-31 → 200'
    }

    It 'honours -Verbose:$false over $VerbosePreference' {
        $VerbosePreference = 'Continue'
        $records = Get-Record { Invoke-CpRestMethod -Path /api/publishers -Verbose:$false } ([System.Management.Automation.VerboseRecord])
        $VerbosePreference = 'SilentlyContinue'
        $records | Should -BeNullOrEmpty
    }

    It 'writes the response body as a debug line only when debug output is on' {
        $DebugPreference = 'SilentlyContinue'
        Get-Record { Invoke-CpRestMethod -Path /api/publishers } ([System.Management.Automation.DebugRecord]) | Should -BeNullOrEmpty
        $DebugPreference = 'Continue'
        $records = Get-Record { Invoke-CpRestMethod -Path /api/publishers } ([System.Management.Automation.DebugRecord])
        $silenced = Get-Record { Invoke-CpRestMethod -Path /api/publishers -Debug:$false } ([System.Management.Automation.DebugRecord])
        $DebugPreference = 'SilentlyContinue'
        ($records.Message -join "`n") | Should -Match 'response body: \[\{"id":"contoso"'
        $silenced | Should -BeNullOrEmpty
    }

    It 'sees a preference set by a calling function' {
        function Invoke-Quietly { [CmdletBinding()] param() Invoke-CpRestMethod -Path /api/publishers }
        $records = Get-Record { Invoke-Quietly -Verbose } ([System.Management.Automation.VerboseRecord])
        $records.Count | Should -Be 1
    }
}

Describe 'JSON to objects' {
    It 'keeps key order, Int64 and date strings' {
        $offer = Invoke-CpRestMethod -Path /api/publishers/contoso/offers/contoso-large
        $raw = Invoke-CpRestMethod -Path /api/publishers/contoso/offers/contoso-large -Raw
        $offer.PSObject.Properties.Name | Should -Be ([System.Text.Json.JsonDocument]::Parse($raw).RootElement.EnumerateObject().Name)
        $offer.changedTime | Should -BeOfType [string]
        $offer.version | Should -BeOfType [long]
    }

    It 'refuses a key given twice in one object, naming where' {
        $document = [System.Text.Json.JsonDocument]::Parse('{"a":[{"b":1,"b":2}]}')
        try {
            { [CloudPartner.TestAids.CpTestAid]::ToPSObject($document.RootElement, 'The response') } |
                Should -Throw -ExpectedMessage '*Duplicate key in the object at $.a`[0`]*Key: b*'
        }
        finally { $document.Dispose() }
    }
}

Describe 'Get-CpOffer -Slot' {
    It 'reads the production slot' {
        (Get-CpOffer -OfferId contoso-vm -Slot Production).Version | Should -Be 5
    }

    It 'takes the slot as a CpOfferSlot' {
        (Get-Command Get-CpOffer).Parameters['Slot'].ParameterType | Should -Be ([Nullable[CloudPartner.CpOfferSlot]])
    }
}
