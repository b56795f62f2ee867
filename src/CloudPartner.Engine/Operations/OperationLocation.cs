using System;
using System.Text.RegularExpressions;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Security;

namespace CloudPartner.Engine.Operations
{
    /// <summary>
    /// An operation's address, resolved from a <c>Location</c> / <c>Operation-Location</c> value in any of its forms:
    /// relative or absolute, migrated (<c>/api/publishers/{p}/offers/{o}/operations/{guid}</c>) or non-migrated
    /// (<c>/api/operations/{p}${o}${n}${slot}</c>, with <c>$</c> kept literal).
    /// </summary>
    internal sealed class OperationLocation
    {
        private static readonly Regex MigratedPath = new Regex(@"^/api/publishers/(?<publisher>[^/]+)/offers/(?<offer>[^/]+)/operations/(?<operation>[^/]+)/?\z", RegexOptions.Compiled | RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        private static readonly Regex LegacyPath = new Regex(@"^/api/operations/(?<operation>[^/]+)/?\z", RegexOptions.Compiled | RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        private OperationLocation(Uri uri, string publisherId, string offerId, string operationId)
        {
            Uri = uri;
            PublisherId = publisherId;
            OfferId = offerId;
            OperationId = operationId;
        }

        /// <summary>The absolute URL to GET, with its query kept and <c>api-version</c> added when absent.</summary>
        public Uri Uri { get; }

        public string PublisherId { get; }

        public string OfferId { get; }

        /// <summary>A GUID for migrated offers, <c>publisher$offer$n$slot</c> for non-migrated ones.</summary>
        public string OperationId { get; }

        public bool IsLegacyForm => OperationId.IndexOf('$') >= 0;

        /// <summary>
        /// What the location itself says the operation is: the non-migrated form names its slot (<c>…$preview</c> is a
        /// publish, <c>…$production</c> a go-live); the GUID form says nothing.
        /// </summary>
        public string? SubmissionTypeHint
        {
            get
            {
                var slot = IsLegacyForm ? OperationId.Substring(OperationId.LastIndexOf('$') + 1) : null;
                return string.Equals(slot, "preview", StringComparison.OrdinalIgnoreCase) ? "publish"
                    : string.Equals(slot, "production", StringComparison.OrdinalIgnoreCase) ? "golive"
                    : null;
            }
        }

        public override string ToString() => Uri.OriginalString;

        /// <param name="parameterName">The parameter the value was given in, or null when it came from the service (a header).</param>
        public static OperationLocation Resolve(string? value, Uri endpoint, string apiVersion, string? parameterName = "Location")
        {
            var what = parameterName is null ? "the operation location the service sent" : "-" + parameterName;
            var idParameter = parameterName ?? "Location";
            CpException Untrusted(string refused, string reason) => new CpException(CpErrorKind.UntrustedLocation, $"Refusing {what} '{Ids.Printable(refused)}': {reason}.");

            var text = value?.Trim() ?? string.Empty;
            if (text.Length == 0)
            {
                throw new CpException(CpErrorKind.InvalidArgument, $"{what} is empty.");
            }

            if (text.Length > 2048 || Ids.HasControlCharacters(value!))
            {
                throw Untrusted(text, "it is too long or contains control characters");
            }

            Uri absolute;
            if (text.StartsWith("/", StringComparison.Ordinal) && !text.StartsWith("//", StringComparison.Ordinal))
            {
                absolute = new Uri(endpoint, text);
            }
            else if (Uri.TryCreate(text, UriKind.Absolute, out var parsed) && (parsed.Scheme == Uri.UriSchemeHttps || parsed.Scheme == Uri.UriSchemeHttp))
            {
                absolute = parsed;
            }
            else
            {
                throw Untrusted(text, "it is neither a path on the endpoint nor an http(s) URL");
            }

            if (!EndpointPolicy.IsSameOrigin(endpoint, absolute))
            {
                throw Untrusted(text, $"it points to {absolute.GetLeftPart(UriPartial.Authority)}, not to the session's endpoint {endpoint.GetLeftPart(UriPartial.Authority)}");
            }

            var rawPath = absolute.GetComponents(UriComponents.Path | UriComponents.KeepDelimiter, UriFormat.UriEscaped);
            if (rawPath.IndexOf("/../", StringComparison.Ordinal) >= 0 || rawPath.IndexOf("/./", StringComparison.Ordinal) >= 0 || text.Contains("/../") || text.EndsWith("/..", StringComparison.Ordinal))
            {
                throw Untrusted(text, "it contains dot segments");
            }

            var path = Uri.UnescapeDataString(rawPath);
            if (Ids.HasControlCharacters(path))
            {
                throw Untrusted(text, "it contains encoded control characters");
            }

            string publisher, offer, operation;
            var migrated = MigratedPath.Match(path);
            var legacy = LegacyPath.Match(path);
            if (migrated.Success)
            {
                publisher = Ids.PublisherId(migrated.Groups["publisher"].Value, idParameter);
                offer = Ids.OfferId(migrated.Groups["offer"].Value, idParameter);
                operation = Ids.OperationId(migrated.Groups["operation"].Value, idParameter);
            }
            else if (legacy.Success && Ids.IsLegacyOperationId(legacy.Groups["operation"].Value))
            {
                operation = legacy.Groups["operation"].Value;
                var parts = operation.Split('$');
                publisher = parts[0];
                offer = parts[1];
            }
            else
            {
                throw Untrusted(text, "it is not an operation URL (/api/publishers/{p}/offers/{o}/operations/{id} or /api/operations/{p}${o}${n}${slot})");
            }

            var query = absolute.Query;
            if (query.IndexOf("api-version=", StringComparison.OrdinalIgnoreCase) < 0)
            {
                query = (query.Length > 1 ? query + "&" : "?") + "api-version=" + Uri.EscapeDataString(apiVersion);
            }

            var resolved = new Uri(endpoint.GetLeftPart(UriPartial.Authority) + rawPath + query);
            return new OperationLocation(resolved, publisher, offer, operation);
        }

        /// <summary>The migrated-form address of an operation known by id.</summary>
        public static OperationLocation ForOperation(Uri endpoint, string apiVersion, string publisherId, string offerId, string operationId)
        {
            var id = Ids.OperationId(operationId);
            var path = id.IndexOf('$') >= 0
                ? "/api/operations/" + id
                : $"/api/publishers/{Ids.Segment(Ids.PublisherId(publisherId))}/offers/{Ids.Segment(Ids.OfferId(offerId))}/operations/{id}";
            return Resolve(path, endpoint, apiVersion);
        }
    }
}
