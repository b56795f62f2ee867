using System;
using System.Net.Http;
using System.Threading;
using Microsoft.Identity.Client;

namespace CloudPartner.Authentication
{
    /// <summary>Gives MSAL one HttpClient built by the engine's handler factory, so the API's proxy settings apply to sign-in too.</summary>
    internal sealed class MsalHttpClientFactory : IMsalHttpClientFactory, IDisposable
    {
        private readonly HttpClient client;

        public MsalHttpClientFactory(HttpMessageHandler handler, TimeSpan timeout)
        {
            client = new HttpClient(handler, disposeHandler: true) { Timeout = timeout > TimeSpan.Zero ? timeout : Timeout.InfiniteTimeSpan };
        }

        public HttpClient GetHttpClient() => client;

        public void Dispose() => client.Dispose();
    }
}
