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
    /// <summary>The interactive flow: the authorize endpoint redirects to a loopback URI with a code (PKCE checked), the token
    /// endpoint redeems it; the refresh token grant renews what it issued.</summary>
    internal sealed class AuthorizationCodeGrant : IdentityEndpoint
    {
        private readonly UserTokens userTokens;

        public AuthorizationCodeGrant(EmulatorState state, UserTokens userTokens)
            : base(state)
        {
            this.userTokens = userTokens;
        }

        public ApiResponse Authorize(ApiRequest request, string tenant)
        {
            var query = new Dictionary<string, StringValues>(StringComparer.Ordinal);
            foreach (var pair in request.Query)
            {
                query[pair.Key] = pair.Value;
            }

            if (FindClient(request, tenant, query, publicFlow: true, out var client) is { } refused)
            {
                return refused;
            }

            var redirect = Field(query, "redirect_uri");
            if (redirect is null || !Uri.TryCreate(redirect, UriKind.Absolute, out var redirectUri) || !redirectUri.IsLoopback)
            {
                return AadError(request, 400, "invalid_request", 50011, $"The redirect URI '{redirect}' specified in the request does not match the redirect URIs configured for the application '{client!.ClientId}'. The emulator accepts loopback redirect URIs only.");
            }

            var scope = Field(query, "scope") ?? string.Empty;
            if (ResourceInScopes(scope) is null)
            {
                return AadError(request, 400, "invalid_scope", 70011, $"The provided value for the input parameter 'scope' is not valid: '{scope}'.");
            }

            var code = new AuthorizationCode(RandomNumberGenerator.GetString(TokenAlphabet, 48), client!.ClientId, client.TenantId, redirect, Field(query, "code_challenge"), scope, State.UtcNow.AddMinutes(10));
            OAuth.AddAuthorizationCode(code);
            var location = redirect + (redirect.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "code=" + Uri.EscapeDataString(code.Code);
            if (Field(query, "state") is { } clientState)
            {
                location += "&state=" + Uri.EscapeDataString(clientState);
            }

            return ApiResponse.Empty(302).WithHeader("Location", location);
        }

        public ApiResponse Token(ApiRequest request, Dictionary<string, StringValues> form)
        {
            var code = Field(form, "code");
            var entry = code is null ? null : OAuth.TakeAuthorizationCode(code);
            if (entry is null || entry.ExpiresOn <= State.UtcNow || !string.Equals(entry.ClientId, Field(form, "client_id"), StringComparison.OrdinalIgnoreCase))
            {
                return AadError(request, 400, "invalid_grant", 70008, "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.");
            }

            if (!string.Equals(entry.RedirectUri, Field(form, "redirect_uri"), StringComparison.Ordinal))
            {
                return AadError(request, 400, "invalid_grant", 500117, "The reply uri specified in the request does not match the reply uri used in the authorization request.");
            }

            if (entry.CodeChallenge is not null)
            {
                var verifier = Field(form, "code_verifier") ?? string.Empty;
                var challenge = Base64Url.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
                if (!string.Equals(challenge, entry.CodeChallenge, StringComparison.Ordinal))
                {
                    return AadError(request, 400, "invalid_grant", 501481, "The Code_Verifier does not match the code_challenge supplied in the authorization request.");
                }
            }

            return userTokens.Issue(request, new UserGrant(entry.ClientId, entry.TenantId, entry.Scope), "authorization_code", "authorization_code");
        }

        public ApiResponse Refresh(ApiRequest request, Dictionary<string, StringValues> form)
        {
            var token = Field(form, "refresh_token");
            var grant = token is null ? null : OAuth.TakeRefreshToken(token);
            if (grant is null || !string.Equals(grant.ClientId, Field(form, "client_id"), StringComparison.OrdinalIgnoreCase))
            {
                return AadError(request, 400, "invalid_grant", 700082, "The refresh token has expired or was revoked. Sign in again.");
            }

            return userTokens.Issue(request, grant, "refresh_token", "refresh_token", Field(form, "scope"));
        }
    }
}
