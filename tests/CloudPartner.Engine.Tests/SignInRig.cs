using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using CloudPartner.Authentication;
using CloudPartner.Emulator;
using CloudPartner.Emulator.OAuth;
using CloudPartner.Engine.Auth;
using CloudPartner.Engine.Http;
using CloudPartner.Engine.Security;

namespace CloudPartner.Engine.Tests
{
    /// <summary>
    /// An emulator whose identity provider knows one application per flow, and helpers to sign in to it through real MSAL
    /// (over https, trusting the emulator's self-signed certificate for loopback only) and call the API with the tokens.
    /// Only tokens the identity provider issued are accepted by the API.
    /// </summary>
    internal sealed class SignInRig : IAsyncDisposable
    {
        public const string Tenant = "4d7c1a52-6f3e-4b8a-9c21-0e5f7a3b2d10";
        public const string SecretClient = "a1f0c3d2-0000-4000-8000-000000000001";
        public const string Secret = "Qx8~emulator.Secret-5f2d9a7c41";
        public const string CertificateClient = "a1f0c3d2-0000-4000-8000-000000000002";
        public const string FederatedClient = "a1f0c3d2-0000-4000-8000-000000000003";
        public const string PublicClient = "a1f0c3d2-0000-4000-8000-000000000004";
        public const string IdentityClient = "a1f0c3d2-0000-4000-8000-000000000005";
        public const string FederatedIssuer = "https://token.actions.githubusercontent.com";
        public const string FederatedSubject = "repo:contoso/offers:environment:production";

        private SignInRig(EmulatorServer server, X509Certificate2 certificate)
        {
            Server = server;
            Certificate = certificate;
        }

        public EmulatorServer Server { get; }

        /// <summary>The certificate (with its private key) registered for <see cref="CertificateClient"/>.</summary>
        public X509Certificate2 Certificate { get; }

        public OAuthState OAuth => Server.State.OAuth;

        public List<string> Warnings { get; } = new List<string>();

        public static async Task<SignInRig> StartAsync(Action<EmulatorOptions>? configure = null)
        {
            var certificate = TestCertificates.CreateRsa("CN=CloudPartner test client");
            var options = new EmulatorOptions { Settings = new EmulatorSettings { AcceptAnyToken = false }, Clock = new ManualClock(DateTimeOffset.UtcNow) };
            options.OAuthClients.Add(new OAuthClient { ClientId = SecretClient, TenantId = Tenant, Secret = Secret, PublicClient = false });
            var certificateClient = new OAuthClient { ClientId = CertificateClient, TenantId = Tenant, PublicClient = false };
            certificateClient.Certificates.Add(X509CertificateLoader.LoadCertificate(certificate.RawData));
            options.OAuthClients.Add(certificateClient);
            var federated = new OAuthClient { ClientId = FederatedClient, TenantId = Tenant, PublicClient = false };
            federated.FederatedCredentials.Add(new FederatedCredential(FederatedIssuer, FederatedSubject));
            options.OAuthClients.Add(federated);
            options.OAuthClients.Add(new OAuthClient { ClientId = PublicClient, TenantId = Tenant });
            options.OAuthClients.Add(new OAuthClient { ClientId = IdentityClient, TenantId = Tenant, ManagedIdentity = true, PublicClient = false });
            configure?.Invoke(options);
            return new SignInRig(await EmulatorServer.StartAsync(options), certificate);
        }

        /// <summary>A request for <paramref name="flow"/> against the emulator's authority.</summary>
        public AuthenticationRequest Request(SignInFlow flow, string? clientId)
        {
            return new AuthenticationRequest
            {
                Flow = flow,
                TenantId = Tenant,
                ClientId = clientId,
                AuthorityHost = Server.OAuthAuthority,
                TrustedLoopbackCertificateThumbprint = Server.OAuthCertificate.Thumbprint,
                Connection = new ConnectionSettings { Endpoint = Server.BaseAddress, PublisherId = "contoso", MaxRetries = 2 },
                Redactor = new Redactor(),
                Warning = message =>
                {
                    lock (Warnings)
                    {
                        Warnings.Add(message);
                    }
                },
            };
        }

        public AuthenticationRequest SecretRequest(string secret = Secret)
        {
            var request = Request(SignInFlow.ClientSecret, SecretClient);
            request.ClientSecret = Secure(secret);
            return request;
        }

        /// <summary>An API connection whose tokens come from <paramref name="request"/>'s flow, through MSAL.</summary>
        public ApiConnection Connect(AuthenticationRequest request, ITokenProviderFactory? factory = null, Func<DateTimeOffset>? clock = null)
        {
            var provider = (factory ?? new MsalTokenProviderFactory()).Create(request);
            return new ApiConnection(
                request.Connection,
                provider,
                retryPolicy: new RetryPolicy(request.Connection.MaxRetries, seed: 7),
                delay: (wait, cancel) => Task.CompletedTask,
                clock: clock,
                redactor: request.Redactor);
        }

        public IReadOnlyList<OAuthIssue> Issued => OAuth.GetIssued();

        /// <summary>The masked Authorization of the API requests (the identity provider's issue log masks tokens the same way).</summary>
        public IReadOnlyList<string> ApiTokenFingerprints()
        {
            return Server.State.GetRequests()
                .Where(r => r.Path.StartsWith("/api/", StringComparison.Ordinal))
                .Select(r => r.Headers.TryGetValue("Authorization", out var value) ? value.Replace("Bearer ", string.Empty, StringComparison.Ordinal) : string.Empty)
                .ToList();
        }

        public static System.Security.SecureString Secure(string text)
        {
            var secure = new System.Security.SecureString();
            foreach (var c in text)
            {
                secure.AppendChar(c);
            }

            return secure;
        }

        /// <summary>A federated (OIDC) token as GitHub Actions would issue it; the emulator checks issuer, subject, audience and times.</summary>
        public static string FederatedToken(string subject = FederatedSubject, string issuer = FederatedIssuer, TimeSpan? lifetime = null, string audience = FederatedCredential.DefaultAudience)
        {
            var now = DateTimeOffset.UtcNow;
            var expires = now + (lifetime ?? TimeSpan.FromMinutes(10));
            var header = Encode(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object> { ["alg"] = "RS256", ["typ"] = "JWT", ["kid"] = "github-1" }));
            var claims = Encode(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
            {
                ["iss"] = issuer,
                ["sub"] = subject,
                ["aud"] = audience,
                ["iat"] = now.AddMinutes(-1).ToUnixTimeSeconds(),
                ["nbf"] = now.AddMinutes(-1).ToUnixTimeSeconds(),
                ["exp"] = expires.ToUnixTimeSeconds(),
                ["jti"] = Guid.NewGuid().ToString(),
            }));
            return header + "." + claims + "." + Encode(RandomNumberGenerator.GetBytes(64));
        }

        public ValueTask DisposeAsync() => Server.DisposeAsync();

        private static string Encode(byte[] data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    internal static class TestCertificates
    {
        /// <summary>A self-signed RSA certificate with its private key, usable for signing on every platform.</summary>
        public static X509Certificate2 CreateRsa(string subject)
        {
            using var rsa = RSA.Create(2048);
            var request = new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
            return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);
        }

        public static string Pem(string label, byte[] der)
        {
            var builder = new StringBuilder();
            builder.Append("-----BEGIN ").Append(label).Append("-----\n");
            builder.Append(Convert.ToBase64String(der, Base64FormattingOptions.InsertLineBreaks).Replace("\r\n", "\n", StringComparison.Ordinal));
            builder.Append("\n-----END ").Append(label).Append("-----\n");
            return builder.ToString();
        }
    }
}
