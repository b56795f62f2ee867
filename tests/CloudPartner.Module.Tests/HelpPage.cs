using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace CloudPartner.Module.Tests
{
    /// <summary>A platyPS markdown page split into its sections.</summary>
    internal sealed class HelpPage
    {
        private HelpPage(string path, string text)
        {
            Path = path;
            Text = text;
            foreach (Match section in Regex.Matches(text, @"^## (?<name>[A-Z ]+)\r?\n(?<body>.*?)(?=^## |\z)", RegexOptions.Multiline | RegexOptions.Singleline))
            {
                Sections[section.Groups["name"].Value.Trim()] = section.Groups["body"].Value;
            }
        }

        public string Path { get; }

        public string Text { get; }

        public Dictionary<string, string> Sections { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

        public static HelpPage? For(string cmdlet)
        {
            var path = System.IO.Path.Combine(ModuleMetadata.RepositoryRoot, "docs", cmdlet + ".md");
            return File.Exists(path) ? new HelpPage(path, File.ReadAllText(path)) : null;
        }

        public string Section(string name) => Sections.TryGetValue(name, out var body) ? body.Trim() : string.Empty;

        /// <summary>The example code blocks of the EXAMPLES section.</summary>
        public IReadOnlyList<string> Examples()
        {
            return Regex.Matches(Section("EXAMPLES"), @"^### .*?\r?\n(?<body>.*?)(?=^### |\z)", RegexOptions.Multiline | RegexOptions.Singleline)
                .Select(m => m.Groups["body"].Value)
                .Where(body => Regex.IsMatch(body, "```"))
                .ToList();
        }

        /// <summary>The description text of a parameter (what stands between its heading and its yaml block).</summary>
        public string? ParameterDescription(string parameter)
        {
            var match = Regex.Match(Section("PARAMETERS"), @"^### -" + Regex.Escape(parameter) + @"\r?\n(?<body>.*?)```yaml", RegexOptions.Multiline | RegexOptions.Singleline);
            return match.Success ? match.Groups["body"].Value.Trim() : null;
        }
    }
}
