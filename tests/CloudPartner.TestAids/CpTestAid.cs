using System;
using System.Net.Http;
using System.Text.Json;
using CloudPartner.Engine.Cpp;
using CloudPartner.Engine.Auth;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Http;
using CloudPartner.Engine.ProductIngestion;
using CloudPartner.Engine.Security;
using CloudPartner.Infrastructure;

namespace CloudPartner.TestAids
{
    /// <summary>
    /// Testing aids for the module's own soak and concurrency tests (docs/reliability.md). They are not part of the
    /// module's contract, may change without notice, and work only against a loopback endpoint (the local emulator).
    /// </summary>
    public static class CpTestAid
    {
        /// <summary>
        /// Connects like Connect-CpAccount, but with tokens that renew: each one is made up, lives
        /// <paramref name="tokenLifetime"/>, and is replaced before it expires (an emulator started with
        /// --token-lifetime refuses it afterwards). The session becomes the default and is returned. Until MSAL flows
        /// exist, this is how a test exercises renewal; afterwards the same test can use Connect-CpAccount -ClientSecret
        /// against the emulator's token endpoint instead. <paramref name="requestTimeout"/> (default 100 s) lets hostile
        /// response tests prove that no call outlives it.
        /// </summary>
        public static CpSession ConnectRenewable(Uri endpoint, string publisherId, TimeSpan tokenLifetime, int maxRetries = 4, TimeSpan? requestTimeout = null)
        {
            var checkedEndpoint = EndpointPolicy.ValidateEndpoint(endpoint);
            if (!EndpointPolicy.IsLoopback(checkedEndpoint))
            {
                throw new CpException(CpErrorKind.InvalidArgument, $"The renewable test tokens only work against a loopback endpoint (the local emulator), not {checkedEndpoint.GetLeftPart(UriPartial.Authority)}.");
            }

            var settings = new ConnectionSettings { Endpoint = checkedEndpoint, PublisherId = publisherId, MaxRetries = maxRetries };
            if (requestTimeout.HasValue)
            {
                settings.RequestTimeout = requestTimeout.Value;
            }

            var connection = new ApiConnection(settings, new LoopbackTestTokenProvider(tokenLifetime), redactor: new Redactor());
            var productIngestion = settings.Clone();
            productIngestion.Endpoint = new Uri(checkedEndpoint, "rp/product-ingestion");
            productIngestion.ApiVersion = ProductIngestionApi.DefaultVersion;
            productIngestion.VersionParameter = "$version";
            productIngestion.PublisherId = null;
            var piConnection = new ApiConnection(productIngestion, new LoopbackTestTokenProvider(tokenLifetime), redactor: connection.Redactor);
            var session = new CpSession(new PartnerApi(connection), new ProductIngestionApi(piConnection), CpApi.Cpp, CpAuthFlow.AccessToken);
            SessionRegistry.Replace(session);
            return session;
        }

        /// <summary>How long before a token of this lifetime expires the session renews it.</summary>
        public static TimeSpan TokenRenewalMargin(TimeSpan lifetime) => TokenSource.MarginFor(lifetime);

        /// <summary>The module's JSON-to-PowerShell conversion, as the cmdlets apply it to a response.</summary>
        public static object? ToPSObject(JsonElement element, string what) => PSJson.ToPSObject(element, what);

        /// <summary>The HTTP handler the sign-in flows use, trusting a loopback identity provider's certificate.</summary>
        public static HttpMessageHandler CreateIdentityProviderHandler(string thumbprint) => HttpHandlerFactory.CreateForIdentityProvider(new ConnectionSettings(), thumbprint);

        /// <summary>What a session has done so far: counts only, never a secret.</summary>
        public static CpSessionStatistics GetStatistics(CpSession session)
        {
            if (session is null)
            {
                throw new ArgumentNullException(nameof(session));
            }

            // Both APIs' connections: the CPP one and the Product Ingestion one.
            var cpp = session.Connection;
            var pi = session.ProductIngestion.Connection;
            return new CpSessionStatistics(cpp.RequestCount + pi.RequestCount, cpp.RetryCount + pi.RetryCount, cpp.Tokens.Acquisitions + pi.Tokens.Acquisitions);
        }
    }

    /// <summary>Counters of one session (see <see cref="CpTestAid.GetStatistics"/>).</summary>
    public sealed class CpSessionStatistics
    {
        internal CpSessionStatistics(long requests, long retries, int tokenAcquisitions)
        {
            Requests = requests;
            Retries = retries;
            TokenAcquisitions = tokenAcquisitions;
        }

        /// <summary>Attempts put on the wire (retries included).</summary>
        public long Requests { get; }

        /// <summary>Attempts that were retries of an earlier one.</summary>
        public long Retries { get; }

        /// <summary>Tokens the session asked its flow for (the first one included).</summary>
        public int TokenAcquisitions { get; }

        public override string ToString() => $"{Requests} requests, {Retries} retries, {TokenAcquisitions} token acquisitions";
    }
}
