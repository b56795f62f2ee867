using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CloudPartner.Engine.Errors;

namespace CloudPartner.Engine.Security
{
    /// <summary>
    /// The one place where secrets are taken out of text before it is logged or put in an error.
    /// Known secret values (tokens, client secrets) are registered by the session; well-known shapes
    /// (bearer values, JWTs, OAuth form fields, SAS signatures) are masked whatever their value.
    /// </summary>
    internal sealed class Redactor
    {
        public const string Mask = "***";

        private static readonly Regex[] Patterns =
        {
            new Regex(@"(?i)(bearer\s+)[^\s""',;]+", RegexOptions.Compiled | RegexOptions.CultureInvariant),
            new Regex(@"eyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]*", RegexOptions.Compiled | RegexOptions.CultureInvariant),
            new Regex(@"(?i)((?:client_secret|client_assertion|assertion|access_token|refresh_token|id_token|password|sig)=)[^&\s""']+", RegexOptions.Compiled | RegexOptions.CultureInvariant),
            new Regex(@"(?i)(""(?:client_secret|client_assertion|access_token|refresh_token|id_token|password|token)""\s*:\s*"")[^""]*", RegexOptions.Compiled | RegexOptions.CultureInvariant),
        };

        /// <summary>A run of this many characters of a known secret is masked wherever it stands (a split echo).</summary>
        public const int FragmentLength = 16;

        private readonly object gate = new object();

        // Each secret with its encoded forms, longest first; replaced whole, never mutated.
        private string[] secrets = Array.Empty<string>();

        // Rolling hashes of every FragmentLength-long run of each secret, with the runs themselves to confirm a hit.
        private HashSet<ulong> fragmentHashes = new HashSet<ulong>();
        private HashSet<string> fragments = new HashSet<string>(StringComparer.Ordinal);

        /// <summary>
        /// Registers a value that must never appear in output (ignores empty and very short values), with the forms a
        /// service may echo it in: percent-encoded (either hex case), base64 (standard and URL-safe), JSON \u escapes.
        /// </summary>
        public void AddSecret(string? secret)
        {
            if (secret is null || secret.Length < 4)
            {
                return;
            }

            lock (gate)
            {
                if (Array.IndexOf(secrets, secret) >= 0)
                {
                    return;
                }

                var next = new List<string>(secrets);
                foreach (var form in EncodedForms(secret))
                {
                    if (form.Length >= 4 && !next.Contains(form))
                    {
                        next.Add(form);
                    }
                }

                next.Sort((a, b) => b.Length.CompareTo(a.Length));
                if (secret.Length >= FragmentLength)
                {
                    var hashes = new HashSet<ulong>(fragmentHashes);
                    var runs = new HashSet<string>(fragments, StringComparer.Ordinal);
                    for (var i = 0; i + FragmentLength <= secret.Length; i++)
                    {
                        var run = secret.Substring(i, FragmentLength);
                        runs.Add(run);
                        hashes.Add(Hash(run, 0));
                    }

                    fragmentHashes = hashes;
                    fragments = runs;
                }

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
            foreach (var secret in secrets)
            {
                if (result.IndexOf(secret, StringComparison.Ordinal) >= 0)
                {
                    result = result.Replace(secret, Mask);
                }
            }

            result = MaskFragments(result);
            foreach (var pattern in Patterns)
            {
                result = pattern.Replace(result, m => m.Groups.Count > 1 && m.Groups[1].Success ? m.Groups[1].Value + Mask : Mask);
            }

            return result;
        }

        private static IEnumerable<string> EncodedForms(string secret)
        {
            yield return secret;
            var escaped = Uri.EscapeDataString(secret);
            yield return escaped;
            yield return Regex.Replace(escaped, "%[0-9A-F]{2}", m => m.Value.ToLowerInvariant());
            var base64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(secret));
            yield return base64;
            yield return base64.TrimEnd('=');
            yield return base64.TrimEnd('=').Replace('+', '-').Replace('/', '_');
            yield return JsonSerializer.Serialize(secret).Trim('"');
            var every = new StringBuilder(secret.Length * 6);
            foreach (var c in secret)
            {
                every.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            }

            yield return every.ToString();
            yield return Regex.Replace(every.ToString(), "[a-f]", m => m.Value.ToUpperInvariant());
        }

        /// <summary>Masks every stretch of text made of runs that stand in a known secret: what is left of a secret split apart.</summary>
        private string MaskFragments(string text)
        {
            var hashes = fragmentHashes;
            if (hashes.Count == 0 || text.Length < FragmentLength)
            {
                return text;
            }

            var runs = fragments;
            var masked = new bool[text.Length];
            var any = false;
            var power = 1UL;
            for (var i = 1; i < FragmentLength; i++)
            {
                power *= HashBase;
            }

            var hash = Hash(text, 0);
            for (var start = 0; ; start++)
            {
                if (hashes.Contains(hash) && runs.Contains(text.Substring(start, FragmentLength)))
                {
                    for (var i = start; i < start + FragmentLength; i++)
                    {
                        masked[i] = true;
                    }

                    any = true;
                }

                if (start + FragmentLength >= text.Length)
                {
                    break;
                }

                hash = ((hash - (text[start] * power)) * HashBase) + text[start + FragmentLength];
            }

            if (!any)
            {
                return text;
            }

            var builder = new StringBuilder(text.Length);
            for (var i = 0; i < text.Length; i++)
            {
                if (!masked[i])
                {
                    builder.Append(text[i]);
                }
                else if (i == 0 || !masked[i - 1])
                {
                    builder.Append(Mask);
                }
            }

            return builder.ToString();
        }

        private const ulong HashBase = 1099511628211UL;

        private static ulong Hash(string text, int start)
        {
            var hash = 0UL;
            for (var i = start; i < start + FragmentLength; i++)
            {
                hash = (hash * HashBase) + text[i];
            }

            return hash;
        }

        /// <summary>
        /// The exception as it may be shown: itself when nothing in it is secret, else a copy whose message, service
        /// message, URL and advice are redacted. An inner exception whose text holds a secret is left out of the copy,
        /// since Exception.ToString() would print it.
        /// </summary>
        public CpException Redact(CpException exception)
        {
            if (exception is null)
            {
                throw new ArgumentNullException(nameof(exception));
            }

            var message = Redact(exception.Message);
            var action = Redact(exception.RecommendedAction);
            var serviceMessage = exception.ServiceMessage is null ? null : Redact(exception.ServiceMessage);
            var uri = exception.RequestUri is null ? null : Redact(exception.RequestUri);
            var inner = exception.InnerException;
            var innerText = inner?.ToString();
            var innerClean = innerText is null || Redact(innerText) == innerText;
            if (message == exception.Message && action == exception.RecommendedAction && serviceMessage == exception.ServiceMessage && uri == exception.RequestUri && innerClean)
            {
                return exception;
            }

            return new CpException(exception.Kind, message, action, innerClean ? inner : null)
            {
                StatusCode = exception.StatusCode,
                ServiceCode = exception.ServiceCode is null ? null : Redact(exception.ServiceCode),
                ServiceMessage = serviceMessage,
                RequestUri = uri,
                HttpMethod = exception.HttpMethod,
                OutcomeUnknown = exception.OutcomeUnknown,
                Target = exception.Target,
            };
        }
    }
}
