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
    /// <summary>Managed identity: the App Service endpoint (<c>/msi/token</c>, X-IDENTITY-HEADER) and IMDS
    /// (<c>/metadata/identity/oauth2/token</c>, Metadata: true), system-assigned or user-assigned by client id.</summary>
    internal sealed class ManagedIdentityGrant : IdentityEndpoint
    {
        public ManagedIdentityGrant(EmulatorState state)
            : base(state)
        {
        }

        public ApiResponse Token(ApiRequest request, bool appService)
        {
            if (appService)
            {
                if (!string.Equals(request.Headers["X-IDENTITY-HEADER"].ToString(), OAuth.ManagedIdentityHeader, StringComparison.Ordinal))
                {
                    return IdentityError(401, "The X-IDENTITY-HEADER header is missing or does not match IDENTITY_HEADER.");
                }
            }
            else if (!string.Equals(request.Headers["Metadata"].ToString(), "true", StringComparison.OrdinalIgnoreCase))
            {
                return ApiResponse.Of(400, new { error = "invalid_request", error_description = "Required metadata header not specified" });
            }

            var resource = request.Query["resource"].ToString();
            if (ResourceOf(resource) is not { } audience)
            {
                return IdentityError(400, $"The resource '{resource}' is not known to the emulator; ask for {OAuthState.Resource} or {OAuthState.GraphResource}.");
            }

            var clientId = OAuth.SystemAssignedClientId;
            var tenantId = OAuth.ManagedIdentityTenantId;
            OAuthClient? client = null;
            var requested = request.Query["client_id"].ToString();
            if (requested.Length == 0 && (request.Query.ContainsKey("mi_res_id") || request.Query.ContainsKey("object_id") || request.Query.ContainsKey("msi_res_id")))
            {
                return IdentityError(400, "The emulator knows user-assigned identities by client id only.");
            }

            if (requested.Length > 0)
            {
                client = OAuth.FindClient(requested);
                if (client is null || !client.ManagedIdentity)
                {
                    return IdentityError(400, "Unable to load the proper Managed Identity. No User Assigned or Delegated Managed Identity found for specified ClientId/ResourceId/PrincipalId.");
                }

                clientId = client.ClientId;
                tenantId = client.TenantId;
            }

            var token = Issue(client, clientId, tenantId, audience, appService ? "app_service" : "imds", "managed_identity", user: false);
            var expiresOn = (DateTimeOffset.UtcNow + OAuth.TokenLifetime).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            var lifetime = ((long)OAuth.TokenLifetime.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            return ApiResponse.Of(200, new
            {
                access_token = token,
                expires_on = expiresOn,
                expires_in = appService ? null : lifetime,
                not_before = appService ? null : DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
                resource,
                token_type = "Bearer",
                client_id = clientId,
            });
        }

        private static ApiResponse IdentityError(int status, string message)
        {
            return ApiResponse.Of(status, new { statusCode = status, message, correlationId = Guid.NewGuid().ToString() });
        }
    }
}
