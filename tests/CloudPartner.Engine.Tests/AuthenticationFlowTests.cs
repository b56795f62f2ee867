using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using CloudPartner.Emulator;
using CloudPartner.Engine.Cpp;
using CloudPartner.Engine.Auth;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Http;
using CloudPartner.Engine.Security;

namespace CloudPartner.Engine.Tests
{
    /// <summary>Every sign-in flow through real MSAL against the emulator's identity provider, then the API with the token.</summary>
    public sealed class AuthenticationFlowTests
    {
        [Fact]
        public async Task ClientSecretSignsInAndTheTokenReachesTheApi()
        {
            await using var rig = await SignInRig.StartAsync();
            using var connection = rig.Connect(rig.SecretRequest());

            var publishers = await new PartnerApi(connection).GetPublishersAsync(null, CancellationToken.None);

            Assert.Contains(publishers, p => p.Id == "contoso");
            var issue = Assert.Single(rig.Issued);
            Assert.Equal("client_secret", issue.Method);
            Assert.Equal(SignInRig.SecretClient, issue.ClientId);
            Assert.All(rig.ApiTokenFingerprints(), f => Assert.Equal(issue.TokenFingerprint, f));
            Assert.Equal("ClientSecret", connection.Tokens.Provider.Flow);
            Assert.Equal(SignInRig.Tenant, connection.Tokens.Provider.TenantId);
            Assert.Equal(SignInRig.SecretClient, connection.Tokens.Provider.ClientId);
            Assert.NotNull(connection.Tokens.ExpiresOn);
            Assert.Equal(Redactor.Mask, connection.Redactor.Redact(SignInRig.Secret));
        }

        [Fact]
        public async Task AWrongSecretFailsWithTheIdentityProvidersCode()
        {
            await using var rig = await SignInRig.StartAsync();
            var secret = "not-the-secret-7c1e9b";
            using var connection = rig.Connect(rig.SecretRequest(secret));

            var error = await Assert.ThrowsAsync<CpException>(() => connection.Tokens.GetAsync(CancellationToken.None));

            Assert.Equal(CpErrorKind.AuthenticationFailed, error.Kind);
            Assert.Equal("AADSTS7000215", error.ServiceCode);
            Assert.Contains("AADSTS7000215", error.Message, StringComparison.Ordinal);
            Assert.Contains("client secret", error.RecommendedAction, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(secret, error.Message + error.RecommendedAction, StringComparison.Ordinal);
            Assert.Empty(rig.Issued);
        }

        [Fact]
        public async Task AnUnknownClientOrTenantFailsWith700016()
        {
            await using var rig = await SignInRig.StartAsync();
            var request = rig.SecretRequest();
            request.TenantId = "contoso.onmicrosoft.com";
            using var connection = rig.Connect(request);

            var error = await Assert.ThrowsAsync<CpException>(() => connection.Tokens.GetAsync(CancellationToken.None));

            Assert.Equal("AADSTS700016", error.ServiceCode);
            Assert.Contains("-TenantId", error.RecommendedAction, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public async Task ACertificateSignsTheAssertion(bool sendChain)
        {
            await using var rig = await SignInRig.StartAsync();
            var request = rig.Request(SignInFlow.Certificate, SignInRig.CertificateClient);
            request.Certificate = rig.Certificate;
            request.SendCertificateChain = sendChain;
            using var connection = rig.Connect(request);

            await new PartnerApi(connection).GetPublishersAsync(null, CancellationToken.None);

            var issue = Assert.Single(rig.Issued);
            Assert.Equal("certificate", issue.Method);
            Assert.Equal(sendChain, issue.CertificateChainSent);
            Assert.Equal("Certificate", connection.Tokens.Provider.Flow);
        }

        [Fact]
        public async Task AnUnregisteredCertificateFailsWith700027()
        {
            await using var rig = await SignInRig.StartAsync();
            var request = rig.Request(SignInFlow.Certificate, SignInRig.CertificateClient);
            request.Certificate = TestCertificates.CreateRsa("CN=someone else");
            using var connection = rig.Connect(request);

            var error = await Assert.ThrowsAsync<CpException>(() => connection.Tokens.GetAsync(CancellationToken.None));

            Assert.Equal("AADSTS700027", error.ServiceCode);
            Assert.Contains("certificate", error.RecommendedAction, StringComparison.OrdinalIgnoreCase);
        }

        [Fact]
        public async Task AFederatedTokenFileIsReadAgainAtEachRenewal()
        {
            await using var rig = await SignInRig.StartAsync();
            var file = Path.Combine(Path.GetTempPath(), "cp-federated-" + Guid.NewGuid().ToString("N") + ".jwt");
            var first = SignInRig.FederatedToken();
            var second = SignInRig.FederatedToken();
            File.WriteAllText(file, first + "\n");
            try
            {
                var request = rig.Request(SignInFlow.FederatedToken, SignInRig.FederatedClient);
                request.FederatedTokenFile = file;
                using var connection = rig.Connect(request);
                var api = new PartnerApi(connection);
                await api.GetPublishersAsync(null, CancellationToken.None);

                File.WriteAllText(file, second);
                rig.OAuth.ExpireIssuedTokens();
                await api.GetPublishersAsync(null, CancellationToken.None);

                Assert.Collection(
                    rig.Issued,
                    i => Assert.Equal(EmulatorState.MaskToken(first), i.AssertionFingerprint),
                    i => Assert.Equal(EmulatorState.MaskToken(second), i.AssertionFingerprint));
                Assert.All(rig.Issued, i => Assert.Equal("federated", i.Method));
                Assert.Equal(Redactor.Mask, connection.Redactor.Redact(second));
                Assert.Equal(rig.Issued[1].TokenFingerprint, rig.ApiTokenFingerprints().Last());
            }
            finally
            {
                File.Delete(file);
            }
        }

        [Fact]
        public async Task AnExpiredFederatedTokenFailsWith700024()
        {
            await using var rig = await SignInRig.StartAsync();
            var request = rig.Request(SignInFlow.FederatedToken, SignInRig.FederatedClient);
            request.FederatedToken = SignInRig.Secure(SignInRig.FederatedToken(lifetime: TimeSpan.FromMinutes(-30)));
            using var connection = rig.Connect(request);

            var error = await Assert.ThrowsAsync<CpException>(() => connection.Tokens.GetAsync(CancellationToken.None));

            Assert.Equal("AADSTS700024", error.ServiceCode);
            Assert.Contains("-FederatedTokenFile", error.RecommendedAction, StringComparison.Ordinal);
        }

        [Fact]
        public async Task AFederatedTokenForAnotherSubjectFailsWith700213()
        {
            await using var rig = await SignInRig.StartAsync();
            var request = rig.Request(SignInFlow.FederatedToken, SignInRig.FederatedClient);
            request.FederatedToken = SignInRig.Secure(SignInRig.FederatedToken(subject: "repo:contoso/offers:ref:refs/heads/feature"));
            using var connection = rig.Connect(request);

            var error = await Assert.ThrowsAsync<CpException>(() => connection.Tokens.GetAsync(CancellationToken.None));

            Assert.Equal("AADSTS700213", error.ServiceCode);
            Assert.Contains("federated credential", error.RecommendedAction, StringComparison.Ordinal);
        }

        [Fact]
        public async Task AMissingFederatedTokenFileFailsClearly()
        {
            await using var rig = await SignInRig.StartAsync();
            var request = rig.Request(SignInFlow.FederatedToken, SignInRig.FederatedClient);
            request.FederatedTokenFile = Path.Combine(Path.GetTempPath(), "cp-no-such-" + Guid.NewGuid().ToString("N"));
            using var connection = rig.Connect(request);

            var error = await Assert.ThrowsAsync<CpException>(() => connection.Tokens.GetAsync(CancellationToken.None));

            Assert.Equal(CpErrorKind.AuthenticationFailed, error.Kind);
            Assert.Contains(request.FederatedTokenFile, error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public async Task ARefusedTokenIsRenewedOnceThroughMsal()
        {
            await using var rig = await SignInRig.StartAsync();
            using var connection = rig.Connect(rig.SecretRequest());
            var api = new PartnerApi(connection);
            await api.GetPublishersAsync(null, CancellationToken.None);

            rig.OAuth.ExpireIssuedTokens();
            var observer = new RecordingObserver();
            await api.GetPublishersAsync(observer, CancellationToken.None);

            Assert.Equal(2, rig.Issued.Count);
            Assert.Equal(2, connection.Tokens.Acquisitions);
            Assert.Contains(observer.VerboseLines, l => l.Contains("401; renewed the token", StringComparison.Ordinal));
            Assert.Equal(rig.Issued[1].TokenFingerprint, rig.ApiTokenFingerprints().Last());
        }

        [Fact]
        public async Task AShortLivedTokenIsRenewedAQuarterOfItsLifetimeBeforeItExpires()
        {
            // Tokens that live 4 minutes are renewed a minute before they expire (the 5-minute margin would renew them at once).
            // MSAL's cache holds no token that close to expiry, so the renewal reaches the identity provider.
            await using var rig = await SignInRig.StartAsync(o => o.OAuthTokenLifetime = TimeSpan.FromMinutes(4));
            var now = DateTimeOffset.UtcNow;
            using var connection = rig.Connect(rig.SecretRequest(), clock: () => now);
            var api = new PartnerApi(connection);
            await api.GetPublishersAsync(null, CancellationToken.None);
            await api.GetPublishersAsync(null, CancellationToken.None);
            Assert.Single(rig.Issued);

            now = now.AddMinutes(2.5);
            await api.GetPublishersAsync(null, CancellationToken.None);
            Assert.Single(rig.Issued);

            now = now.AddMinutes(1);
            await api.GetPublishersAsync(null, CancellationToken.None);

            Assert.Equal(2, rig.Issued.Count);
            Assert.Equal(rig.Issued[1].TokenFingerprint, rig.ApiTokenFingerprints().Last());
            Assert.DoesNotContain(rig.Server.State.GetRequests(), r => r.Status == 401);
        }

        [Fact]
        public async Task AFreshTokenComesFromMsalsCache()
        {
            await using var rig = await SignInRig.StartAsync();
            using var connection = rig.Connect(rig.SecretRequest());
            await connection.Tokens.GetAsync(CancellationToken.None);

            // A forced renewal that another thread already did is not repeated; a plain one is answered by MSAL's cache.
            var token = await connection.Tokens.Provider.AcquireAsync(forceRefresh: false, NullRequestObserver.Instance, CancellationToken.None);

            Assert.Single(rig.Issued);
            Assert.Equal(rig.Issued[0].TokenFingerprint, EmulatorState.MaskToken(token.Token));
        }

        [Fact]
        public async Task ASignInGetsProductIngestionTokensFromTheSameCredentialsWithoutASecondPrompt()
        {
            await using var rig = await SignInRig.StartAsync();
            const string graph = "https://graph.microsoft.com/.default";

            using (var secret = rig.Connect(rig.SecretRequest()))
            {
                var token = await ((IScopedTokenProvider)secret.Tokens.Provider).ForScope(graph).AcquireAsync(false, NullRequestObserver.Instance, CancellationToken.None);
                Assert.Equal("https://graph.microsoft.com", Assert.Single(rig.Issued, i => i.TokenFingerprint == EmulatorState.MaskToken(token.Token)).Audience);
            }

            var request = rig.Request(SignInFlow.DeviceCode, SignInRig.PublicClient);
            var prompts = 0;
            request.DeviceCodePrompt = prompt =>
            {
                prompts++;
                rig.OAuth.CompleteDeviceCode(prompt.UserCode);
            };
            using var connection = rig.Connect(request);
            await new PartnerApi(connection).GetPublishersAsync(null, CancellationToken.None);
            var graphToken = await ((IScopedTokenProvider)connection.Tokens.Provider).ForScope(graph).AcquireAsync(false, NullRequestObserver.Instance, CancellationToken.None);

            Assert.Equal(1, prompts);
            var issued = rig.Issued.Single(i => i.TokenFingerprint == EmulatorState.MaskToken(graphToken.Token));
            Assert.Equal(("refresh_token", "https://graph.microsoft.com"), (issued.Method, issued.Audience));
            Assert.Equal(Redactor.Mask, connection.Redactor.Redact(graphToken.Token));
        }

        [Fact]
        public async Task DeviceCodeShowsTheCodeThenRenewsSilently()
        {
            await using var rig = await SignInRig.StartAsync();
            var request = rig.Request(SignInFlow.DeviceCode, SignInRig.PublicClient);
            var prompts = new List<DeviceCodePrompt>();
            request.DeviceCodePrompt = prompt =>
            {
                prompts.Add(prompt);
                Assert.Equal(prompt.UserCode, rig.OAuth.CompleteDeviceCode(prompt.UserCode));
            };
            using var connection = rig.Connect(request);
            var api = new PartnerApi(connection);
            await api.GetPublishersAsync(null, CancellationToken.None);

            var prompt = Assert.Single(prompts);
            Assert.Contains(prompt.UserCode, prompt.Message, StringComparison.Ordinal);
            Assert.Equal(new Uri(rig.Server.OAuthAuthority, "devicelogin"), prompt.VerificationUri);
            Assert.Equal("DeviceCode", connection.Tokens.Provider.Flow);

            rig.OAuth.ExpireIssuedTokens();
            await api.GetPublishersAsync(null, CancellationToken.None);
            Assert.Equal(new[] { "device_code", "refresh_token" }, rig.Issued.Select(i => i.Method));
            Assert.Single(prompts);

            rig.OAuth.ExpireIssuedTokens();
            rig.OAuth.RevokeRefreshTokens();
            var error = await Assert.ThrowsAsync<CpException>(() => api.GetPublishersAsync(null, CancellationToken.None));
            Assert.Equal(CpErrorKind.AuthenticationFailed, error.Kind);
            Assert.Contains("Connect-CpAccount", error.RecommendedAction, StringComparison.Ordinal);
            Assert.Single(prompts);
        }

        [Fact]
        public async Task ADeclinedDeviceCodeFails()
        {
            await using var rig = await SignInRig.StartAsync();
            var request = rig.Request(SignInFlow.DeviceCode, SignInRig.PublicClient);
            request.DeviceCodePrompt = prompt => rig.OAuth.CompleteDeviceCode(prompt.UserCode, approve: false);
            using var connection = rig.Connect(request);

            var error = await Assert.ThrowsAsync<CpException>(() => connection.Tokens.GetAsync(CancellationToken.None));

            Assert.Equal(CpErrorKind.AuthenticationFailed, error.Kind);
            Assert.Contains("declined", error.Message + error.RecommendedAction, StringComparison.OrdinalIgnoreCase);
        }

        [Fact]
        public async Task DeviceCodeStopsWhenCanceled()
        {
            await using var rig = await SignInRig.StartAsync();
            using var cancel = new CancellationTokenSource();
            var request = rig.Request(SignInFlow.DeviceCode, SignInRig.PublicClient);
            request.DeviceCodePrompt = prompt => cancel.CancelAfter(200);
            using var connection = rig.Connect(request);

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => connection.Tokens.GetAsync(cancel.Token));
        }

        [Fact]
        public async Task InteractiveSignsInThroughTheBrowser()
        {
            await using var rig = await SignInRig.StartAsync();
            var request = rig.Request(SignInFlow.Interactive, SignInRig.PublicClient);
            var visited = new List<Uri>();
            request.Browser = async (authorize, redirect, cancel) =>
            {
                visited.Add(authorize);
                using var handler = new HttpClientHandler { AllowAutoRedirect = false, ServerCertificateCustomValidationCallback = (m, c, ch, e) => c!.Thumbprint == rig.Server.OAuthCertificate.Thumbprint };
                using var browser = new HttpClient(handler);
                using var response = await browser.GetAsync(authorize, cancel);
                Assert.Equal(HttpStatusCode.Found, response.StatusCode);
                Assert.StartsWith(redirect.ToString(), response.Headers.Location!.ToString(), StringComparison.Ordinal);
                return response.Headers.Location!;
            };
            using var connection = rig.Connect(request);

            await new PartnerApi(connection).GetPublishersAsync(null, CancellationToken.None);

            Assert.Single(visited);
            Assert.Contains("code_challenge=", visited[0].Query, StringComparison.Ordinal);
            Assert.Equal("authorization_code", Assert.Single(rig.Issued).Method);
            Assert.Equal("Interactive", connection.Tokens.Provider.Flow);
            Assert.Empty(rig.Warnings);
        }

        [Fact]
        public async Task InteractiveFallsBackToDeviceCodeWithoutABrowser()
        {
            await using var rig = await SignInRig.StartAsync();
            var request = rig.Request(SignInFlow.Interactive, SignInRig.PublicClient);
            request.BrowserAvailable = () => false;
            request.DeviceCodePrompt = prompt => rig.OAuth.CompleteDeviceCode(prompt.UserCode);
            using var connection = rig.Connect(request);

            await connection.Tokens.GetAsync(CancellationToken.None);

            Assert.Contains(rig.Warnings, w => w.Contains("device code", StringComparison.Ordinal));
            Assert.Equal("DeviceCode", connection.Tokens.Provider.Flow);
            Assert.Equal("device_code", Assert.Single(rig.Issued).Method);
        }

        [Fact]
        public async Task MsalLogsReachTheObserverWithoutSecrets()
        {
            await using var rig = await SignInRig.StartAsync();
            using var connection = rig.Connect(rig.SecretRequest());
            var observer = new RecordingObserver();

            await new PartnerApi(connection).GetPublishersAsync(observer, CancellationToken.None);

            var lines = observer.Lines;
            Assert.Contains(lines, l => l.StartsWith("DEBUG: MSAL ", StringComparison.Ordinal));
            var token = await connection.Tokens.GetAsync(CancellationToken.None);
            Assert.DoesNotContain(lines, l => l.Contains(SignInRig.Secret, StringComparison.Ordinal) || l.Contains(token.Token, StringComparison.Ordinal));
        }

        [Fact]
        public async Task WithoutTheTrustedCertificateTheAuthorityIsRefused()
        {
            await using var rig = await SignInRig.StartAsync();
            var request = rig.SecretRequest();
            request.TrustedLoopbackCertificateThumbprint = null;
            using var connection = rig.Connect(request);

            var error = await Assert.ThrowsAsync<CpException>(() => connection.Tokens.GetAsync(CancellationToken.None));

            Assert.Equal(CpErrorKind.AuthenticationFailed, error.Kind);
            Assert.Empty(rig.Issued);
        }

        [Fact]
        public async Task ManagedIdentityUsesTheEndpointFromTheEnvironment()
        {
            await using var rig = await SignInRig.StartAsync();
            using var environment = new EnvironmentScope(new Dictionary<string, string?>
            {
                ["IDENTITY_ENDPOINT"] = new Uri(rig.Server.BaseAddress, "msi/token").ToString(),
                ["IDENTITY_HEADER"] = rig.OAuth.ManagedIdentityHeader,
            });

            using (var system = rig.Connect(rig.Request(SignInFlow.ManagedIdentity, null)))
            {
                await new PartnerApi(system).GetPublishersAsync(null, CancellationToken.None);
                Assert.Equal("ManagedIdentity", system.Tokens.Provider.Flow);
                Assert.Equal(rig.OAuth.SystemAssignedClientId, system.Tokens.Provider.ClientId);
                Assert.Equal(rig.OAuth.ManagedIdentityTenantId, system.Tokens.Provider.TenantId);
            }

            using (var user = rig.Connect(rig.Request(SignInFlow.ManagedIdentity, SignInRig.IdentityClient)))
            {
                await new PartnerApi(user).GetPublishersAsync(null, CancellationToken.None);
                Assert.Equal(SignInRig.IdentityClient, user.Tokens.Provider.ClientId);
            }

            Assert.Equal(new[] { rig.OAuth.SystemAssignedClientId, SignInRig.IdentityClient }, rig.Issued.Select(i => i.ClientId));
            Assert.All(rig.Issued, i => Assert.Equal("managed_identity", i.Method));

            using var unknown = rig.Connect(rig.Request(SignInFlow.ManagedIdentity, SignInRig.SecretClient));
            var error = await Assert.ThrowsAsync<CpException>(() => unknown.Tokens.GetAsync(CancellationToken.None));
            Assert.Equal(CpErrorKind.AuthenticationFailed, error.Kind);
            Assert.Contains("managed identity", error.Message, StringComparison.OrdinalIgnoreCase);
        }

        [Theory]
        [InlineData("http://login.example.com")]
        [InlineData("ftp://login.example.com")]
        public void AnAuthorityHostThatIsNotHttpsIsRefusedBeforeAnyRequest(string host)
        {
            var request = new AuthenticationRequest { Flow = SignInFlow.ClientSecret, TenantId = "t", ClientId = "c", ClientSecret = SignInRig.Secure("s"), AuthorityHost = new Uri(host) };
            var error = Assert.Throws<CpException>(() => new CloudPartner.Authentication.MsalTokenProviderFactory().Create(request));
            Assert.Equal(CpErrorKind.InvalidArgument, error.Kind);
        }

        [Theory]
        [InlineData("")]
        [InlineData("contoso/../common")]
        [InlineData("tenant?x=1")]
        public void ATenantThatIsNotATenantIdIsRefused(string tenant)
        {
            var request = new AuthenticationRequest { Flow = SignInFlow.ClientSecret, TenantId = tenant, ClientId = "c", ClientSecret = SignInRig.Secure("s") };
            var error = Assert.Throws<CpException>(() => new CloudPartner.Authentication.MsalTokenProviderFactory().Create(request));
            Assert.Equal(CpErrorKind.InvalidArgument, error.Kind);
        }
    }

    /// <summary>Sets environment variables for one test and puts the old values back.</summary>
    internal sealed class EnvironmentScope : IDisposable
    {
        private readonly Dictionary<string, string?> previous = new Dictionary<string, string?>();

        public EnvironmentScope(IDictionary<string, string?> values)
        {
            foreach (var pair in values)
            {
                previous[pair.Key] = Environment.GetEnvironmentVariable(pair.Key);
                Environment.SetEnvironmentVariable(pair.Key, pair.Value);
            }
        }

        public void Dispose()
        {
            foreach (var pair in previous)
            {
                Environment.SetEnvironmentVariable(pair.Key, pair.Value);
            }
        }
    }
}
