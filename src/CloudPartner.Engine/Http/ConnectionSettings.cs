using System;
using System.Net;

namespace CloudPartner.Engine.Http
{
    /// <summary>Everything a session needs to reach the API, fixed at connect time.</summary>
    internal sealed class ConnectionSettings
    {
        public const string DefaultApiVersion = "2017-10-31";
        public static readonly Uri DefaultEndpoint = new Uri("https://cloudpartner.azure.com/");

        public Uri Endpoint { get; set; } = DefaultEndpoint;

        public string ApiVersion { get; set; } = DefaultApiVersion;

        /// <summary>The query parameter that carries <see cref="ApiVersion"/>: <c>api-version</c> on CPP, <c>$version</c> on Product Ingestion.</summary>
        public string VersionParameter { get; set; } = "api-version";

        public string? PublisherId { get; set; }

        public int MaxRetries { get; set; } = 4;

        public Uri? Proxy { get; set; }

        public ICredentials? ProxyCredential { get; set; }

        public bool ProxyUseDefaultCredentials { get; set; }

        /// <summary>How long one attempt may take, headers and body included.</summary>
        public TimeSpan RequestTimeout { get; set; } = DefaultRequestTimeout;

        /// <summary>Long enough for the slowest CPP answers seen (large offer PUTs), short enough that a dead endpoint shows soon.</summary>
        public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(30);

        public static readonly TimeSpan ShortestRequestTimeout = TimeSpan.FromMilliseconds(100);

        public static readonly TimeSpan LongestRequestTimeout = TimeSpan.FromMinutes(10);

        /// <summary>Larger bodies are refused as invalid responses (an offer document is a few MB at most).</summary>
        public long MaxResponseBytes { get; set; } = 32L * 1024 * 1024;

        public string UserAgent { get; set; } = "CloudPartner/" + typeof(ConnectionSettings).Assembly.GetName().Version?.ToString(3);

        public ConnectionSettings Clone() => (ConnectionSettings)MemberwiseClone();
    }
}
