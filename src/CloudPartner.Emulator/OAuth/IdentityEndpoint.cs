using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using CloudPartner.Emulator.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace CloudPartner.Emulator.OAuth
{
    /// <summary>What every part of the identity provider shares: the client look-up, token minting and Entra ID's error shape.</summary>
    internal abstract class IdentityEndpoint
    {
        protected const string TokenAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

        protected IdentityEndpoint(EmulatorState state)
        {
            State = state;
        }

        protected EmulatorState State { get; }

        protected OAuthState OAuth => State.OAuth;

        /// <summary>Issues an access token to a client and records it; the answer's shape is the caller's.</summary>
        protected string Issue(OAuthClient? client, string clientId, string tenantId, string audience, string grantType, string method, bool user, string? assertionFingerprint = null, bool chainSent = false)
        {
            var now = State.UtcNow;
            var expires = now + OAuth.TokenLifetime;
            var token = AccessToken(clientId, tenantId, audience, now, expires, user);
            OAuth.RecordIssue(token, client?.Publishers, new OAuthIssue(now, clientId, tenantId, grantType, method, RequestLog.Fingerprint(token), expires, assertionFingerprint, chainSent, audience));
            return token;
        }

        /// <summary>Finds the client named by <c>client_id</c> in the tenant of the authority; an AADSTS error otherwise.</summary>
        protected ApiResponse? FindClient(ApiRequest request, string tenant, Dictionary<string, StringValues> form, bool publicFlow, out OAuthClient? client)
        {
            var clientId = Field(form, "client_id");
            client = null;
            if (clientId is null)
            {
                return AadError(request, 400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.");
            }

            var found = OAuth.FindClient(clientId);
            var tenantMatches = found is not null && (string.Equals(found.TenantId, tenant, StringComparison.OrdinalIgnoreCase)
                || (publicFlow && (Is(tenant, "organizations") || Is(tenant, "common"))));
            if (found is null || !tenantMatches)
            {
                return AadError(request, 400, "unauthorized_client", 700016, $"Application with identifier '{clientId}' was not found in the directory '{tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.");
            }

            if (publicFlow && !found.PublicClient)
            {
                return AadError(request, 400, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'. (The application is not a public client.)");
            }

            client = found;
            return null;
        }

        protected string AccessToken(string clientId, string tenantId, string audience, DateTimeOffset now, DateTimeOffset expires, bool user)
        {
            var claims = new JsonObject
            {
                ["aud"] = audience,
                ["iss"] = $"https://sts.windows.net/{tenantId}/",
                ["iat"] = now.ToUnixTimeSeconds(),
                ["nbf"] = now.ToUnixTimeSeconds(),
                ["exp"] = expires.ToUnixTimeSeconds(),
                ["appid"] = clientId,
                ["appidacr"] = "1",
                ["idtyp"] = user ? "user" : "app",
                ["oid"] = user ? StableGuid("user:" + tenantId) : StableGuid("app:" + clientId),
                ["tid"] = tenantId,
                ["uti"] = RandomNumberGenerator.GetString(TokenAlphabet, 22),
                ["ver"] = "1.0",
            };
            if (user)
            {
                claims["scp"] = "user_impersonation";
                claims["upn"] = "user@" + tenantId + ".example";
            }

            return Jwt.Sign(new JsonObject { ["typ"] = "JWT", ["alg"] = "ES256", ["kid"] = OAuthState.SigningKeyId }, claims, OAuth.SigningKey);
        }

        internal static ApiResponse AadError(ApiRequest request, int status, string error, int code, string description)
        {
            var now = DateTimeOffset.UtcNow;
            var trace = Guid.NewGuid().ToString();
            var correlation = request.Headers["client-request-id"].ToString();
            if (correlation.Length == 0)
            {
                correlation = Guid.NewGuid().ToString();
            }

            var timestamp = now.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            return ApiResponse.Of(status, new
            {
                error,
                error_description = $"AADSTS{code}: {description} Trace ID: {trace} Correlation ID: {correlation} Timestamp: {timestamp}",
                error_codes = new[] { code },
                timestamp,
                trace_id = trace,
                correlation_id = correlation,
                error_uri = $"{request.BaseUri}/error?code={code}",
            });
        }

        /// <summary>Entra ID reads only form-encoded bodies: anything else has, to it, no grant_type at all.</summary>
        protected static ApiResponse? FormBody(ApiRequest request)
        {
            var type = request.Headers.ContentType.ToString();
            return type.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
                ? null
                : AadError(request, 400, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'.");
        }

        protected static Dictionary<string, StringValues> Form(ApiRequest request)
        {
            return request.Body.Length == 0 ? new Dictionary<string, StringValues>() : QueryHelpers.ParseQuery("?" + Encoding.UTF8.GetString(request.Body));
        }

        protected static string? Field(Dictionary<string, StringValues> form, string name)
        {
            return form.TryGetValue(name, out var value) && !StringValues.IsNullOrEmpty(value) ? value.ToString() : null;
        }

        /// <summary>The API a scope (<c>…/.default</c>, <c>…/user_impersonation</c>) or a resource names: CPP or Microsoft Graph; null for another.</summary>
        protected static string? ResourceOf(string? scopeOrResource)
        {
            var text = scopeOrResource?.Trim() ?? string.Empty;
            return new[] { OAuthState.Resource, OAuthState.GraphResource }.FirstOrDefault(resource =>
                string.Equals(text.TrimEnd('/'), resource, StringComparison.OrdinalIgnoreCase) || text.StartsWith(resource + "/", StringComparison.OrdinalIgnoreCase));
        }

        /// <summary>The first API named among space-separated scopes (a user sign-in also asks for openid and the like).</summary>
        protected static string? ResourceInScopes(string? scopes)
        {
            return (scopes ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(ResourceOf).FirstOrDefault(r => r is not null);
        }

        protected static byte[]? DecodeThumbprint(string? text)
        {
            try
            {
                return string.IsNullOrEmpty(text) ? null : Base64Url.Decode(text);
            }
            catch (FormatException)
            {
                return null;
            }
        }

        protected static string StableGuid(string seed) => new Guid(MD5.HashData(Encoding.UTF8.GetBytes(seed))).ToString();

        protected static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

        protected static bool Is(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
    }
}
