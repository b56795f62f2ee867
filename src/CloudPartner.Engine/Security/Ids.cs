using System;
using System.Text.RegularExpressions;
using CloudPartner.Engine.Errors;

namespace CloudPartner.Engine.Security
{
    /// <summary>Validation and URL-encoding of the ids that go into request paths. Bad ids never reach the network.</summary>
    internal static class Ids
    {
        public const int MaxLength = 128;

        // \z, not $: '$' also matches before a final newline, which would let "offer\n" through.
        private static readonly Regex IdPattern = new Regex(@"^[A-Za-z0-9][A-Za-z0-9._-]*\z", RegexOptions.Compiled | RegexOptions.CultureInvariant);
        private static readonly Regex LegacyOperationPattern = new Regex(@"^(?<publisher>[A-Za-z0-9][A-Za-z0-9._-]*)\$(?<offer>[A-Za-z0-9][A-Za-z0-9._-]*)\$(?<version>[0-9]{1,19})\$(?<slot>[A-Za-z]{1,32})\z", RegexOptions.Compiled | RegexOptions.CultureInvariant);

        public static string PublisherId(string? value, string parameterName = "PublisherId") => Validate(value, parameterName);

        public static string OfferId(string? value, string parameterName = "OfferId") => Validate(value, parameterName);

        /// <summary>An operation id is a GUID (migrated offers) or <c>publisher$offer$n$slot</c> (non-migrated offers).</summary>
        public static string OperationId(string? value, string parameterName = "OperationId")
        {
            if (value != null && HasControlCharacters(value))
            {
                throw new CpException(CpErrorKind.InvalidArgument, $"-{parameterName} '{Printable(value)}' contains control characters; it is not an operation id.");
            }

            var text = value?.Trim() ?? string.Empty;
            if (Guid.TryParse(text, out var guid) && text.Length <= 38)
            {
                return guid.ToString("D");
            }

            if (text.Length <= 300 && LegacyOperationPattern.IsMatch(text))
            {
                var match = LegacyOperationPattern.Match(text);
                if (match.Groups["publisher"].Length <= MaxLength && match.Groups["offer"].Length <= MaxLength)
                {
                    return text;
                }
            }

            throw new CpException(
                CpErrorKind.InvalidArgument,
                $"-{parameterName} '{Printable(text)}' is not an operation id: expected a GUID or the form publisher$offer$version$slot.");
        }

        /// <summary>Percent-encodes one path segment.</summary>
        public static string Segment(string value) => Uri.EscapeDataString(value);

        internal static bool IsLegacyOperationId(string value) => LegacyOperationPattern.IsMatch(value);

        public static string Validate(string? value, string parameterName)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new CpException(CpErrorKind.InvalidArgument, $"-{parameterName} is empty.");
            }

            if (value!.Length > MaxLength)
            {
                throw new CpException(CpErrorKind.InvalidArgument, $"-{parameterName} is {value.Length} characters long; ids are at most {MaxLength}.");
            }

            if (!IdPattern.IsMatch(value))
            {
                throw new CpException(
                    CpErrorKind.InvalidArgument,
                    $"-{parameterName} '{Printable(value)}' contains characters an id cannot have; use letters, digits, '-', '_' and '.' only.");
            }

            return value;
        }

        /// <summary>True when <paramref name="text"/> holds a control character (newline, tab, NUL, …) anywhere.</summary>
        public static bool HasControlCharacters(string text)
        {
            foreach (var c in text)
            {
                if (char.IsControl(c))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Shows control characters visibly and shortens long values, for error messages.</summary>
        public static string Printable(string value) => Visible(value.Length > 80 ? value.Substring(0, 80) + "…" : value);

        /// <summary>
        /// Text that came from the service, safe to show in a terminal: control characters (ESC sequences, OSC-8
        /// links, clear-screen, CR/LF that would start a fake "WARNING:" line) and invisible format characters (bidi
        /// overrides, zero-width spaces) become visible \uXXXX escapes. Everything the service says passes here.
        /// </summary>
        public static string Visible(string value)
        {
            System.Text.StringBuilder? builder = null;
            for (var i = 0; i < value.Length; i++)
            {
                var c = value[i];
                var hidden = char.IsControl(c) || System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format;
                if (hidden && builder is null)
                {
                    builder = new System.Text.StringBuilder(value.Length + 16).Append(value, 0, i);
                }

                if (builder != null)
                {
                    builder.Append(hidden ? $"\\u{(int)c:x4}" : c.ToString());
                }
            }

            return builder?.ToString() ?? value;
        }

        /// <summary><see cref="Visible"/> for a value that may be absent.</summary>
        public static string? VisibleOrNull(string? value) => value is null ? null : Visible(value);
    }
}
