using System;
using System.Collections.Generic;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudPartner.Emulator.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace CloudPartner.Emulator.OAuth
{
    /// <summary>
    /// The emulator's identity provider, in the shape Entra ID (v2.0 endpoints) and Azure managed identity answer:
    /// authority metadata, the token endpoint (client credentials with a secret, a certificate-signed assertion or a
    /// federated assertion; device code; authorization code; refresh token), device code, authorize, and the App Service
    /// and IMDS managed-identity endpoints. Errors carry AADSTS codes as Entra ID sends them.
    /// </summary>
    internal sealed class OAuthApi
    {
        private const string JwtBearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
        private const string DeviceCodeGrant = "urn:ietf:params:oauth:grant-type:device_code";
        private const string UserCodeAlphabet = "BCDFGHJKLMNPQRSTVWXZ23456789";
        private const string TokenAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        private static readonly TimeSpan AssertionSkew = TimeSpan.FromMinutes(5);
        private static readonly TimeSpan DeviceCodeLifetime = TimeSpan.FromMinutes(15);

        private readonly EmulatorState state;

        public OAuthApi(EmulatorState state)
        {
            this.state = state;
        }

        private OAuthState OAuth => this.state.OAuth;

        /// <summary>True for the paths this endpoint serves (everything else is the CPP API or the admin endpoint).</summary>
        public static bool Matches(string path)
        {
            var s = Segments(path);
            if (s.Length == 0 || Is(s[0], "api") || Is(s[0], "_emulator"))
            {
                return false;
            }

            return s.Length switch
            {
                1 => Is(s[0], "devicelogin"),
                2 => Is(s[0], "msi") && Is(s[1], "token"),
                3 => Is(s[1], "discovery") && Is(s[2], "instance"),
                4 => (Is(s[1], "oauth2") && Is(s[2], "v2.0") && (Is(s[3], "token") || Is(s[3], "devicecode") || Is(s[3], "authorize")))
                    || (Is(s[1], "v2.0") && Is(s[2], ".well-known") && Is(s[3], "openid-configuration"))
                    || (Is(s[1], "discovery") && Is(s[2], "v2.0") && Is(s[3], "keys"))
                    || (Is(s[0], "metadata") && Is(s[1], "identity") && Is(s[2], "oauth2") && Is(s[3], "token")),
                _ => false,
            };
        }

        public ApiResponse Handle(ApiRequest request)
        {
            var s = Segments(request.Path);
            if (s.Length == 1)
            {
                return Get(request) ?? DeviceLoginPage(request);
            }

            if (s.Length == 2)
            {
                return Get(request) ?? ManagedIdentity(request, appService: true);
            }

            if (s.Length == 3)
            {
                return Get(request) ?? InstanceDiscovery(request);
            }

            if (Is(s[0], "metadata"))
            {
                return Get(request) ?? ManagedIdentity(request, appService: false);
            }

            var tenant = s[0];
            if (Is(s[1], "v2.0"))
            {
                return Get(request) ?? OpenIdConfiguration(request, tenant);
            }

            if (Is(s[1], "discovery"))
            {
                return Get(request) ?? Keys();
            }

            switch (s[3].ToLowerInvariant())
            {
                case "authorize":
                    return Get(request) ?? Authorize(request, tenant);
                case "devicecode":
                    return Post(request) ?? FormBody(request) ?? DeviceCode(request, tenant, Form(request));
                default:
                    return Post(request) ?? FormBody(request) ?? Token(request, tenant, Form(request));
            }
        }

        // ---- metadata -----------------------------------------------------------------------------------------

        private static ApiResponse OpenIdConfiguration(ApiRequest request, string tenant)
        {
            var root = request.BaseUri + "/" + tenant;
            return Ok(w =>
            {
                w.WriteStartObject();
                w.WriteString("token_endpoint", root + "/oauth2/v2.0/token");
                WriteArray(w, "token_endpoint_auth_methods_supported", "client_secret_post", "private_key_jwt", "client_secret_basic");
                w.WriteString("jwks_uri", root + "/discovery/v2.0/keys");
                WriteArray(w, "response_modes_supported", "query", "fragment", "form_post");
                WriteArray(w, "subject_types_supported", "pairwise");
                WriteArray(w, "id_token_signing_alg_values_supported", "ES256");
                WriteArray(w, "response_types_supported", "code", "id_token", "code id_token", "id_token token");
                WriteArray(w, "scopes_supported", "openid", "profile", "email", "offline_access");
                w.WriteString("issuer", root + "/v2.0");
                w.WriteBoolean("request_uri_parameter_supported", false);
                w.WriteString("authorization_endpoint", root + "/oauth2/v2.0/authorize");
                w.WriteString("device_authorization_endpoint", root + "/oauth2/v2.0/devicecode");
                w.WriteString("end_session_endpoint", root + "/oauth2/v2.0/logout");
                WriteArray(w, "claims_supported", "sub", "iss", "aud", "exp", "iat", "nbf", "name", "oid", "tid", "preferred_username");
                w.WriteString("tenant_region_scope", "WW");
                w.WriteString("cloud_instance_name", new Uri(request.BaseUri).Authority);
                w.WriteEndObject();
            });
        }

        private static ApiResponse InstanceDiscovery(ApiRequest request)
        {
            var tenant = "common";
            if (Uri.TryCreate(request.Query["authorization_endpoint"].ToString(), UriKind.Absolute, out var authorize))
            {
                var first = Segments(authorize.AbsolutePath);
                if (first.Length > 0)
                {
                    tenant = first[0];
                }
            }

            var host = new Uri(request.BaseUri).Authority;
            return Ok(w =>
            {
                w.WriteStartObject();
                w.WriteString("tenant_discovery_endpoint", $"{request.BaseUri}/{tenant}/v2.0/.well-known/openid-configuration");
                w.WriteString("api-version", "1.1");
                w.WriteStartArray("metadata");
                w.WriteStartObject();
                w.WriteString("preferred_network", host);
                w.WriteString("preferred_cache", host);
                WriteArray(w, "aliases", host);
                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteEndObject();
            });
        }

        private ApiResponse Keys()
        {
            var parameters = OAuth.SigningKey.ExportParameters(false);
            return Ok(w =>
            {
                w.WriteStartObject();
                w.WriteStartArray("keys");
                w.WriteStartObject();
                w.WriteString("kty", "EC");
                w.WriteString("use", "sig");
                w.WriteString("kid", OAuthState.SigningKeyId);
                w.WriteString("crv", "P-256");
                w.WriteString("x", Base64Url.Encode(parameters.Q.X!));
                w.WriteString("y", Base64Url.Encode(parameters.Q.Y!));
                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteEndObject();
            });
        }

        private static ApiResponse DeviceLoginPage(ApiRequest request)
        {
            var html = "<html><head><title>CloudPartner emulator device login</title></head><body><p>This is the CloudPartner emulator. "
                + $"Complete a device code with <code>POST {request.BaseUri}/_emulator/oauth/devicecode/complete</code>.</p></body></html>";
            return new ApiResponse(200, Encoding.UTF8.GetBytes(html), "text/html; charset=utf-8");
        }

        // ---- token endpoint -----------------------------------------------------------------------------------

        private ApiResponse Token(ApiRequest request, string tenant, Dictionary<string, StringValues> form)
        {
            var grant = Field(form, "grant_type");
            switch (grant)
            {
                case "client_credentials":
                    return ClientCredentials(request, tenant, form);
                case DeviceCodeGrant:
                case "device_code":
                    return DeviceCodeToken(request, tenant, form);
                case "authorization_code":
                    return AuthorizationCodeToken(request, tenant, form);
                case "refresh_token":
                    return RefreshToken(request, tenant, form);
                case null:
                    return AadError(request, 400, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'.");
                default:
                    return AadError(request, 400, "unsupported_grant_type", 70003, $"The app requested an unsupported grant type '{grant}'.");
            }
        }

        private ApiResponse ClientCredentials(ApiRequest request, string tenant, Dictionary<string, StringValues> form)
        {
            if (FindClient(request, tenant, form, publicFlow: false, out var client) is { } refused)
            {
                return refused;
            }

            var scope = Field(form, "scope");
            if (scope is null || !scope.EndsWith("/.default", StringComparison.Ordinal))
            {
                return AadError(request, 400, "invalid_scope", 1002012, $"The provided value for scope {scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).");
            }

            if (!IsResource(scope))
            {
                return AadError(request, 400, "invalid_resource", 500011, $"The resource principal named {scope[..^"/.default".Length]} was not found in the tenant named {tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.");
            }

            var secret = Field(form, "client_secret");
            var assertion = Field(form, "client_assertion");
            string method;
            string? assertionFingerprint = null;
            var chainSent = false;
            if (secret is not null)
            {
                if (client!.Secret is null || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(client.Secret)))
                {
                    return AadError(request, 401, "invalid_client", 7000215, $"Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{client.ClientId}'.");
                }

                method = "client_secret";
            }
            else if (assertion is not null)
            {
                if (Field(form, "client_assertion_type") != JwtBearer)
                {
                    return AadError(request, 400, "invalid_request", 7000219, "'client_assertion' or 'client_secret' is required; 'client_assertion_type' must be 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'.");
                }

                var jwt = Jwt.TryParse(assertion);
                if (jwt is null)
                {
                    return AadError(request, 401, "invalid_client", 50027, "JWT token is invalid or malformed.");
                }

                var invalid = string.Equals(jwt.Issuer, client!.ClientId, StringComparison.OrdinalIgnoreCase)
                    ? CheckCertificateAssertion(request, tenant, client, jwt, out chainSent)
                    : CheckFederatedAssertion(request, client, jwt);
                if (invalid is not null)
                {
                    return invalid;
                }

                method = string.Equals(jwt.Issuer, client.ClientId, StringComparison.OrdinalIgnoreCase) ? "certificate" : "federated";
                assertionFingerprint = RequestLog.Fingerprint(assertion);
            }
            else
            {
                return AadError(request, 401, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
            }

            var now = this.state.UtcNow;
            var expires = now + OAuth.TokenLifetime;
            var token = AccessToken(client.ClientId, client.TenantId, now, expires, user: false);
            OAuth.RecordIssue(token, client.Publishers, new OAuthIssue(now, client.ClientId, client.TenantId, "client_credentials", method, RequestLog.Fingerprint(token), expires, assertionFingerprint, chainSent));
            return Ok(w =>
            {
                w.WriteStartObject();
                w.WriteString("token_type", "Bearer");
                w.WriteNumber("expires_in", (long)OAuth.TokenLifetime.TotalSeconds);
                w.WriteNumber("ext_expires_in", (long)OAuth.TokenLifetime.TotalSeconds);
                w.WriteString("access_token", token);
                w.WriteEndObject();
            });
        }

        private ApiResponse? CheckCertificateAssertion(ApiRequest request, string tenant, OAuthClient client, Jwt jwt, out bool chainSent)
        {
            // x5c is an array of base64 certificates by RFC 7515; MSAL sends a single string, which Entra ID accepts too.
            chainSent = jwt.Header["x5c"] is JsonArray { Count: > 0 } || !string.IsNullOrEmpty(Json.GetString(jwt.Header["x5c"]));
            var sha1 = DecodeThumbprint(Json.GetString(jwt.Header["x5t"]));
            var sha256 = DecodeThumbprint(Json.GetString(jwt.Header["x5t#S256"]));
            X509Certificate2? match = null;
            foreach (var certificate in client.Certificates)
            {
                if ((sha1 is not null && sha1.AsSpan().SequenceEqual(certificate.GetCertHash()))
                    || (sha256 is not null && sha256.AsSpan().SequenceEqual(certificate.GetCertHash(HashAlgorithmName.SHA256))))
                {
                    match = certificate;
                    break;
                }
            }

            var presented = sha1 is not null ? Convert.ToHexString(sha1) : sha256 is not null ? Convert.ToHexString(sha256) : "(none)";
            if (match is null)
            {
                return AadError(request, 401, "invalid_client", 700027, $"The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '{presented}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '{client.ClientId}'.]");
            }

            if (!jwt.VerifySignature(match))
            {
                return AadError(request, 401, "invalid_client", 700027, $"Client assertion failed signature validation. [Reason - The provided signature value did not match the expected signature value., Thumbprint of key used by client: '{presented}', Found key 'Start=…, End=…', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '{client.ClientId}'.]");
            }

            var audience = $"{request.BaseUri}/{tenant}/oauth2/v2.0/token";
            if (!jwt.HasAudience(audience) && !jwt.HasAudience($"{request.BaseUri}/{tenant}/v2.0"))
            {
                return AadError(request, 401, "invalid_client", 700212, $"The audience {jwt.AudienceText()} of the client assertion does not match the token endpoint {audience}.");
            }

            if (!string.Equals(jwt.Subject, client.ClientId, StringComparison.OrdinalIgnoreCase))
            {
                return AadError(request, 401, "invalid_client", 700021, "Client assertion application identifier doesn't match 'client_id' parameter.");
            }

            return CheckAssertionTimes(request, jwt);
        }

        private ApiResponse? CheckFederatedAssertion(ApiRequest request, OAuthClient client, Jwt jwt)
        {
            FederatedCredential? issuerMatch = null;
            FederatedCredential? match = null;
            foreach (var credential in client.FederatedCredentials)
            {
                if (string.Equals(credential.Issuer, jwt.Issuer, StringComparison.Ordinal))
                {
                    issuerMatch = credential;
                    if (string.Equals(credential.Subject, jwt.Subject, StringComparison.Ordinal))
                    {
                        match = credential;
                        break;
                    }
                }
            }

            if (issuerMatch is null)
            {
                return AadError(request, 400, "invalid_request", 700211, $"No matching federated identity record found for presented assertion issuer '{jwt.Issuer}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.");
            }

            if (match is null)
            {
                return AadError(request, 400, "invalid_request", 700213, $"No matching federated identity record found for presented assertion subject '{jwt.Subject}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.");
            }

            if (!jwt.HasAudience(match.Audience))
            {
                return AadError(request, 400, "invalid_request", 700212, $"No matching federated identity record found for presented assertion audience {jwt.AudienceText()}. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.");
            }

            return CheckAssertionTimes(request, jwt);
        }

        /// <summary>Assertions are minted by real clocks, so their times are checked against the real clock (with 5 minutes of skew),
        /// not the emulator's (possibly manual) clock.</summary>
        private static ApiResponse? CheckAssertionTimes(ApiRequest request, Jwt jwt)
        {
            var now = DateTimeOffset.UtcNow;
            if (jwt.Expires is not { } expires || expires + AssertionSkew <= now || (jwt.NotBefore is { } nbf && nbf - AssertionSkew > now))
            {
                return AadError(request, 400, "invalid_client", 700024, $"Client assertion is not within its valid time range. Current time: {Iso(now)}, assertion valid from {(jwt.NotBefore is { } from ? Iso(from) : "(unset)")}, expiry time of assertion {(jwt.Expires is { } exp ? Iso(exp) : "(unset)")}.");
            }

            return null;
        }

        private ApiResponse DeviceCode(ApiRequest request, string tenant, Dictionary<string, StringValues> form)
        {
            if (FindClient(request, tenant, form, publicFlow: true, out var client) is { } refused)
            {
                return refused;
            }

            var scope = Field(form, "scope") ?? string.Empty;
            if (!HasResourceScope(scope))
            {
                return AadError(request, 400, "invalid_scope", 70011, $"The provided request must include a 'scope' input parameter naming {OAuthState.Resource}. The provided value for the input parameter 'scope' is not valid: '{scope}'.");
            }

            var now = this.state.UtcNow;
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
            return Ok(w =>
            {
                w.WriteStartObject();
                w.WriteString("user_code", entry.UserCode);
                w.WriteString("device_code", entry.DeviceCode);
                w.WriteString("verification_uri", verification);
                w.WriteNumber("expires_in", (long)DeviceCodeLifetime.TotalSeconds);
                w.WriteNumber("interval", (long)Math.Ceiling(OAuth.DeviceCodeInterval.TotalSeconds));
                w.WriteString("message", $"To sign in, use a web browser to open the page {verification} and enter the code {entry.UserCode} to authenticate.");
                w.WriteEndObject();
            });
        }

        private ApiResponse DeviceCodeToken(ApiRequest request, string tenant, Dictionary<string, StringValues> form)
        {
            var code = Field(form, "device_code");
            var entry = code is null ? null : OAuth.FindDeviceCode(code);
            if (entry is null || !string.Equals(entry.ClientId, Field(form, "client_id"), StringComparison.OrdinalIgnoreCase))
            {
                return AadError(request, 400, "invalid_grant", 70000, "The provided value for the input parameter 'device_code' is not valid.");
            }

            if (entry.ExpiresOn <= this.state.UtcNow)
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
            return UserTokens(request, new UserGrant(entry.ClientId, entry.TenantId, entry.Scope), DeviceCodeGrant, "device_code");
        }

        private ApiResponse Authorize(ApiRequest request, string tenant)
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
            if (!HasResourceScope(scope))
            {
                return AadError(request, 400, "invalid_scope", 70011, $"The provided value for the input parameter 'scope' is not valid: '{scope}'.");
            }

            var code = new AuthorizationCode(RandomNumberGenerator.GetString(TokenAlphabet, 48), client!.ClientId, client.TenantId, redirect, Field(query, "code_challenge"), scope, this.state.UtcNow.AddMinutes(10));
            OAuth.AddAuthorizationCode(code);
            var location = redirect + (redirect.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "code=" + Uri.EscapeDataString(code.Code);
            if (Field(query, "state") is { } state)
            {
                location += "&state=" + Uri.EscapeDataString(state);
            }

            return ApiResponse.Empty(302).WithHeader("Location", location);
        }

        private ApiResponse AuthorizationCodeToken(ApiRequest request, string tenant, Dictionary<string, StringValues> form)
        {
            var code = Field(form, "code");
            var entry = code is null ? null : OAuth.TakeAuthorizationCode(code);
            if (entry is null || entry.ExpiresOn <= this.state.UtcNow || !string.Equals(entry.ClientId, Field(form, "client_id"), StringComparison.OrdinalIgnoreCase))
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

            return UserTokens(request, new UserGrant(entry.ClientId, entry.TenantId, entry.Scope), "authorization_code", "authorization_code");
        }

        private ApiResponse RefreshToken(ApiRequest request, string tenant, Dictionary<string, StringValues> form)
        {
            var token = Field(form, "refresh_token");
            var grant = token is null ? null : OAuth.TakeRefreshToken(token);
            if (grant is null || !string.Equals(grant.ClientId, Field(form, "client_id"), StringComparison.OrdinalIgnoreCase))
            {
                return AadError(request, 400, "invalid_grant", 700082, "The refresh token has expired or was revoked. Sign in again.");
            }

            return UserTokens(request, grant, "refresh_token", "refresh_token");
        }

        private ApiResponse UserTokens(ApiRequest request, UserGrant grant, string grantType, string method)
        {
            var client = OAuth.FindClient(grant.ClientId);
            var now = this.state.UtcNow;
            var expires = now + OAuth.TokenLifetime;
            var token = AccessToken(grant.ClientId, grant.TenantId, now, expires, user: true);
            var refresh = RandomNumberGenerator.GetString(TokenAlphabet, 64);
            OAuth.AddRefreshToken(refresh, grant);
            OAuth.RecordIssue(token, client?.Publishers, new OAuthIssue(now, grant.ClientId, grant.TenantId, grantType, method, RequestLog.Fingerprint(token), expires, null, false));
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
            return Ok(w =>
            {
                w.WriteStartObject();
                w.WriteString("token_type", "Bearer");
                w.WriteString("scope", OAuthState.Resource + "/.default");
                w.WriteNumber("expires_in", (long)OAuth.TokenLifetime.TotalSeconds);
                w.WriteNumber("ext_expires_in", (long)OAuth.TokenLifetime.TotalSeconds);
                w.WriteString("access_token", token);
                w.WriteString("refresh_token", refresh);
                w.WriteString("id_token", idToken);
                w.WriteString("client_info", clientInfo);
                w.WriteEndObject();
            });
        }

        // ---- managed identity ---------------------------------------------------------------------------------

        private ApiResponse ManagedIdentity(ApiRequest request, bool appService)
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
                return ApiResponse.Json(400, Json.Write(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("error", "invalid_request");
                    w.WriteString("error_description", "Required metadata header not specified");
                    w.WriteEndObject();
                }));
            }

            var resource = request.Query["resource"].ToString();
            if (!IsResource(resource))
            {
                return IdentityError(400, $"The resource '{resource}' is not known to the emulator; ask for {OAuthState.Resource}.");
            }

            var clientId = OAuth.SystemAssignedClientId;
            var tenantId = OAuth.ManagedIdentityTenantId;
            IReadOnlyList<string>? publishers = null;
            var requested = request.Query["client_id"].ToString();
            if (requested.Length == 0 && (request.Query.ContainsKey("mi_res_id") || request.Query.ContainsKey("object_id") || request.Query.ContainsKey("msi_res_id")))
            {
                return IdentityError(400, "The emulator knows user-assigned identities by client id only.");
            }

            if (requested.Length > 0)
            {
                var client = OAuth.FindClient(requested);
                if (client is null || !client.ManagedIdentity)
                {
                    return IdentityError(400, "Unable to load the proper Managed Identity. No User Assigned or Delegated Managed Identity found for specified ClientId/ResourceId/PrincipalId.");
                }

                clientId = client.ClientId;
                tenantId = client.TenantId;
                publishers = client.Publishers;
            }

            var now = this.state.UtcNow;
            var expires = now + OAuth.TokenLifetime;
            var token = AccessToken(clientId, tenantId, now, expires, user: false);
            OAuth.RecordIssue(token, publishers, new OAuthIssue(now, clientId, tenantId, appService ? "app_service" : "imds", "managed_identity", RequestLog.Fingerprint(token), expires, null, false));
            var expiresOn = (DateTimeOffset.UtcNow + OAuth.TokenLifetime).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            return Ok(w =>
            {
                w.WriteStartObject();
                w.WriteString("access_token", token);
                w.WriteString("expires_on", expiresOn);
                if (!appService)
                {
                    w.WriteString("expires_in", ((long)OAuth.TokenLifetime.TotalSeconds).ToString(CultureInfo.InvariantCulture));
                    w.WriteString("not_before", DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
                }

                w.WriteString("resource", resource);
                w.WriteString("token_type", "Bearer");
                w.WriteString("client_id", clientId);
                w.WriteEndObject();
            });
        }

        private static ApiResponse IdentityError(int status, string message)
        {
            return ApiResponse.Json(status, Json.Write(w =>
            {
                w.WriteStartObject();
                w.WriteNumber("statusCode", status);
                w.WriteString("message", message);
                w.WriteString("correlationId", Guid.NewGuid().ToString());
                w.WriteEndObject();
            }));
        }

        // ---- helpers ------------------------------------------------------------------------------------------

        /// <summary>Finds the client named by <c>client_id</c> in the tenant of the authority; an AADSTS error otherwise.</summary>
        private ApiResponse? FindClient(ApiRequest request, string tenant, Dictionary<string, StringValues> form, bool publicFlow, out OAuthClient? client)
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

        private string AccessToken(string clientId, string tenantId, DateTimeOffset now, DateTimeOffset expires, bool user)
        {
            var claims = new JsonObject
            {
                ["aud"] = OAuthState.Resource,
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

        private static ApiResponse AadError(ApiRequest request, int status, string error, int code, string description)
        {
            var now = DateTimeOffset.UtcNow;
            var trace = Guid.NewGuid().ToString();
            var correlation = request.Headers["client-request-id"].ToString();
            if (correlation.Length == 0)
            {
                correlation = Guid.NewGuid().ToString();
            }

            var timestamp = now.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            return ApiResponse.Json(status, Json.Write(w =>
            {
                w.WriteStartObject();
                w.WriteString("error", error);
                w.WriteString("error_description", $"AADSTS{code}: {description} Trace ID: {trace} Correlation ID: {correlation} Timestamp: {timestamp}");
                w.WriteStartArray("error_codes");
                w.WriteNumberValue(code);
                w.WriteEndArray();
                w.WriteString("timestamp", timestamp);
                w.WriteString("trace_id", trace);
                w.WriteString("correlation_id", correlation);
                w.WriteString("error_uri", $"{request.BaseUri}/error?code={code}");
                w.WriteEndObject();
            }));
        }

        private static ApiResponse? Get(ApiRequest request) => Is(request.Method, "GET") ? null : MethodNotAllowed(request);

        private static ApiResponse? Post(ApiRequest request) => Is(request.Method, "POST") ? null : MethodNotAllowed(request);

        private static ApiResponse MethodNotAllowed(ApiRequest request) => AadError(request, 405, "invalid_request", 900561, $"The endpoint only accepts {(request.Path.EndsWith("token", StringComparison.OrdinalIgnoreCase) || request.Path.EndsWith("devicecode", StringComparison.OrdinalIgnoreCase) ? "POST" : "GET")} requests. Received a {request.Method} request.");

        /// <summary>Entra ID reads only form-encoded bodies: anything else has, to it, no grant_type at all.</summary>
        private static ApiResponse? FormBody(ApiRequest request)
        {
            var type = request.Headers.ContentType.ToString();
            return type.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
                ? null
                : AadError(request, 400, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'.");
        }

        private static Dictionary<string, StringValues> Form(ApiRequest request)
        {
            return request.Body.Length == 0 ? new Dictionary<string, StringValues>() : QueryHelpers.ParseQuery("?" + Encoding.UTF8.GetString(request.Body));
        }

        private static string? Field(Dictionary<string, StringValues> form, string name)
        {
            return form.TryGetValue(name, out var value) && !StringValues.IsNullOrEmpty(value) ? value.ToString() : null;
        }

        private static bool IsResource(string? scopeOrResource)
        {
            if (scopeOrResource is null)
            {
                return false;
            }

            var text = scopeOrResource.EndsWith("/.default", StringComparison.Ordinal) ? scopeOrResource[..^"/.default".Length] : scopeOrResource;
            return string.Equals(text.TrimEnd('/'), OAuthState.Resource, StringComparison.OrdinalIgnoreCase);
        }

        private static bool HasResourceScope(string scopes)
        {
            foreach (var scope in scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (scope.StartsWith(OAuthState.Resource + "/", StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            return false;
        }

        private static byte[]? DecodeThumbprint(string? text)
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

        private static string StableGuid(string seed) => new Guid(MD5.HashData(Encoding.UTF8.GetBytes(seed))).ToString();

        private static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

        private static ApiResponse Ok(Action<Utf8JsonWriter> write) => ApiResponse.Json(200, Json.Write(write));

        private static void WriteArray(Utf8JsonWriter w, string name, params string[] values)
        {
            w.WriteStartArray(name);
            foreach (var value in values)
            {
                w.WriteStringValue(value);
            }

            w.WriteEndArray();
        }

        private static string[] Segments(string path) => path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);

        private static bool Is(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
    }
}
