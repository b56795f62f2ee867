using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json.Serialization;
using CloudPartner.Emulator.Http;
using CloudPartner.Emulator.OAuth.Grants;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Primitives;

namespace CloudPartner.Emulator.OAuth
{
    /// <summary>
    /// The emulator's identity provider, in the shape Entra ID (v2.0 endpoints) and Azure managed identity answer:
    /// authority metadata, the token endpoint (one grant type per class under Grants/), device code, authorize, and the
    /// App Service and IMDS managed-identity endpoints. Errors carry AADSTS codes as Entra ID sends them.
    /// </summary>
    internal sealed class IdentityApi : IdentityEndpoint
    {
        private readonly ClientCredentialsGrant clientCredentials;
        private readonly DeviceCodeGrant deviceCode;
        private readonly AuthorizationCodeGrant authorizationCode;
        private readonly ManagedIdentityGrant managedIdentity;

        public IdentityApi(EmulatorState state)
            : base(state)
        {
            var userTokens = new UserTokens(state);
            clientCredentials = new ClientCredentialsGrant(state);
            deviceCode = new DeviceCodeGrant(state, userTokens);
            authorizationCode = new AuthorizationCodeGrant(state, userTokens);
            managedIdentity = new ManagedIdentityGrant(state);
        }

        /// <summary>Whether a request is for the identity provider: everything that is neither the CPP API nor the admin endpoint.</summary>
        public static bool Serves(HttpContext context)
        {
            var path = context.Request.Path;
            return !path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) && !path.StartsWithSegments(ProductIngestion.ProductIngestionApi.Prefix, StringComparison.OrdinalIgnoreCase)
                && path.Value is not ("/" or "");
        }

        public static ApiResponse MethodNotAllowed(HttpContext context, string allow)
        {
            return AadError(ApiRequest.Of(context), 405, "invalid_request", 900561, $"The endpoint only accepts {allow} requests. Received a {context.Request.Method} request.");
        }

        public void Map(IEndpointRouteBuilder endpoints)
        {
            // Its routes start with a tenant, not a fixed prefix: the group has none.
            var app = endpoints.MapGroup(string.Empty);
            app.MapGet("/{tenant}/v2.0/.well-known/openid-configuration", (HttpContext c, string tenant) => OpenIdConfiguration(ApiRequest.Of(c), tenant));
            app.MapGet("/{tenant}/discovery/instance", (HttpContext c) => InstanceDiscovery(ApiRequest.Of(c)));
            app.MapGet("/{tenant}/discovery/v2.0/keys", Keys);
            app.MapGet("/devicelogin", (HttpContext c) => DeviceLoginPage(ApiRequest.Of(c)));
            app.MapGet("/{tenant}/oauth2/v2.0/authorize", (HttpContext c, string tenant) => authorizationCode.Authorize(ApiRequest.Of(c), tenant));
            app.MapPost("/{tenant}/oauth2/v2.0/devicecode", (HttpContext c, string tenant) => WithForm(c, form => deviceCode.Start(ApiRequest.Of(c), tenant, form)));
            app.MapPost("/{tenant}/oauth2/v2.0/token", (HttpContext c, string tenant) => WithForm(c, form => Token(ApiRequest.Of(c), tenant, form)));
            app.MapGet("/msi/token", (HttpContext c) => managedIdentity.Token(ApiRequest.Of(c), appService: true));
            app.MapGet("/metadata/identity/oauth2/token", (HttpContext c) => managedIdentity.Token(ApiRequest.Of(c), appService: false));
        }

        private static ApiResponse WithForm(HttpContext context, Func<Dictionary<string, StringValues>, ApiResponse> handler)
        {
            var request = ApiRequest.Of(context);
            return FormBody(request) ?? handler(Form(request));
        }

        private ApiResponse Token(ApiRequest request, string tenant, Dictionary<string, StringValues> form)
        {
            var grant = Field(form, "grant_type");
            return grant switch
            {
                "client_credentials" => clientCredentials.Token(request, tenant, form),
                DeviceCodeGrant.GrantType or "device_code" => deviceCode.Token(request, form),
                "authorization_code" => authorizationCode.Token(request, form),
                "refresh_token" => authorizationCode.Refresh(request, form),
                null => AadError(request, 400, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'."),
                _ => AadError(request, 400, "unsupported_grant_type", 70003, $"The app requested an unsupported grant type '{grant}'."),
            };
        }

        private static ApiResponse OpenIdConfiguration(ApiRequest request, string tenant)
        {
            var root = request.BaseUri + "/" + tenant;
            return ApiResponse.Of(200, new
            {
                token_endpoint = root + "/oauth2/v2.0/token",
                token_endpoint_auth_methods_supported = new[] { "client_secret_post", "private_key_jwt", "client_secret_basic" },
                jwks_uri = root + "/discovery/v2.0/keys",
                response_modes_supported = new[] { "query", "fragment", "form_post" },
                subject_types_supported = new[] { "pairwise" },
                id_token_signing_alg_values_supported = new[] { "ES256" },
                response_types_supported = new[] { "code", "id_token", "code id_token", "id_token token" },
                scopes_supported = new[] { "openid", "profile", "email", "offline_access" },
                issuer = root + "/v2.0",
                request_uri_parameter_supported = false,
                authorization_endpoint = root + "/oauth2/v2.0/authorize",
                device_authorization_endpoint = root + "/oauth2/v2.0/devicecode",
                end_session_endpoint = root + "/oauth2/v2.0/logout",
                claims_supported = new[] { "sub", "iss", "aud", "exp", "iat", "nbf", "name", "oid", "tid", "preferred_username" },
                tenant_region_scope = "WW",
                cloud_instance_name = new Uri(request.BaseUri).Authority,
            });
        }

        private static ApiResponse InstanceDiscovery(ApiRequest request)
        {
            var tenant = Uri.TryCreate(request.Query["authorization_endpoint"].ToString(), UriKind.Absolute, out var authorize)
                ? authorize.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "common"
                : "common";
            var host = new Uri(request.BaseUri).Authority;
            return ApiResponse.Of(200, new InstanceDiscoveryBody(
                $"{request.BaseUri}/{tenant}/v2.0/.well-known/openid-configuration",
                "1.1",
                [new InstanceMetadata(host, host, [host])]));
        }

        private ApiResponse Keys()
        {
            var key = OAuth.SigningKey.ExportParameters(false).Q;
            return ApiResponse.Of(200, new { keys = new[] { new { kty = "EC", use = "sig", kid = OAuthState.SigningKeyId, crv = "P-256", x = Base64Url.Encode(key.X!), y = Base64Url.Encode(key.Y!) } } });
        }

        private static ApiResponse DeviceLoginPage(ApiRequest request)
        {
            var html = "<html><head><title>CloudPartner emulator device login</title></head><body><p>This is the CloudPartner emulator. "
                + $"Complete a device code with <code>POST {request.BaseUri}/_emulator/oauth/devicecode/complete</code>.</p></body></html>";
            return new ApiResponse(200, Encoding.UTF8.GetBytes(html), "text/html; charset=utf-8");
        }

        private sealed record InstanceDiscoveryBody(
            [property: JsonPropertyName("tenant_discovery_endpoint")] string TenantDiscoveryEndpoint,
            [property: JsonPropertyName("api-version")] string ApiVersion,
            InstanceMetadata[] Metadata);

        private sealed record InstanceMetadata(
            [property: JsonPropertyName("preferred_network")] string PreferredNetwork,
            [property: JsonPropertyName("preferred_cache")] string PreferredCache,
            string[] Aliases);
    }
}
