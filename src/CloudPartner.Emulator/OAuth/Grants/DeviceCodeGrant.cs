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
    /// <summary>The device code flow: the devicecode endpoint hands out codes, the token endpoint redeems them once the user (or the admin hook) has.</summary>
    internal sealed class DeviceCodeGrant : IdentityEndpoint
    {
        public const string GrantType = "urn:ietf:params:oauth:grant-type:device_code";
        private const string UserCodeAlphabet = "BCDFGHJKLMNPQRSTVWXZ23456789";
        private static readonly TimeSpan DeviceCodeLifetime = TimeSpan.FromMinutes(15);
        private readonly UserTokens userTokens;

        public DeviceCodeGrant(EmulatorState state, UserTokens userTokens)
            : base(state)
        {
            this.userTokens = userTokens;
        }

        public ApiResponse Start(ApiRequest request, string tenant, Dictionary<string, StringValues> form)
        {
            if (FindClient(request, tenant, form, publicFlow: true, out var client) is { } refused)
            {
                return refused;
            }

            var scope = Field(form, "scope") ?? string.Empty;
            if (ResourceInScopes(scope) is null)
            {
                return AadError(request, 400, "invalid_scope", 70011, $"The provided request must include a 'scope' input parameter naming {OAuthState.Resource} or {OAuthState.GraphResource}. The provided value for the input parameter 'scope' is not valid: '{scope}'.");
            }

            var now = State.UtcNow;
            var userCode = RandomNumberGenerator.GetString(UserCodeAlphabet, 9);
            var entry = new DeviceCodeEntry
            {
                DeviceCode = RandomNumberGenerator.GetString(TokenAlphabet, 48),
                UserCode = userCode,
                ClientId = client!.ClientId,
                TenantId = client.TenantId,
                Scope = scope,
                CreatedOn = now,
                ExpiresOn = now + DeviceCodeLifetime,
            };
            OAuth.AddDeviceCode(entry);
            var verification = request.BaseUri + "/devicelogin";
            return ApiResponse.Of(200, new
            {
                user_code = entry.UserCode,
                device_code = entry.DeviceCode,
                verification_uri = verification,
                expires_in = (long)DeviceCodeLifetime.TotalSeconds,
                interval = (long)Math.Ceiling(OAuth.DeviceCodeInterval.TotalSeconds),
                message = $"To sign in, use a web browser to open the page {verification} and enter the code {entry.UserCode} to authenticate.",
            });
        }

        public ApiResponse Token(ApiRequest request, Dictionary<string, StringValues> form)
        {
            var code = Field(form, "device_code");
            var entry = code is null ? null : OAuth.FindDeviceCode(code);
            if (entry is null || !string.Equals(entry.ClientId, Field(form, "client_id"), StringComparison.OrdinalIgnoreCase))
            {
                return AadError(request, 400, "invalid_grant", 70000, "The provided value for the input parameter 'device_code' is not valid.");
            }

            if (entry.ExpiresOn <= State.UtcNow)
            {
                OAuth.RemoveDeviceCode(entry.DeviceCode);
                return AadError(request, 400, "expired_token", 70020, "The provided value for the input parameter 'device_code' is not valid. This device code has expired.");
            }

            switch (entry.Status)
            {
                case DeviceCodeStatus.Pending:
                    return AadError(request, 400, "authorization_pending", 70016, "OAuth 2.0 device flow error. Authorization is pending. Continue polling.");
                case DeviceCodeStatus.Declined:
                    OAuth.RemoveDeviceCode(entry.DeviceCode);
                    return AadError(request, 400, "authorization_declined", 70000, "The user declined the sign-in request.");
            }

            OAuth.RemoveDeviceCode(entry.DeviceCode);
            return userTokens.Issue(request, new UserGrant(entry.ClientId, entry.TenantId, entry.Scope), GrantType, "device_code");
        }
    }
}
