using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace CloudPartner.Module.Tests
{
    /// <summary>Keeps the manifest, the help pages and the package true to the compiled cmdlets.</summary>
    public class ModuleContractTests
    {
        private static readonly string[] ApprovedVerbs =
        {
            "Add", "Approve", "Assert", "Backup", "Block", "Build", "Checkpoint", "Clear", "Close", "Compare", "Complete", "Compress", "Confirm", "Connect",
            "Convert", "ConvertFrom", "ConvertTo", "Copy", "Debug", "Deny", "Deploy", "Disable", "Disconnect", "Dismount", "Edit", "Enable", "Enter", "Exit",
            "Expand", "Export", "Find", "Format", "Get", "Grant", "Group", "Hide", "Import", "Initialize", "Install", "Invoke", "Join", "Limit", "Lock",
            "Measure", "Merge", "Mount", "Move", "New", "Open", "Optimize", "Out", "Ping", "Pop", "Protect", "Publish", "Push", "Read", "Receive", "Redo",
            "Register", "Remove", "Rename", "Repair", "Request", "Reset", "Resize", "Resolve", "Restart", "Restore", "Resume", "Revoke", "Save", "Search",
            "Select", "Send", "Set", "Show", "Skip", "Split", "Start", "Step", "Stop", "Submit", "Suspend", "Switch", "Sync", "Test", "Trace", "Unblock",
            "Undo", "Uninstall", "Unlock", "Unprotect", "Unpublish", "Unregister", "Update", "Use", "Wait", "Watch", "Write",
        };

        public static TheoryData<string> CmdletNames()
        {
            var data = new TheoryData<string>();
            foreach (var cmdlet in ModuleMetadata.Cmdlets)
            {
                data.Add(cmdlet.Name);
            }

            return data;
        }

        private static CmdletInfo Cmdlet(string name) => ModuleMetadata.Cmdlets.Single(c => c.Name == name);

        [Fact]
        public void The_assembly_has_the_contract_cmdlets()
        {
            var expected = new[]
            {
                "Connect-CpAccount", "Disconnect-CpAccount", "Get-CpSession", "Get-CpAccessToken", "Get-CpPublisher", "Get-CpOffer", "Get-CpOfferStatus",
                "New-CpOffer", "Set-CpOffer", "Publish-CpOffer", "Invoke-CpGoLive", "Stop-CpOperation", "Get-CpOperation", "Wait-CpOperation", "Invoke-CpRestMethod",
                "Compare-CpOffer", "Export-CpOffer",
            };
            Assert.Empty(expected.Except(ModuleMetadata.Cmdlets.Select(c => c.Name)));
        }

        [Fact]
        public void The_shipped_assemblies_expose_only_the_documented_types()
        {
            // Design §1: the cmdlets, their abstract base classes, the types the contract names and the enums they use.
            var documented = new[]
            {
                "CloudPartner.CpSession", "CloudPartner.CpOffer", "CloudPartner.CpOfferStatus", "CloudPartner.CpOperation", "CloudPartner.CpStep",
                "CloudPartner.CpMessage", "CloudPartner.CpPublisher", "CloudPartner.CpAccessToken",
                "CloudPartner.CpOperationState", "CloudPartner.CpAuthFlow", "CloudPartner.CpOfferSlot",
                "CloudPartner.CpOfferChange", "CloudPartner.CpOfferChangeSummary", "CloudPartner.CpChangeKind", "CloudPartner.CpApi",

                // The exception behind every error record, inspected in catch blocks (about_CloudPartner, ERRORS).
                "CloudPartner.Engine.Errors.CpException", "CloudPartner.Engine.Errors.CpErrorKind",
            };
            var types = ModuleMetadata.PublicTypes();
            Assert.Contains(types, t => t.IsCmdlet);
            var undocumented = types
                .Where(t => !t.IsCmdlet && !t.IsCmdletBase && !documented.Contains(t.Name))
                .Select(t => $"{t.Assembly}: {t.Name}")
                .ToList();
            Assert.True(undocumented.Count == 0, "Public but not in the contract: " + string.Join(", ", undocumented));
            Assert.All(types.Where(t => t.Assembly == "CloudPartner.Authentication.dll"), t => Assert.Fail($"{t.Assembly} should expose nothing, but has {t.Name}"));
        }

        [Fact]
        public void CmdletsToExport_equals_the_cmdlets_in_the_assembly()
        {
            var manifest = ModuleMetadata.ManifestCmdlets().OrderBy(n => n, StringComparer.Ordinal).ToList();
            var assembly = ModuleMetadata.Cmdlets.Select(c => c.Name).ToList();
            Assert.Equal(assembly, manifest);
            Assert.DoesNotContain(manifest, n => n.Contains('*'));
        }

        [Theory]
        [MemberData(nameof(CmdletNames))]
        public void Every_cmdlet_uses_an_approved_verb_the_Cp_prefix_and_declares_its_output(string name)
        {
            var cmdlet = Cmdlet(name);
            Assert.Contains(cmdlet.Verb, ApprovedVerbs);
            Assert.StartsWith(cmdlet.Verb + "-Cp", name, StringComparison.Ordinal);
            Assert.True(cmdlet.HasOutputType, $"{name} has no [OutputType]");
            if (name != "Connect-CpAccount")
            {
                // Connect-CpAccount makes sessions; every other cmdlet can be pointed at one.
                Assert.Contains("Session", cmdlet.Parameters);
            }
            Assert.Equal(cmdlet.Verb + cmdlet.Name.Substring(cmdlet.Verb.Length + 1) + "Command", cmdlet.TypeName.Split('.').Last());
        }

        [Theory]
        [MemberData(nameof(CmdletNames))]
        public void Every_cmdlet_has_a_help_page_with_synopsis_description_and_two_examples(string name)
        {
            var page = HelpPage.For(name);
            Assert.True(page != null, $"docs/{name}.md is missing");
            Assert.Matches(@"(?m)^# " + Regex.Escape(name) + @"\s*$", page!.Text);
            Assert.False(string.IsNullOrWhiteSpace(page.Section("SYNOPSIS")), $"{name}: empty SYNOPSIS");
            Assert.DoesNotContain("{{", page.Section("SYNOPSIS"));
            Assert.False(string.IsNullOrWhiteSpace(page.Section("DESCRIPTION")), $"{name}: empty DESCRIPTION");
            Assert.DoesNotContain("{{", page.Section("DESCRIPTION"));
            Assert.True(page.Examples().Count >= 2, $"{name}: fewer than two examples");
            Assert.False(string.IsNullOrWhiteSpace(page.Section("OUTPUTS")), $"{name}: empty OUTPUTS");
            Assert.False(string.IsNullOrWhiteSpace(page.Section("RELATED LINKS")), $"{name}: empty RELATED LINKS");
        }

        [Theory]
        [MemberData(nameof(CmdletNames))]
        public void Every_parameter_has_a_described_entry_on_its_page(string name)
        {
            var page = HelpPage.For(name);
            Assert.True(page != null, $"docs/{name}.md is missing");
            foreach (var parameter in Cmdlet(name).Parameters)
            {
                var description = page!.ParameterDescription(parameter);
                Assert.True(description != null, $"{name}: no '### -{parameter}' entry with a yaml block");
                Assert.False(string.IsNullOrWhiteSpace(description), $"{name}: -{parameter} has no description");
                Assert.DoesNotContain("{{", description);
            }

            if (Cmdlet(name).SupportsShouldProcess)
            {
                Assert.NotNull(page!.ParameterDescription("WhatIf"));
                Assert.NotNull(page.ParameterDescription("Confirm"));
            }

            Assert.Contains("### CommonParameters", page!.Section("PARAMETERS"));
        }

        [Fact]
        public void The_about_topic_covers_the_concepts()
        {
            var path = Path.Combine(ModuleMetadata.RepositoryRoot, "docs", "about_CloudPartner.md");
            Assert.True(File.Exists(path), "docs/about_CloudPartner.md is missing");
            var text = File.ReadAllText(path);
            foreach (var concept in new[] { "session", "Wait-CpOperation", "migrated", "CpPreconditionFailed", "Retry-After", "-Verbose", "never", "CI" })
            {
                Assert.Contains(concept, text, StringComparison.OrdinalIgnoreCase);
            }
        }

        [Fact]
        public void The_package_tags_list_every_exported_command_and_the_manifest_tags()
        {
            var nuspec = File.ReadAllText(Path.Combine(ModuleMetadata.RepositoryRoot, "packaging", "CloudPartner.nuspec"));
            var tags = Regex.Match(nuspec, "<tags>(?<tags>[^<]*)</tags>").Groups["tags"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var manifest = File.ReadAllText(Path.Combine(ModuleMetadata.RepositoryRoot, "CloudPartner.psd1"));
            var manifestTags = Regex.Matches(Regex.Match(manifest, @"Tags\s*=\s*@\((?<list>[^)]*)\)").Groups["list"].Value, "'([^']+)'").Select(m => m.Groups[1].Value);

            Assert.Contains("PSModule", tags);
            foreach (var cmdlet in ModuleMetadata.ManifestCmdlets())
            {
                Assert.Contains("PSCmdlet_" + cmdlet, tags);
                Assert.Contains("PSCommand_" + cmdlet, tags);
            }

            Assert.Empty(tags.Where(t => t.StartsWith("PSCmdlet_", StringComparison.Ordinal)).Select(t => t.Substring(9)).Except(ModuleMetadata.ManifestCmdlets()));
            Assert.Empty(manifestTags.Except(tags));
            foreach (var tag in new[] { "Azure", "Marketplace", "CloudPartnerPortal", "PSEdition_Core", "PSEdition_Desktop", "Windows", "Linux", "MacOS" })
            {
                Assert.Contains(tag, tags);
            }
        }

        [Fact]
        public void The_manifest_has_the_gallery_metadata()
        {
            var manifest = File.ReadAllText(Path.Combine(ModuleMetadata.RepositoryRoot, "CloudPartner.psd1"));
            foreach (var key in new[] { "RootModule", "ModuleVersion", "GUID", "Author", "CompanyName", "Copyright", "Description", "CompatiblePSEditions", "PowerShellVersion", "FormatsToProcess", "HelpInfoURI", "ProjectUri", "LicenseUri", "ReleaseNotes" })
            {
                Assert.Matches(@"(?m)^\s*" + key + @"\s*=", manifest);
            }

            Assert.DoesNotMatch(@"(?m)^\s*(RequiredAssemblies|NestedModules)\s*=", manifest);
            Assert.DoesNotMatch(@"(?m)^\s*(FunctionsToExport|AliasesToExport|VariablesToExport)\s*=\s*'\*'", manifest);
            Assert.Contains("'Desktop', 'Core'", manifest);
        }
    }
}
