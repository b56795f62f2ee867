using System;
using CloudPartner.Engine.Cpp;
using CloudPartner.Engine.Http;

namespace CloudPartner
{
    /// <summary>
    /// A connection to the Cloud Partner Portal API. It holds no secret that PowerShell can show: the token and any
    /// credential live inside the engine, behind internal members.
    /// </summary>
    public sealed class CpSession : IDisposable
    {
        internal CpSession(PartnerApi api, CpAuthFlow authFlow)
        {
            Api = api;
            AuthFlow = authFlow;
        }

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

        internal PartnerApi Api { get; }

        internal ApiConnection Connection => Api.Connection;

        public override string ToString() => $"{PublisherId ?? "(no publisher)"} at {Endpoint} ({AuthFlow})";

        /// <summary>True once Disconnect-CpAccount has forgotten this session and its tokens.</summary>
        public bool IsDisconnected { get; private set; }

        internal void Disconnect()
        {
            IsDisconnected = true;
            Api.Connection.Dispose();
        }

        public void Dispose() => Disconnect();
    }
}
