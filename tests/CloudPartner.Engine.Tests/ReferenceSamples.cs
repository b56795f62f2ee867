using System;
using System.Collections.Generic;
using System.IO;
using System.Text.RegularExpressions;

namespace CloudPartner.Engine.Tests
{
    /// <summary>The JSON code blocks of tests/Fixtures/cpp-api-samples.md: the API documentation's samples, verbatim.</summary>
    internal static class ReferenceSamples
    {
        private static readonly Lazy<IReadOnlyList<(int Line, string Json)>> Blocks = new Lazy<IReadOnlyList<(int, string)>>(Load);

        public static IReadOnlyList<(int Line, string Json)> All => Blocks.Value;

        public static string RepositoryRoot
        {
            get
            {
                var directory = new DirectoryInfo(AppContext.BaseDirectory);
                while (directory != null && !File.Exists(Path.Combine(directory.FullName, "module.sln")))
                {
                    directory = directory.Parent;
                }

                return directory?.FullName ?? throw new InvalidOperationException("module.sln not found above " + AppContext.BaseDirectory);
            }
        }

        public static string ReferencePath => Path.Combine(RepositoryRoot, "tests", "Fixtures", "cpp-api-samples.md");

        private static IReadOnlyList<(int, string)> Load()
        {
            var text = File.ReadAllText(ReferencePath);
            var blocks = new List<(int, string)>();
            foreach (Match match in Regex.Matches(text, @"^[ \t]*```[ \t]*json[ \t]*\r?\n(.*?)^[ \t]*```", RegexOptions.Multiline | RegexOptions.Singleline | RegexOptions.IgnoreCase))
            {
                var line = 1 + text.Substring(0, match.Index).Split('\n').Length - 1;
                var body = match.Groups[1].Value;
                // Some samples start with the HTTP status line inside the block ("200 OK").
                body = Regex.Replace(body, @"^\s*\d{3} [A-Za-z ]+\r?\n", string.Empty);
                blocks.Add((line, body));
            }

            return blocks;
        }
    }
}
