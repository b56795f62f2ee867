using System;
using CloudPartner.Engine.Errors;

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

            // Checked where every token is made, so that no request ever fails later on a header it cannot carry
            // (and such a local failure is never mistaken for a network one and retried).
            foreach (var c in token)
            {
                if (c <= ' ' || c > '~')
                {
                    throw new CpException(
                        CpErrorKind.InvalidArgument,
                        "The access token contains a character a bearer token cannot have (a control character, a space or a non-ASCII character).",
                        "Pass the token exactly as issued, without line breaks or quotes (for example the accessToken of az account get-access-token).");
                }
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
