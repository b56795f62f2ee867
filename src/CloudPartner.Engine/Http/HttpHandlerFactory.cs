using System.Net;
using System.Net.Http;

namespace CloudPartner.Engine.Http
{
    /// <summary>Builds the one handler per session; the same proxy rules serve the API and the identity provider.</summary>
    public static class HttpHandlerFactory
    {
        public static HttpMessageHandler Create(ConnectionSettings settings)
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
                handler.Proxy = new WebProxy(settings.Proxy)
                {
                    Credentials = settings.ProxyUseDefaultCredentials ? CredentialCache.DefaultCredentials : settings.ProxyCredential,
                    UseDefaultCredentials = settings.ProxyUseDefaultCredentials,
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
