using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using CloudPartner.Engine.Http;

namespace CloudPartner.Engine.Auth
{
    /// <summary>The AccessToken flow: a token the user already has. It cannot be renewed.</summary>
    internal sealed class StaticTokenProvider : ITokenProvider, IKnownSecrets
    {
        private readonly AccessToken token;

        public StaticTokenProvider(string token)
        {
            var claims = JwtClaims.TryRead(token);
            this.token = new AccessToken(token, claims.ExpiresOn, claims.TenantId, claims.ClientId);
        }

        public string Flow => "AccessToken";

        public string? TenantId => token.TenantId;

        public string? ClientId => token.ClientId;

        public bool CanRenew => false;

        public IEnumerable<string> KnownSecrets => new[] { token.Token };

        public Task<AccessToken> AcquireAsync(bool forceRefresh, IRequestObserver observer, CancellationToken cancellationToken) => Task.FromResult(token);
    }

    /// <summary>Reads the few claims the session shows (expiry, tenant, client) from a JWT, without validating it.</summary>
    internal static class JwtClaims
    {
        public static (DateTimeOffset? ExpiresOn, string? TenantId, string? ClientId) TryRead(string token)
        {
            var parts = token.Split('.');
            if (parts.Length != 3)
            {
                return (null, null, null);
            }

            try
            {
                var payload = parts[1].Replace('-', '+').Replace('_', '/');
                payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
                using var document = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload)));
                var root = document.RootElement;
                DateTimeOffset? expires = null;
                if (root.TryGetProperty("exp", out var exp) && exp.ValueKind == JsonValueKind.Number && exp.TryGetInt64(out var seconds))
                {
                    expires = DateTimeOffset.FromUnixTimeSeconds(seconds);
                }

                return (expires, Text(root, "tid"), Text(root, "appid") ?? Text(root, "azp"));
            }
            catch (Exception e) when (e is FormatException || e is JsonException || e is ArgumentException)
            {
                return (null, null, null);
            }
        }

        private static string? Text(JsonElement root, string name)
        {
            return root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        }
    }
}
