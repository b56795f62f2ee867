using System;
using CloudPartner.Engine.Cpp;
using CloudPartner.Engine.Http;
using CloudPartner.Engine.ProductIngestion;

namespace CloudPartner
{
    /// <summary>
    /// A connection to the Cloud Partner Portal API. It holds no secret that PowerShell can show: the token and any
    /// credential live inside the engine, behind internal members.
    /// </summary>
    public sealed class CpSession : IDisposable
    {
        internal CpSession(PartnerApi api, ProductIngestionApi productIngestion, CpApi defaultApi, CpAuthFlow authFlow)
        {
            Api = api;
            ProductIngestion = productIngestion;
            DefaultApi = defaultApi;
            AuthFlow = authFlow;
        }

        /// <summary>The API of commands that name none (Connect-CpAccount -Api).</summary>
        public CpApi DefaultApi { get; }

        public string? PublisherId => Api.Connection.Settings.PublisherId;

        public Uri Endpoint => Api.Connection.Settings.Endpoint;

        public string ApiVersion => Api.Connection.Settings.ApiVersion;

        public string? TenantId => Api.Connection.Tokens.Provider.TenantId;

        public string? ClientId => Api.Connection.Tokens.Provider.ClientId;

        public CpAuthFlow AuthFlow { get; }

        /// <summary>When the current token expires; empty when it is unknown (an opaque access token).</summary>
        public DateTimeOffset? TokenExpiresOn => Api.Connection.Tokens.ExpiresOn;

        public int MaxRetries => Api.Connection.Settings.MaxRetries;

        public Uri? Proxy => Api.Connection.Settings.Proxy;

        /// <summary>The Product Ingestion API's endpoint.</summary>
        public Uri ProductIngestionEndpoint => ProductIngestion.Connection.Settings.Endpoint;

        /// <summary>The <c>$version</c> sent to the Product Ingestion API.</summary>
        public string ProductIngestionVersion => ProductIngestion.Connection.Settings.ApiVersion;

        /// <summary>When the Product Ingestion token expires (null until one was acquired, or when it does not say).</summary>
        public DateTimeOffset? ProductIngestionTokenExpiresOn => ProductIngestion.Connection.Tokens.ExpiresOn;

        internal PartnerApi Api { get; }

        internal ProductIngestionApi ProductIngestion { get; }

        /// <summary>The API client an operation is followed through.</summary>
        internal Engine.Operations.IOperationSource SourceOf(Engine.Models.OperationInfo operation)
        {
            return operation.Api == Engine.Models.ApiKind.ProductIngestion ? ProductIngestion : (Engine.Operations.IOperationSource)Api;
        }

        internal ApiConnection Connection => Api.Connection;

        public override string ToString() => $"{PublisherId ?? "(no publisher)"} at {Endpoint} ({AuthFlow})";

        /// <summary>True once Disconnect-CpAccount has forgotten this session and its tokens.</summary>
        public bool IsDisconnected { get; private set; }

        internal void Disconnect()
        {
            IsDisconnected = true;
            Api.Connection.Dispose();
            ProductIngestion.Connection.Dispose();
        }

        public void Dispose() => Disconnect();
    }
}
