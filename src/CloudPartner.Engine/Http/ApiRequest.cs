using System;
using System.Collections.Generic;
using System.Net.Http;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Security;

namespace CloudPartner.Engine.Http
{
    internal sealed class ApiRequest
    {
        /// <summary>Headers the session sets itself; a caller may not replace them.</summary>
        private static readonly HashSet<string> ReservedHeaders = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "Authorization", "Host", "Content-Length", "Transfer-Encoding", "Connection", "Proxy-Authorization",
        };

        private readonly Dictionary<string, string> headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        public ApiRequest(HttpMethod method, string pathOrUrl, string? jsonBody = null)
        {
            Method = method ?? throw new ArgumentNullException(nameof(method));
            PathOrUrl = pathOrUrl ?? throw new ArgumentNullException(nameof(pathOrUrl));
            JsonBody = jsonBody;
        }

        public HttpMethod Method { get; }

        /// <summary>A path relative to the endpoint (<c>/api/publishers</c>) or an absolute URL on the endpoint's host.</summary>
        public string PathOrUrl { get; }

        public string? JsonBody { get; }

        /// <summary>Extra headers, each checked by <see cref="SetHeader"/>.</summary>
        public IReadOnlyDictionary<string, string> Headers => headers;

        /// <summary>
        /// Whether repeating the request after an unknown outcome is harmless. POSTs start operations, so by default
        /// they are retried only when the answer proves the server did not act (429).
        /// </summary>
        public bool IsIdempotent { get; set; } = true;

        public static ApiRequest Create(HttpMethod method, string pathOrUrl, string? jsonBody = null)
        {
            return new ApiRequest(method, pathOrUrl, jsonBody) { IsIdempotent = method != HttpMethod.Post };
        }

        /// <summary>
        /// Adds a header after checking it, so nothing can smuggle a second header or a second request onto the wire:
        /// the name must be an HTTP token, the value printable ASCII (no CR, LF, NUL…), and the session's own
        /// headers (Authorization, Host…) cannot be replaced. <paramref name="source"/> names where the header came from.
        /// </summary>
        public ApiRequest SetHeader(string? name, string? value, string source = "-Headers")
        {
            if (string.IsNullOrEmpty(name) || !IsToken(name!))
            {
                throw new CpException(CpErrorKind.InvalidArgument, $"{source} has a header name '{Ids.Printable(name ?? string.Empty)}' that is not a valid HTTP header name (letters, digits and !#$%&'*+-.^_`|~ only).");
            }

            if (ReservedHeaders.Contains(name!))
            {
                throw new CpException(CpErrorKind.InvalidArgument, $"{source} cannot set '{name}'; the session sets it.");
            }

            var text = value ?? string.Empty;
            foreach (var c in text)
            {
                if (c == '\t' || (c >= ' ' && c <= '~'))
                {
                    continue;
                }

                throw new CpException(
                    CpErrorKind.InvalidArgument,
                    char.IsControl(c)
                        ? $"{source} has a value for '{name}' with control characters (such as a line break), which would split the request; it was not sent."
                        : $"{source} has a value for '{name}' with characters outside printable ASCII, which HTTP headers cannot carry; it was not sent.");
            }

            headers[name!] = text;
            return this;
        }

        private static bool IsToken(string name)
        {
            foreach (var c in name)
            {
                var ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$%&'*+-.^_`|~".IndexOf(c) >= 0;
                if (!ok)
                {
                    return false;
                }
            }

            return true;
        }
    }
}
