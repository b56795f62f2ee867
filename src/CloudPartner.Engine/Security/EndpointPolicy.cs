using System;
using System.Net;
using CloudPartner.Engine.Errors;

namespace CloudPartner.Engine.Security
{
    /// <summary>
    /// The trust rules: which endpoints may be used, and which URLs may receive the bearer token.
    /// </summary>
    internal static class EndpointPolicy
    {
        /// <summary>Accepts https endpoints, and http only on a loopback address.</summary>
        public static Uri ValidateEndpoint(Uri? endpoint, string parameterName = "Endpoint")
        {
            if (endpoint is null || !endpoint.IsAbsoluteUri)
            {
                throw new CpException(CpErrorKind.InvalidArgument, $"-{parameterName} must be an absolute URL such as https://cloudpartner.azure.com.");
            }

            if (!string.IsNullOrEmpty(endpoint.UserInfo))
            {
                throw new CpException(CpErrorKind.InvalidArgument, $"-{parameterName} must not contain user information.");
            }

            if (endpoint.Scheme == Uri.UriSchemeHttps)
            {
                return Normalize(endpoint);
            }

            if (endpoint.Scheme == Uri.UriSchemeHttp)
            {
                if (IsLoopback(endpoint))
                {
                    return Normalize(endpoint);
                }

                throw new CpException(
                    CpErrorKind.InvalidArgument,
                    $"-{parameterName} '{endpoint.GetLeftPart(UriPartial.Authority)}' uses plain http on a non-loopback host; the access token would travel unencrypted.",
                    "Use an https:// endpoint. Plain http is accepted only for loopback addresses (127.0.0.1, ::1, localhost), such as the local emulator.");
            }

            throw new CpException(CpErrorKind.InvalidArgument, $"-{parameterName} must use https (got '{endpoint.Scheme}').");
        }

        /// <summary>
        /// A proxy is an absolute http or https URL without user information: a password in it would show wherever the
        /// session is shown or saved, so credentials go in -ProxyCredential.
        /// </summary>
        public static Uri? ValidateProxy(Uri? proxy)
        {
            if (proxy is null)
            {
                return null;
            }

            if (!proxy.IsAbsoluteUri || (proxy.Scheme != Uri.UriSchemeHttp && proxy.Scheme != Uri.UriSchemeHttps))
            {
                throw new CpException(CpErrorKind.InvalidArgument, "-Proxy must be an absolute http or https URL such as http://proxy.contoso.com:8080.");
            }

            if (!string.IsNullOrEmpty(proxy.UserInfo))
            {
                throw new CpException(
                    CpErrorKind.InvalidArgument,
                    "-Proxy must not contain a user name or password.",
                    "Pass the proxy's credentials with -ProxyCredential (or -ProxyUseDefaultCredentials), and the proxy as http://host:port.");
            }

            return proxy;
        }

        public static bool IsLoopback(Uri uri)
        {
            if (uri.IsLoopback)
            {
                return true;
            }

            var host = uri.Host.Trim('[', ']');
            return IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address);
        }

        /// <summary>True when <paramref name="target"/> has the endpoint's scheme, host and port: only there is the token sent.</summary>
        public static bool IsSameOrigin(Uri endpoint, Uri target)
        {
            return target.IsAbsoluteUri
                && string.Equals(endpoint.Scheme, target.Scheme, StringComparison.OrdinalIgnoreCase)
                && string.Equals(endpoint.IdnHost, target.IdnHost, StringComparison.OrdinalIgnoreCase)
                && endpoint.Port == target.Port;
        }

        /// <summary>The endpoint without query or fragment; its path is kept (the Product Ingestion API lives under one).</summary>
        private static Uri Normalize(Uri endpoint)
        {
            return new Uri(endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/");
        }
    }
}
