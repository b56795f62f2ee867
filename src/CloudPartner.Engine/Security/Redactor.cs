using System;
using System.Collections.Generic;
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

        private readonly object gate = new object();

        // Each secret with its percent-encoded form (when different), longest first; replaced whole, never mutated.
        private string[] secrets = Array.Empty<string>();

        /// <summary>Registers a value that must never appear in output (ignores empty and very short values).</summary>
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

                var next = new List<string>(secrets) { secret };
                var escaped = Uri.EscapeDataString(secret);
                if (escaped != secret && !next.Contains(escaped))
                {
                    next.Add(escaped);
                }

                next.Sort((a, b) => b.Length.CompareTo(a.Length));
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

            foreach (var pattern in Patterns)
            {
                result = pattern.Replace(result, m => m.Groups.Count > 1 && m.Groups[1].Success ? m.Groups[1].Value + Mask : Mask);
            }

            return result;
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
