using System.Net;
using System.Text.RegularExpressions;

namespace CloudPartner.Engine.Models
{
    /// <summary>Step messages arrive as HTML; errors and progress show them as text.</summary>
    internal static class Html
    {
        private static readonly Regex Breaks = new Regex(@"<\s*(br|/p|/div|/li)\s*/?\s*>", RegexOptions.Compiled | RegexOptions.IgnoreCase);
        private static readonly Regex Tags = new Regex(@"<[^>]*>", RegexOptions.Compiled);
        private static readonly Regex Spaces = new Regex(@"[ \t]+", RegexOptions.Compiled);

        public static string ToText(string? html)
        {
            if (string.IsNullOrEmpty(html))
            {
                return string.Empty;
            }

            // One line: the text goes into error messages and progress bars, where a line break could forge a line.
            var text = Breaks.Replace(html, " ");
            text = Tags.Replace(text, string.Empty);
            text = WebUtility.HtmlDecode(text);
            return Spaces.Replace(text, " ").Trim();
        }
    }
}
