using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace CloudPartner.Module.Tests
{
    /// <summary>
    /// The compiled help in docs/en-US must say what docs/*.md say. platyPS writes it (build.ps1 -Task Docs) but is not
    /// needed here: the check reads both sides, so an edit to a page without regenerating the help fails the suite.
    /// </summary>
    public class HelpFreshnessTests
    {
        private const string Stale = "docs/en-US is stale: run ./build.ps1 -Task Docs (needs platyPS) and commit docs/en-US.";

        private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
        private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
        private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

        private static readonly Lazy<XDocument> MamlDocument = new Lazy<XDocument>(() =>
            XDocument.Load(Path.Combine(ModuleMetadata.RepositoryRoot, "docs", "en-US", "CloudPartner.dll-Help.xml")));

        public static TheoryData<string> Pages()
        {
            var data = new TheoryData<string>();
            foreach (var file in Directory.GetFiles(Path.Combine(ModuleMetadata.RepositoryRoot, "docs"), "*-Cp*.md").OrderBy(f => f, StringComparer.Ordinal))
            {
                data.Add(Path.GetFileNameWithoutExtension(file));
            }

            return data;
        }

        [Fact]
        public void The_compiled_help_has_exactly_the_pages_in_docs()
        {
            var compiled = MamlDocument.Value.Root!.Elements(Command + "command")
                .Select(c => c.Element(Command + "details")!.Element(Command + "name")!.Value.Trim())
                .OrderBy(n => n, StringComparer.Ordinal);
            var pages = Directory.GetFiles(Path.Combine(ModuleMetadata.RepositoryRoot, "docs"), "*-Cp*.md").Select(Path.GetFileNameWithoutExtension).OrderBy(n => n, StringComparer.Ordinal);
            Assert.Equal(pages, compiled);
        }

        [Theory]
        [MemberData(nameof(Pages))]
        public void The_compiled_help_says_what_the_page_says(string cmdlet)
        {
            var page = HelpPage.For(cmdlet)!;
            var command = MamlDocument.Value.Root!.Elements(Command + "command")
                .Single(c => c.Element(Command + "details")!.Element(Command + "name")!.Value.Trim() == cmdlet);

            Assert.True(Flat(page.Section("SYNOPSIS")) == Paragraphs(command.Element(Command + "details")!.Element(Maml + "description")), $"{cmdlet} synopsis: {Stale}");
            Assert.True(Words(page.Section("DESCRIPTION")).SequenceEqual(Words(Paragraphs(command.Element(Maml + "description")))), $"{cmdlet} description: {Stale}");

            var compiledParameters = command.Element(Command + "parameters")?.Elements(Command + "parameter")
                .ToDictionary(p => p.Element(Maml + "name")!.Value.Trim(), p => Paragraphs(p.Element(Maml + "description")), StringComparer.Ordinal)
                ?? new Dictionary<string, string>();
            foreach (Match heading in Regex.Matches(page.Section("PARAMETERS"), @"^### -(?<name>\w+)", RegexOptions.Multiline))
            {
                var name = heading.Groups["name"].Value;
                Assert.True(compiledParameters.TryGetValue(name, out var compiled), $"{cmdlet} -{name} is missing: {Stale}");
                Assert.True(Flat(page.ParameterDescription(name)!) == compiled, $"{cmdlet} -{name}: {Stale}");
            }

            var pageExamples = page.Examples().Select(e => Regex.Match(e, "```\\w*\\r?\\n(?<code>.*?)```", RegexOptions.Singleline).Groups["code"].Value.Trim()).ToList();
            var compiledExamples = command.Element(Command + "examples")?.Elements(Command + "example")
                .Select(e => e.Element(Dev + "code")!.Value.Trim())
                .ToList() ?? new List<string>();
            Assert.True(pageExamples.Count == compiledExamples.Count, $"{cmdlet} has {pageExamples.Count} examples, its compiled help {compiledExamples.Count}: {Stale}");
            for (var i = 0; i < pageExamples.Count; i++)
            {
                Assert.True(Normalize(pageExamples[i]) == Normalize(compiledExamples[i]), $"{cmdlet} example {i + 1}: {Stale}");
            }
        }

        [Fact]
        public void The_compiled_about_topic_says_what_about_CloudPartner_md_says()
        {
            var markdown = File.ReadAllText(Path.Combine(ModuleMetadata.RepositoryRoot, "docs", "about_CloudPartner.md"));
            var text = File.ReadAllText(Path.Combine(ModuleMetadata.RepositoryRoot, "docs", "en-US", "about_CloudPartner.help.txt"));
            // Compiled, code fences lose their language and links their target.
            markdown = Regex.Replace(Regex.Replace(markdown, "```\\w*", string.Empty), @"\[([^\]]*)\]\([^)]*\)", "$1");
            var fromMarkdown = Words(markdown.Substring(markdown.IndexOf("SHORT DESCRIPTION", StringComparison.Ordinal)));
            var fromText = Words(text.Substring(text.IndexOf("SHORT DESCRIPTION", StringComparison.Ordinal)));
            var firstDifference = fromMarkdown.Zip(fromText).Select((pair, index) => (pair, index)).FirstOrDefault(x => x.pair.First != x.pair.Second);
            Assert.True(
                fromMarkdown.SequenceEqual(fromText),
                $"about_CloudPartner: {Stale} First difference at word {firstDifference.index}: '{firstDifference.pair.First}' in the page, '{firstDifference.pair.Second}' compiled.");
        }

        private static string Paragraphs(XElement? description) =>
            description is null ? string.Empty : Flat(string.Join(" ", description.Elements(Maml + "para").Select(p => p.Value)));

        /// <summary>A paragraph as the compiled help has it: on one line, markdown's backslash escapes resolved.</summary>
        private static string Flat(string text) => Regex.Replace(Regex.Replace(text, @"\\([!-/:-@\[-`{-~])", "$1"), @"\s+", " ").Trim();

        private static string Normalize(string code) => Regex.Replace(code.Replace("\r\n", "\n"), @"[ \t]+\n", "\n").Trim();

        /// <summary>The words of a text, without the markup that tells markdown and the compiled text apart.</summary>
        private static List<string> Words(string text) =>
            Regex.Matches(text, @"[\p{L}\p{N}][\p{L}\p{N}'._/:-]*").Select(m => m.Value.TrimEnd('.', ':')).ToList();
    }
}
