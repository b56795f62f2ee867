using System;
using System.Text.RegularExpressions;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Security;

namespace CloudPartner.Engine.Http
{
    /// <summary>
    /// The one rule for request URLs: a path (or an absolute URL) becomes an absolute URL on the API's endpoint, with
    /// its version parameter; a URL on any other host is refused, so no path can send the token elsewhere.
    /// </summary>
    internal static class RequestUrl
    {
        /// <summary>A URL scheme (javascript:, data:, file:…) where a path was expected.</summary>
        private static readonly Regex SchemePrefix = new Regex(@"^[A-Za-z][A-Za-z0-9+.\-]*:", RegexOptions.CultureInvariant);

        /// <param name="endpoint">The API's endpoint: the only origin that receives its token.</param>
        /// <param name="versionParameter">The query parameter that carries the API version (api-version for CPP).</param>
        /// <param name="version">Its value, added unless the URL has one already.</param>
        /// <param name="pathOrUrl">A path relative to the endpoint, or an absolute URL on it.</param>
        public static Uri Resolve(Uri endpoint, string versionParameter, string version, string pathOrUrl)
        {
            // Control characters are refused before trimming: "/api/x\n" is not quietly turned into a path.
            var raw = pathOrUrl ?? string.Empty;
            if (Ids.HasControlCharacters(raw))
            {
                throw new CpException(CpErrorKind.InvalidArgument, $"-Path '{Ids.Printable(raw)}' contains control characters; it is not a path on the endpoint.");
            }

            var text = raw.Trim();
            if (text.Length == 0)
            {
                throw new CpException(CpErrorKind.InvalidArgument, "-Path is empty.");
            }

            Uri target;
            if (Uri.TryCreate(text, UriKind.Absolute, out var absolute) && (absolute.Scheme == Uri.UriSchemeHttp || absolute.Scheme == Uri.UriSchemeHttps))
            {
                target = absolute;
            }
            else if (text.StartsWith("//", StringComparison.Ordinal) || text.IndexOf("://", StringComparison.Ordinal) >= 0 || SchemePrefix.IsMatch(text))
            {
                throw new CpException(CpErrorKind.InvalidArgument, $"-Path '{Ids.Printable(text)}' is not a path on the endpoint.");
            }
            else
            {
                try
                {
                    // A path without a leading slash is relative to the endpoint's own path (the Product Ingestion API
                    // lives under /rp/product-ingestion/); with one, to the host's root.
                    target = new Uri(endpoint, text.StartsWith("\\", StringComparison.Ordinal) ? "/" + text : text);
                }
                catch (UriFormatException e)
                {
                    throw new CpException(CpErrorKind.InvalidArgument, $"-Path '{Ids.Printable(text)}' is not a valid path: {e.Message}");
                }
            }

            // Checked on the final URL whatever the input's form, so no path can resolve to another host.
            if (!EndpointPolicy.IsSameOrigin(endpoint, target))
            {
                throw new CpException(
                    CpErrorKind.UntrustedLocation,
                    $"Refusing to send the session's token to {target.GetLeftPart(UriPartial.Authority)}: it is not the session's endpoint {endpoint.GetLeftPart(UriPartial.Authority)}.");
            }

            if (target.Query.IndexOf(versionParameter + "=", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                return target;
            }

            var separator = string.IsNullOrEmpty(target.Query) || target.Query == "?" ? "?" : "&";
            var baseText = target.Query == "?" ? target.OriginalString.TrimEnd('?') : target.OriginalString;
            return new Uri(baseText + separator + versionParameter + "=" + Uri.EscapeDataString(version));
        }
    }
}
