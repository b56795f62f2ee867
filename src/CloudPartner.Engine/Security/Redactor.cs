using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;

namespace CloudPartner.Engine.Security
{
    /// <summary>
    /// The one place where secrets are taken out of text before it is logged or put in an error.
    /// Known secret values (tokens, client secrets) are registered by the session; well-known shapes
    /// (bearer values, JWTs, OAuth form fields, SAS signatures) are masked whatever their value.
    /// </summary>
    public sealed class Redactor
    {
        public const string Mask = "***";

        private static readonly Regex[] Patterns =
        {
            new Regex(@"(?i)(bearer\s+)[^\s""',;]+", RegexOptions.Compiled | RegexOptions.CultureInvariant),
            new Regex(@"eyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]*", RegexOptions.Compiled | RegexOptions.CultureInvariant),
            new Regex(@"(?i)((?:client_secret|client_assertion|assertion|access_token|refresh_token|id_token|password|sig)=)[^&\s""']+", RegexOptions.Compiled | RegexOptions.CultureInvariant),
            new Regex(@"(?i)(""(?:client_secret|client_assertion|access_token|refresh_token|id_token|password|token)""\s*:\s*"")[^""]*", RegexOptions.Compiled | RegexOptions.CultureInvariant),
        };

        private readonly object gate = new object();

        // Each secret with its URL-escaped form (escaped once here, not on every Redact), longest first.
        private KeyValuePair<string, string>[] secrets = Array.Empty<KeyValuePair<string, string>>();

        /// <summary>Registers a value that must never appear in output (ignores empty and very short values).</summary>
        public void AddSecret(string? secret)
        {
            if (secret is null || secret.Length < 4)
            {
                return;
            }

            lock (gate)
            {
                foreach (var known in secrets)
                {
                    if (known.Key == secret)
                    {
                        return;
                    }
                }

                var next = new List<KeyValuePair<string, string>>(secrets) { new KeyValuePair<string, string>(secret, Uri.EscapeDataString(secret)) };
                next.Sort((a, b) => b.Key.Length.CompareTo(a.Key.Length));
                secrets = next.ToArray();
            }
        }

        public string Redact(string? text)
        {
            if (string.IsNullOrEmpty(text))
            {
                return text ?? string.Empty;
            }

            var result = text!;
            foreach (var pair in secrets)
            {
                var secret = pair.Key;
                if (result.IndexOf(secret, StringComparison.Ordinal) >= 0)
                {
                    result = result.Replace(secret, Mask);
                }

                var escaped = pair.Value;
                if (escaped != secret && result.IndexOf(escaped, StringComparison.Ordinal) >= 0)
                {
                    result = result.Replace(escaped, Mask);
                }
            }

            foreach (var pattern in Patterns)
            {
                result = pattern.Replace(result, m => m.Groups.Count > 1 && m.Groups[1].Success ? m.Groups[1].Value + Mask : Mask);
            }

            return result;
        }
    }
}
