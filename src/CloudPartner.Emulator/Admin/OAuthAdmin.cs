using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudPartner.Emulator.Http;
using CloudPartner.Emulator.OAuth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CloudPartner.Emulator.Admin
{
    /// <summary>The identity provider's admin routes, under <c>/_emulator/oauth</c>.</summary>
    internal sealed class OAuthAdmin
    {
        private readonly OAuthState oauth;

        public OAuthAdmin(OAuthState oauth)
        {
            this.oauth = oauth;
        }

        public void Map(IEndpointRouteBuilder group)
        {
            group.MapGet("/", Overview).WithSummary("authority, certificate thumbprints, settings, registered clients (secrets never shown)");
            group.MapPost("/clients", (HttpContext c) =>
            {
                var client = ParseClient(AdminApi.Body(c));
                oauth.RegisterClient(client);
                return AdminApi.Ok(ClientView.Of(client), 201);
            }).WithSummary("{clientId, tenantId, secret, certificates:[base64 DER or PEM], federatedCredentials:[{issuer,subject,audience}], publicClient, managedIdentity, publishers}");
            group.MapDelete("/clients/{clientId}", (string clientId) => oauth.RemoveClient(clientId)
                ? ApiResponse.Empty(204)
                : ApiResponse.Error(404, "NotFound", $"Client '{clientId}' is not registered.")).WithSummary("forget a client");
            group.MapPut("/settings", (HttpContext c) =>
            {
                var change = AdminApi.Read<SettingsChange>(c);
                oauth.TokenLifetime = change.TokenLifetimeSeconds is { } lifetime ? TimeSpan.FromSeconds(lifetime) : oauth.TokenLifetime;
                oauth.DeviceCodeInterval = change.DeviceCodeIntervalSeconds is { } interval ? TimeSpan.FromSeconds(interval) : oauth.DeviceCodeInterval;
                return Overview();
            }).WithSummary("{tokenLifetimeSeconds, deviceCodeIntervalSeconds}");
            group.MapGet("/devicecodes", () => AdminApi.Ok(oauth.GetPendingDeviceCodes())).WithSummary("device codes waiting for the user");
            group.MapPost("/devicecode/complete", (HttpContext c) =>
            {
                var request = ApiRequest.Of(c).Body.Length == 0 ? new DeviceCodeCompletion(null, false) : AdminApi.Read<DeviceCodeCompletion>(c);
                return oauth.CompleteDeviceCode(request.UserCode, approve: !request.Decline) is { } completed
                    ? AdminApi.Ok(new { userCode = completed })
                    : ApiResponse.Error(404, "NotFound", "No device code is waiting for the user.");
            }).WithSummary("{userCode (default: the newest), decline: false}");
            group.MapGet("/issued", () => AdminApi.Ok(oauth.GetIssued().Select(IssueView.Of))).WithSummary("tokens issued (fingerprints), oldest first");
            group.MapPost("/expire", () => AdminApi.Ok(new { expired = oauth.ExpireIssuedTokens() })).WithSummary("every token issued so far expires now (the API answers 401)");
            group.MapPost("/revoke", () => AdminApi.Ok(new { revoked = oauth.RevokeRefreshTokens() })).WithSummary("forget every refresh token (silent renewal of user sign-ins fails)");
        }

        /// <summary>An application from its JSON description (admin endpoint and <c>--oauth-client</c>).</summary>
        internal static OAuthClient ParseClient(JsonObject body)
        {
            var registration = body.Deserialize<ClientRegistration>(Json.Admin) ?? throw new ArgumentException("A JSON object body is required.");
            var client = new OAuthClient
            {
                ClientId = registration.ClientId ?? throw new ArgumentException("clientId is required."),
                TenantId = registration.TenantId ?? throw new ArgumentException("tenantId is required."),
                Secret = registration.Secret,
                PublicClient = registration.PublicClient ?? true,
                ManagedIdentity = registration.ManagedIdentity ?? false,
                Publishers = registration.Publishers,
            };
            foreach (var certificate in registration.Certificates ?? [])
            {
                client.Certificates.Add(ParseCertificate(certificate));
            }

            foreach (var credential in registration.FederatedCredentials ?? [])
            {
                client.FederatedCredentials.Add(new FederatedCredential(
                    credential.Issuer ?? throw new ArgumentException("A federated credential needs an issuer."),
                    credential.Subject ?? throw new ArgumentException("A federated credential needs a subject."),
                    credential.Audience ?? FederatedCredential.DefaultAudience));
            }

            client.Validate();
            return client;
        }

        private static X509Certificate2 ParseCertificate(string text)
        {
            try
            {
                var trimmed = text.Trim();
                return trimmed.StartsWith("-----BEGIN", StringComparison.Ordinal)
                    ? X509Certificate2.CreateFromPem(trimmed)
                    : X509CertificateLoader.LoadCertificate(Convert.FromBase64String(trimmed));
            }
            catch (Exception e) when (e is FormatException or CryptographicException)
            {
                throw new ArgumentException("A certificate must be base64 DER or PEM: " + e.Message);
            }
        }

        private ApiResponse Overview() => AdminApi.Ok(new
        {
            authority = oauth.Authority?.ToString(),
            certificateThumbprint = oauth.Certificate?.Thumbprint,
            certificateSha256 = oauth.Certificate?.GetCertHashString(HashAlgorithmName.SHA256),
            tokenLifetimeSeconds = oauth.TokenLifetime.TotalSeconds,
            deviceCodeIntervalSeconds = oauth.DeviceCodeInterval.TotalSeconds,
            systemAssignedClientId = oauth.SystemAssignedClientId,
            managedIdentityTenantId = oauth.ManagedIdentityTenantId,
            clients = oauth.GetClients().Select(ClientView.Of),
        });

        private sealed record SettingsChange(double? TokenLifetimeSeconds, double? DeviceCodeIntervalSeconds);

        private sealed record DeviceCodeCompletion(string? UserCode, bool Decline);

        private sealed record FederatedCredentialRegistration(string? Issuer, string? Subject, string? Audience);

        private sealed record ClientRegistration(
            string? ClientId,
            string? TenantId,
            string? Secret,
            string[]? Certificates,
            FederatedCredentialRegistration[]? FederatedCredentials,
            bool? PublicClient,
            bool? ManagedIdentity,
            string[]? Publishers);

        /// <summary>A registered application as the admin endpoint shows it: never its secret.</summary>
        private sealed record ClientView(string ClientId, string TenantId, bool HasSecret, IEnumerable<string> Certificates, IEnumerable<FederatedCredential> FederatedCredentials, bool PublicClient, bool ManagedIdentity, IReadOnlyList<string>? Publishers)
        {
            public static ClientView Of(OAuthClient client) => new(client.ClientId, client.TenantId, client.Secret is not null, client.Certificates.Select(c => c.Thumbprint), client.FederatedCredentials, client.PublicClient, client.ManagedIdentity, client.Publishers);
        }

        private sealed record IssueView(DateTimeOffset Time, string ClientId, string TenantId, string GrantType, string Method, string Token, DateTimeOffset ExpiresOn, string? Assertion, bool CertificateChainSent, string Audience)
        {
            public static IssueView Of(OAuthIssue issue) => new(issue.Time, issue.ClientId, issue.TenantId, issue.GrantType, issue.Method, issue.TokenFingerprint, issue.ExpiresOn, issue.AssertionFingerprint, issue.CertificateChainSent, issue.Audience);
        }
    }
}
