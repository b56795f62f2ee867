#requires -Modules Pester
# Every example in docs/*.md runs against the emulator, as a reader would type it, page by page.
# The pages use http://127.0.0.1:5080, so this suite starts the emulator there.

BeforeDiscovery {
    $errorIds = 'NotConnected|AuthenticationFailed|Unauthorized|AccessDenied|NotFound|BadRequest|Conflict|PreconditionFailed|ValidationFailed|Throttled|InvalidArgument|ServiceError|InvalidResponse|OperationFailed|OperationCanceled|OperationTimeout|UntrustedLocation'
    $script:pages = foreach ($file in Get-ChildItem (Join-Path $PSScriptRoot '../../docs') -Filter '*-Cp*.md' | Sort-Object Name) {
        $text = (Get-Content $file.FullName -Raw) -replace "`r`n", "`n"
        $examplesSection = [regex]::Match($text, '(?s)## EXAMPLES\n(.*?)\n## PARAMETERS').Groups[1].Value
        $examples = foreach ($example in [regex]::Matches($examplesSection, '(?s)### (?<title>[^\n]+)\n```powershell\n(?<body>.*?)```')) {
            $commands = [System.Collections.Generic.List[string]]::new()
            $output = [System.Text.StringBuilder]::new()
            foreach ($line in $example.Groups['body'].Value -split "`n") {
                if ($line.StartsWith('PS > ')) { $commands.Add($line.Substring(5)) }
                elseif ($line.StartsWith('>> ')) { $commands[$commands.Count - 1] += "`n" + $line.Substring(3) }
                else { [void]$output.AppendLine($line) }
            }
            $script = $commands -join "`n"
            @{
                Title        = $example.Groups['title'].Value
                Script       = $script
                # Sign-in examples for real tenants (service principals, managed identity, other clouds) cannot run here.
                NeedsAzure   = $script -match 'Connect-CpAccount' -and $script -notmatch '127\.0\.0\.1'
                ExpectsError = $output.ToString() -match "\bCp($errorIds)\b"
            }
        }
        @{ Page = $file.BaseName; Examples = @($examples) }
    }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 5080)
    try { $listener.Start(); $listener.Stop(); $script:portFree = $true } catch { $script:portFree = $false }
    if ($script:portFree) {
        $script:emulator = Start-TestEmulator -Url 'http://127.0.0.1:5080' -Arguments '--time-scale', '100000'
    }
}

AfterAll {
    if ($script:emulator) { Stop-TestEmulator $script:emulator }
    # A Connect-CpAccount example sets this testing aid for the emulator's identity provider.
    Remove-Item Env:CLOUDPARTNER_TRUSTED_AUTHORITY_CERT_THUMBPRINT -ErrorAction SilentlyContinue
}

Describe 'The examples of <Page>' -ForEach $script:pages {
    BeforeAll {
        if ($script:portFree) {
            Invoke-EmulatorAdmin $script:emulator -Path reset -Method POST | Out-Null
            $script:runspace = [powershell]::Create()
            # Examples that write files write them in a scratch folder, not in the repository.
            $scratch = New-Item -ItemType Directory -Path (Join-Path $TestDrive $Page) -Force
            $null = $script:runspace.AddCommand('Set-Location').AddArgument($scratch.FullName).AddStatement().AddCommand('Import-Module').AddArgument($env:CLOUDPARTNER_TEST_MODULE).Invoke()
            $script:runspace.Commands.Clear()
        }
    }

    AfterAll {
        if ($script:runspace) {
            $null = $script:runspace.AddScript('Disconnect-CpAccount').Invoke()
            $script:runspace.Dispose()
        }
    }

    It 'runs "<Title>"' -ForEach $Examples {
        if (-not $script:portFree) {
            Set-ItResult -Skipped -Because 'port 5080, which the examples use, is taken'
            return
        }

        if ($NeedsAzure) {
            Set-ItResult -Skipped -Because 'it signs in to a real Azure tenant'
            return
        }

        $script:runspace.Commands.Clear()
        $script:runspace.Streams.ClearStreams()
        $null = $script:runspace.AddScript($Script).AddCommand('Out-String')
        $thrown = $null
        try { $null = $script:runspace.Invoke() } catch { $thrown = $_ }
        $errors = @($script:runspace.Streams.Error) + @($thrown | Where-Object { $_ })
        if ($ExpectsError) {
            # The page shows a module error (the example may also catch it itself): any error must be one of ours.
            foreach ($record in $errors) {
                "$($record.FullyQualifiedErrorId) $($record.Exception.Message)" | Should -Match '^Cp[A-Z]\w+,' -Because "the example shows a CloudPartner error, not '$record'"
            }
        }
        else {
            ($errors | ForEach-Object { "$($_.FullyQualifiedErrorId): $_" }) -join "`n" | Should -BeNullOrEmpty
        }
    }
}
