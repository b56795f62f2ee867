using System;
using System.Security;

namespace CloudPartner
{
    /// <summary>A token for the API, as a SecureString so that it is not shown by accident.</summary>
    public sealed class CpAccessToken
    {
        internal CpAccessToken(SecureString token, DateTimeOffset? expiresOn, string? tenantId, string? clientId)
        {
            Token = token;
            ExpiresOn = expiresOn;
            TenantId = tenantId;
            ClientId = clientId;
        }

        public SecureString Token { get; }

        public DateTimeOffset? ExpiresOn { get; }

        public string? TenantId { get; }

        public string? ClientId { get; }

        public override string ToString() => ExpiresOn.HasValue ? $"CpAccessToken (expires {ExpiresOn:u})" : "CpAccessToken";
    }
}
