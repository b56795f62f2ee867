using System;
using System.Collections.Generic;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using CloudPartner.Emulator.Http;
using Microsoft.Extensions.Primitives;

namespace CloudPartner.Emulator.OAuth.Grants
{
    /// <summary>What a user sign-in gets, whichever grant it came by: an access token, a refresh token and an id token.</summary>
    internal sealed class UserTokens : IdentityEndpoint
    {
        public UserTokens(EmulatorState state)
            : base(state)
        {
        }

        /// <param name="scope">The scopes a refresh asks for: a refresh token serves either API, as Entra ID's do.</param>
        public ApiResponse Issue(ApiRequest request, UserGrant grant, string grantType, string method, string? scope = null)
        {
            var now = State.UtcNow;
            var audience = ResourceInScopes(scope) ?? ResourceInScopes(grant.Scope) ?? OAuthState.Resource;
            var token = Issue(OAuth.FindClient(grant.ClientId), grant.ClientId, grant.TenantId, audience, grantType, method, user: true);
            var refresh = RandomNumberGenerator.GetString(TokenAlphabet, 64);
            OAuth.AddRefreshToken(refresh, grant);
            var userOid = StableGuid("user:" + grant.TenantId);
            var idToken = Jwt.Sign(
                new JsonObject { ["typ"] = "JWT", ["alg"] = "ES256", ["kid"] = OAuthState.SigningKeyId },
                new JsonObject
                {
                    ["aud"] = grant.ClientId,
                    ["iss"] = $"{request.BaseUri}/{grant.TenantId}/v2.0",
                    ["iat"] = now.ToUnixTimeSeconds(),
                    ["nbf"] = now.ToUnixTimeSeconds(),
                    ["exp"] = now.AddHours(1).ToUnixTimeSeconds(),
                    ["name"] = "Emulator User",
                    ["oid"] = userOid,
                    ["preferred_username"] = "user@" + grant.TenantId + ".example",
                    ["sub"] = userOid,
                    ["tid"] = grant.TenantId,
                    ["ver"] = "2.0",
                },
                OAuth.SigningKey);
            var clientInfo = Base64Url.Encode(Encoding.UTF8.GetBytes($"{{\"uid\":\"{userOid}\",\"utid\":\"{grant.TenantId}\"}}"));
            var lifetime = (long)OAuth.TokenLifetime.TotalSeconds;
            return ApiResponse.Of(200, new
            {
                token_type = "Bearer",
                scope = audience + "/.default",
                expires_in = lifetime,
                ext_expires_in = lifetime,
                access_token = token,
                refresh_token = refresh,
                id_token = idToken,
                client_info = clientInfo,
            });
        }
    }
}
