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
    /// <summary>The client credentials grant: a client secret, a certificate-signed assertion or a federated assertion.</summary>
    internal sealed class ClientCredentialsGrant : IdentityEndpoint
    {
        private const string JwtBearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
        private static readonly TimeSpan AssertionSkew = TimeSpan.FromMinutes(5);

        public ClientCredentialsGrant(EmulatorState state)
            : base(state)
        {
        }

        public ApiResponse Token(ApiRequest request, string tenant, Dictionary<string, StringValues> form)
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

            if (ResourceOf(scope) is not { } audience)
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

            var token = Issue(client, client.ClientId, client.TenantId, audience, "client_credentials", method, user: false, assertionFingerprint, chainSent);
            var lifetime = (long)OAuth.TokenLifetime.TotalSeconds;
            return ApiResponse.Of(200, new { token_type = "Bearer", expires_in = lifetime, ext_expires_in = lifetime, access_token = token });
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
    }
}
