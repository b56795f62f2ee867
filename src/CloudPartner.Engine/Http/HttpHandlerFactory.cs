using System;
using System.Net;
using System.Net.Http;
using System.Net.Security;
using CloudPartner.Engine.Auth;
using CloudPartner.Engine.Security;

namespace CloudPartner.Engine.Http
{
    /// <summary>Builds the one handler per session; the same proxy rules serve the API and the identity provider.</summary>
    internal static class HttpHandlerFactory
    {
        public static HttpMessageHandler Create(ConnectionSettings settings) => CreateHandler(settings);

        /// <summary>
        /// The handler for the identity provider's requests: the API's proxy rules (explicit proxy, proxy credentials, or the
        /// system proxy), and, as a testing aid, trust in one pinned certificate for loopback hosts only.
        /// </summary>
        public static HttpMessageHandler CreateForIdentityProvider(ConnectionSettings settings, string? trustedLoopbackCertificateThumbprint)
        {
            var handler = CreateHandler(settings);
            var pinned = string.IsNullOrWhiteSpace(trustedLoopbackCertificateThumbprint) ? null : CertificateLoader.NormalizeThumbprint(trustedLoopbackCertificateThumbprint!);
            if (pinned != null)
            {
                handler.ServerCertificateCustomValidationCallback = (message, certificate, chain, errors) =>
                    errors == SslPolicyErrors.None
                    || (message.RequestUri != null && EndpointPolicy.IsLoopback(message.RequestUri) && certificate != null && CertificateLoader.Matches(certificate, pinned));
            }

            return handler;
        }

        /// <summary>The handler for managed-identity endpoints, which are local (IMDS, App Service) and never go through a proxy.</summary>
        public static HttpMessageHandler CreateDirect(ConnectionSettings settings)
        {
            var handler = CreateHandler(settings);
            handler.UseProxy = false;
            handler.Proxy = null;
            return handler;
        }

        private static HttpClientHandler CreateHandler(ConnectionSettings settings)
        {
            var handler = new HttpClientHandler
            {
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
                UseCookies = false,
            };

            if (settings.Proxy != null)
            {
                handler.UseProxy = true;
                // Only Credentials: WebProxy.UseDefaultCredentials = false would reset them to null.
                handler.Proxy = new WebProxy(settings.Proxy)
                {
                    Credentials = settings.ProxyUseDefaultCredentials ? CredentialCache.DefaultCredentials : settings.ProxyCredential,
                };
            }
            else if (settings.ProxyUseDefaultCredentials || settings.ProxyCredential != null)
            {
                handler.UseProxy = true;
                handler.DefaultProxyCredentials = settings.ProxyUseDefaultCredentials ? CredentialCache.DefaultCredentials : settings.ProxyCredential;
            }

            return handler;
        }
    }
}
