using System;

namespace CloudPartner.Engine.Auth
{
    /// <summary>A bearer token and its expiry. <see cref="ToString"/> never shows the token.</summary>
    internal sealed class AccessToken
    {
        public AccessToken(string token, DateTimeOffset? expiresOn, string? tenantId = null, string? clientId = null)
        {
            if (string.IsNullOrEmpty(token))
            {
                throw new ArgumentException("The token is empty.", nameof(token));
            }

            Token = token;
            ExpiresOn = expiresOn;
            TenantId = tenantId;
            ClientId = clientId;
        }

        public string Token { get; }

        /// <summary>Null when the expiry is unknown (an opaque token passed in by the user).</summary>
        public DateTimeOffset? ExpiresOn { get; }

        public string? TenantId { get; }

        public string? ClientId { get; }

        public override string ToString() => ExpiresOn.HasValue ? $"AccessToken (expires {ExpiresOn:u})" : "AccessToken";
    }
}
