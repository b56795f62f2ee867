using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using CloudPartner.Emulator.OAuth;
using Xunit;

namespace CloudPartner.Emulator.Tests
{
    /// <summary>The identity provider: metadata, every grant, AADSTS errors, managed identity, admin routes.</summary>
    public sealed class OAuthTests : EmulatorTest, IDisposable
    {
        private const string Tenant = "6b1d2c3e-0000-4000-8000-00000000aaaa";
        private const string SecretClient = "c0ffee00-0000-4000-8000-000000000001";
        private const string Secret = "oauth-test-secret~42";
        private const string CertificateClient = "c0ffee00-0000-4000-8000-000000000002";
        private const string FederatedClient = "c0ffee00-0000-4000-8000-000000000003";
        private const string PublicClient = "c0ffee00-0000-4000-8000-000000000004";
        private const string IdentityClient = "c0ffee00-0000-4000-8000-000000000005";
        private const string Scope = "https://cloudpartner.azure.com/.default";
        private const string Issuer = "https://token.actions.githubusercontent.com";
        private const string Subject = "repo:contoso/offers:environment:prod";

        private readonly X509Certificate2 certificate = CreateCertificate("CN=oauth test");
        private HttpClient? https;

        private HttpClient Https => this.https ??= NewHttpsClient(Server);

        private string TokenUrl => Authority + Tenant + "/oauth2/v2.0/token";

        private string Authority => Server.OAuthAuthority.ToString();

        protected override void Configure(EmulatorOptions options)
        {
            options.Settings = options.Settings with { AcceptAnyToken = false };
            options.OAuthClients.Add(new OAuthClient { ClientId = SecretClient, TenantId = Tenant, Secret = Secret, PublicClient = false });
            var certificateClient = new OAuthClient { ClientId = CertificateClient, TenantId = Tenant, PublicClient = false };
            certificateClient.Certificates.Add(X509CertificateLoader.LoadCertificate(this.certificate.RawData));
            options.OAuthClients.Add(certificateClient);
            var federated = new OAuthClient { ClientId = FederatedClient, TenantId = Tenant, PublicClient = false, Publishers = new[] { "contoso" } };
            federated.FederatedCredentials.Add(new FederatedCredential(Issuer, Subject));
            options.OAuthClients.Add(federated);
            options.OAuthClients.Add(new OAuthClient { ClientId = PublicClient, TenantId = Tenant });
            options.OAuthClients.Add(new OAuthClient { ClientId = IdentityClient, TenantId = Tenant, ManagedIdentity = true, PublicClient = false });
        }

        [Fact]
        public async Task ServesAuthorityMetadataForItsOwnHost()
        {
            var configuration = await ReadJson(await Https.GetAsync(Authority + Tenant + "/v2.0/.well-known/openid-configuration"));
            Assert.Equal(TokenUrl, (string?)configuration["token_endpoint"]);
            Assert.Equal(Authority + Tenant + "/v2.0", (string?)configuration["issuer"]);
            Assert.Equal(Authority + Tenant + "/oauth2/v2.0/devicecode", (string?)configuration["device_authorization_endpoint"]);

            var discovery = await ReadJson(await Https.GetAsync(Authority + "common/discovery/instance?api-version=1.1&authorization_endpoint=" + Uri.EscapeDataString(Authority + Tenant + "/oauth2/v2.0/authorize")));
            Assert.Equal(Authority + Tenant + "/v2.0/.well-known/openid-configuration", (string?)discovery["tenant_discovery_endpoint"]);
            Assert.Equal(Server.OAuthAuthority.Authority, (string?)discovery["metadata"]![0]!["aliases"]![0]);

            var keys = await ReadJson(await Https.GetAsync(Authority + Tenant + "/discovery/v2.0/keys"));
            Assert.Equal("EC", (string?)keys["keys"]![0]!["kty"]);
        }

        [Fact]
        public async Task ListensOnHttpsWithASelfSignedLoopbackCertificate()
        {
            Assert.Equal("https", Server.OAuthAuthority.Scheme);
            Assert.Equal("http", Server.BaseAddress.Scheme);
            Assert.Contains("127.0.0.1", Server.OAuthCertificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateIPAddresses().Select(a => a.ToString()));

            using var untrusting = new HttpClient();
            await Assert.ThrowsAsync<HttpRequestException>(() => untrusting.GetAsync(Authority + Tenant + "/v2.0/.well-known/openid-configuration"));
        }

        [Fact]
        public async Task IssuesATokenForAClientSecretThatTheApiAccepts()
        {
            var json = await ReadJson(await PostToken(("grant_type", "client_credentials"), ("client_id", SecretClient), ("client_secret", Secret), ("scope", Scope)));
            Assert.Equal("Bearer", (string?)json["token_type"]);
            Assert.Equal(3600, (int)json["expires_in"]!);
            var token = (string)json["access_token"]!;
            var claims = Claims(token);
            Assert.Equal("https://cloudpartner.azure.com", (string?)claims["aud"]);
            Assert.Equal(SecretClient, (string?)claims["appid"]);
            Assert.Equal(Tenant, (string?)claims["tid"]);

            using var api = NewClient(Server, token);
            Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(Api("/api/publishers"))).StatusCode);
            using var stranger = NewClient(Server, "not-issued");
            Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.GetAsync(Api("/api/publishers"))).StatusCode);

            var issue = Assert.Single(Server.State.OAuth.GetIssued());
            Assert.Equal(("client_credentials", "client_secret", EmulatorState.MaskToken(token)), (issue.GrantType, issue.Method, issue.TokenFingerprint));
        }

        [Fact]
        public async Task IssuesGraphTokensForTheProductIngestionApiThatTheCppApiRefuses()
        {
            var json = await ReadJson(await PostToken(("grant_type", "client_credentials"), ("client_id", SecretClient), ("client_secret", Secret), ("scope", "https://graph.microsoft.com/.default")));
            var token = (string)json["access_token"]!;
            Assert.Equal("https://graph.microsoft.com", (string?)Claims(token)["aud"]);

            using var api = NewClient(Server, token);
            using var refused = await api.GetAsync(Api("/api/publishers"));
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Contains("audience", refused.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
            Assert.Equal("https://graph.microsoft.com", Assert.Single(Server.State.OAuth.GetIssued()).Audience);
        }

        [Fact]
        public async Task RefusesAWrongSecretAsEntraIdDoes()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, TokenUrl) { Content = Form(("grant_type", "client_credentials"), ("client_id", SecretClient), ("client_secret", "wrong"), ("scope", Scope)) };
            request.Headers.Add("client-request-id", "11111111-2222-3333-4444-555555555555");
            var json = await ReadJson(await Https.SendAsync(request), HttpStatusCode.Unauthorized);
            Assert.Equal("invalid_client", (string?)json["error"]);
            Assert.StartsWith("AADSTS7000215: Invalid client secret provided.", (string?)json["error_description"], StringComparison.Ordinal);
            Assert.Equal(7000215, (int)json["error_codes"]![0]!);
            Assert.Equal("11111111-2222-3333-4444-555555555555", (string?)json["correlation_id"]);
            Assert.NotNull(json["trace_id"]);
            Assert.NotNull(json["timestamp"]);
            Assert.Empty(Server.State.OAuth.GetIssued());
        }

        [Theory]
        [InlineData("client_id=" + SecretClient + "&client_secret=x&scope=" + Scope, 400, "invalid_request", 900144)]
        [InlineData("grant_type=password&client_id=" + SecretClient, 400, "unsupported_grant_type", 70003)]
        [InlineData("grant_type=client_credentials&client_secret=x&scope=" + Scope, 400, "invalid_request", 900144)]
        [InlineData("grant_type=client_credentials&client_id=00000000-0000-0000-0000-000000000009&client_secret=x&scope=" + Scope, 400, "unauthorized_client", 700016)]
        [InlineData("grant_type=client_credentials&client_id=" + SecretClient + "&client_secret=" + Secret + "&scope=https://cloudpartner.azure.com/user_impersonation", 400, "invalid_scope", 1002012)]
        [InlineData("grant_type=client_credentials&client_id=" + SecretClient + "&client_secret=" + Secret + "&scope=https://management.azure.com/.default", 400, "invalid_resource", 500011)]
        [InlineData("grant_type=client_credentials&client_id=" + SecretClient + "&scope=" + Scope, 401, "invalid_client", 7000218)]
        public async Task AnswersBadRequestsWithTheirAadstsCodes(string form, int status, string error, int code)
        {
            var json = await ReadJson(await Https.PostAsync(TokenUrl, new StringContent(form, Encoding.UTF8, "application/x-www-form-urlencoded")), (HttpStatusCode)status);
            Assert.Equal(error, (string?)json["error"]);
            Assert.Equal(code, (int)json["error_codes"]![0]!);
            Assert.StartsWith($"AADSTS{code}: ", (string?)json["error_description"], StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("text/plain")]
        [InlineData("application/json")]
        public async Task RefusesATokenRequestThatIsNotAFormAndLogsNoSecret(string contentType)
        {
            // The defect: the token endpoint parsed any body, and the log masked only form bodies.
            var body = contentType == "application/json"
                ? JsonSerializer.Serialize(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["client_id"] = SecretClient, ["client_secret"] = Secret, ["scope"] = Scope })
                : "grant_type=client_credentials&client_id=" + SecretClient + "&client_secret=" + Secret + "&scope=" + Scope;

            var json = await ReadJson(await Https.PostAsync(TokenUrl, new StringContent(body, Encoding.UTF8, contentType)), HttpStatusCode.BadRequest);

            Assert.Equal(900144, (int)json["error_codes"]![0]!);
            Assert.Empty(Server.State.OAuth.GetIssued());
            var logged = Assert.Single(Server.State.GetRequests(), r => r.Path.EndsWith("/token", StringComparison.Ordinal));
            Assert.DoesNotContain(Secret, logged.Body ?? string.Empty, StringComparison.Ordinal);
        }

        [Fact]
        public async Task RefusesAClientOfAnotherTenant()
        {
            var json = await ReadJson(await Https.PostAsync(Authority + "contoso.onmicrosoft.com/oauth2/v2.0/token", Form(("grant_type", "client_credentials"), ("client_id", SecretClient), ("client_secret", Secret), ("scope", Scope))), HttpStatusCode.BadRequest);
            Assert.Equal(700016, (int)json["error_codes"]![0]!);
        }

        [Theory]
        [InlineData("RS256", false)]
        [InlineData("PS256", true)]
        public async Task AcceptsAnAssertionSignedByARegisteredCertificate(string algorithm, bool withChain)
        {
            var assertion = CertificateAssertion(this.certificate, algorithm, TokenUrl, withChain);
            await ReadJson(await PostToken(("grant_type", "client_credentials"), ("client_id", CertificateClient), ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"), ("client_assertion", assertion), ("scope", Scope)));
            var issue = Assert.Single(Server.State.OAuth.GetIssued());
            Assert.Equal("certificate", issue.Method);
            Assert.Equal(withChain, issue.CertificateChainSent);
            Assert.Equal(EmulatorState.MaskToken(assertion), issue.AssertionFingerprint);
        }

        [Fact]
        public async Task RefusesCertificateAssertionsThatDoNotCheckOut()
        {
            var other = CreateCertificate("CN=stranger");
            await ExpectAadsts(CertificateAssertion(other, "RS256", TokenUrl), CertificateClient, 700027, "not registered");

            var forged = CertificateAssertion(this.certificate, "RS256", TokenUrl).Split('.');
            forged[2] = CertificateAssertion(other, "RS256", TokenUrl).Split('.')[2];
            await ExpectAadsts(string.Join('.', forged), CertificateClient, 700027, "signature validation");

            await ExpectAadsts(CertificateAssertion(this.certificate, "RS256", "https://login.microsoftonline.com/" + Tenant + "/oauth2/v2.0/token"), CertificateClient, 700212, "audience");
            await ExpectAadsts(CertificateAssertion(this.certificate, "RS256", TokenUrl, lifetime: TimeSpan.FromMinutes(-20)), CertificateClient, 700024, "valid time range");
        }

        [Fact]
        public async Task AcceptsAFederatedTokenFromARegisteredIssuerAndSubject()
        {
            var assertion = FederatedAssertion(Issuer, Subject, FederatedCredential.DefaultAudience);
            var json = await ReadJson(await PostToken(("grant_type", "client_credentials"), ("client_id", FederatedClient), ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"), ("client_assertion", assertion), ("scope", Scope)));
            Assert.Equal("federated", Assert.Single(Server.State.OAuth.GetIssued()).Method);

            // The client's publishers limit the token.
            using var api = NewClient(Server, (string)json["access_token"]!);
            Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(Api("/api/publishers/contoso/offers"))).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await api.GetAsync(Api("/api/publishers/fabrikam/offers"))).StatusCode);
        }

        [Fact]
        public async Task RefusesFederatedTokensThatMatchNoCredential()
        {
            await ExpectAadsts(FederatedAssertion("https://evil.example.com", Subject, FederatedCredential.DefaultAudience), FederatedClient, 700211, "issuer");
            await ExpectAadsts(FederatedAssertion(Issuer, "repo:contoso/offers:ref:refs/heads/main", FederatedCredential.DefaultAudience), FederatedClient, 700213, "subject");
            await ExpectAadsts(FederatedAssertion(Issuer, Subject, "api://SomethingElse"), FederatedClient, 700212, "audience");
            await ExpectAadsts(FederatedAssertion(Issuer, Subject, FederatedCredential.DefaultAudience, TimeSpan.FromMinutes(-30)), FederatedClient, 700024, "valid time range");
        }

        [Fact]
        public async Task RunsTheDeviceCodeFlowWithATestHookForTheUser()
        {
            var code = await ReadJson(await Https.PostAsync(Authority + Tenant + "/oauth2/v2.0/devicecode", Form(("client_id", PublicClient), ("scope", Scope + " openid profile offline_access"))));
            var userCode = (string)code["user_code"]!;
            var deviceCode = (string)code["device_code"]!;
            Assert.Equal(Authority + "devicelogin", (string?)code["verification_uri"]);
            Assert.Contains(userCode, (string?)code["message"], StringComparison.Ordinal);
            Assert.Equal(1, (int)code["interval"]!);

            (string, string)[] poll = { ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"), ("client_id", PublicClient), ("device_code", deviceCode) };
            var pending = await ReadJson(await PostToken(poll), HttpStatusCode.BadRequest);
            Assert.Equal("authorization_pending", (string?)pending["error"]);

            var waiting = await Admin(HttpMethod.Get, "/_emulator/oauth/devicecodes");
            Assert.Equal(userCode, (string?)waiting[0]!["userCode"]);
            var completed = await Admin(HttpMethod.Post, "/_emulator/oauth/devicecode/complete", $"{{\"userCode\":\"{userCode}\"}}");
            Assert.Equal(userCode, (string?)completed["userCode"]);

            var tokens = await ReadJson(await PostToken(poll));
            Assert.NotNull(tokens["refresh_token"]);
            Assert.Equal(PublicClient, (string?)Claims((string)tokens["id_token"]!)["aud"]);
            var clientInfo = JsonNode.Parse(Encoding.UTF8.GetString(Base64Url.Decode((string)tokens["client_info"]!)))!;
            Assert.Equal(Tenant, (string?)clientInfo["utid"]);
            Assert.Equal("device_code", Assert.Single(Server.State.OAuth.GetIssued()).Method);

            Assert.Equal("invalid_grant", (string?)(await ReadJson(await PostToken(poll), HttpStatusCode.BadRequest))["error"]);
            await Admin(HttpMethod.Post, "/_emulator/oauth/devicecode/complete", null, HttpStatusCode.NotFound);
        }

        [Fact]
        public async Task ADeclinedDeviceCodeIsReported()
        {
            var code = await ReadJson(await Https.PostAsync(Authority + Tenant + "/oauth2/v2.0/devicecode", Form(("client_id", PublicClient), ("scope", Scope))));
            Assert.NotNull(Server.State.OAuth.CompleteDeviceCode(null, approve: false));
            var declined = await ReadJson(await PostToken(("grant_type", "device_code"), ("client_id", PublicClient), ("device_code", (string)code["device_code"]!)), HttpStatusCode.BadRequest);
            Assert.Equal("authorization_declined", (string?)declined["error"]);
        }

        [Fact]
        public async Task ConfidentialClientsCannotUseDeviceCode()
        {
            var json = await ReadJson(await Https.PostAsync(Authority + Tenant + "/oauth2/v2.0/devicecode", Form(("client_id", SecretClient), ("scope", Scope))), HttpStatusCode.BadRequest);
            Assert.Equal("invalid_client", (string?)json["error"]);
        }

        [Fact]
        public async Task RotatesRefreshTokensAndForgetsThemOnRevoke()
        {
            var first = await UserTokensByAuthorizationCode();
            var refreshed = await ReadJson(await PostToken(("grant_type", "refresh_token"), ("client_id", PublicClient), ("refresh_token", (string)first["refresh_token"]!), ("scope", Scope)));
            Assert.NotEqual((string?)first["access_token"], (string?)refreshed["access_token"]);

            var reused = await ReadJson(await PostToken(("grant_type", "refresh_token"), ("client_id", PublicClient), ("refresh_token", (string)first["refresh_token"]!)), HttpStatusCode.BadRequest);
            Assert.Equal(700082, (int)reused["error_codes"]![0]!);

            await Admin(HttpMethod.Post, "/_emulator/oauth/revoke");
            var revoked = await ReadJson(await PostToken(("grant_type", "refresh_token"), ("client_id", PublicClient), ("refresh_token", (string)refreshed["refresh_token"]!)), HttpStatusCode.BadRequest);
            Assert.Equal("invalid_grant", (string?)revoked["error"]);
        }

        [Fact]
        public async Task TheAuthorizationCodeNeedsItsPkceVerifierAndALoopbackRedirect()
        {
            var verifier = "verifier-" + new string('v', 50);
            var location = await Authorize(verifier, "http://localhost:43123/");
            Assert.StartsWith("http://localhost:43123/?code=", location.ToString(), StringComparison.Ordinal);
            Assert.Contains("state=s-1", location.Query, StringComparison.Ordinal);
            var code = Uri.UnescapeDataString(location.Query.Split('&')[0].Split('=')[1]);
            var wrong = await ReadJson(await PostToken(("grant_type", "authorization_code"), ("client_id", PublicClient), ("code", code), ("redirect_uri", "http://localhost:43123/"), ("code_verifier", "not-it")), HttpStatusCode.BadRequest);
            Assert.Equal(501481, (int)wrong["error_codes"]![0]!);

            using var foreign = await Https.GetAsync(Authority + Tenant + "/oauth2/v2.0/authorize?client_id=" + PublicClient + "&response_type=code&scope=" + Uri.EscapeDataString(Scope) + "&redirect_uri=" + Uri.EscapeDataString("https://evil.example.com/"));
            Assert.Equal(50011, (int)(await ReadJson(foreign, HttpStatusCode.BadRequest))["error_codes"]![0]!);
        }

        [Fact]
        public async Task ServesManagedIdentityTokensInTheAppServiceAndImdsShapes()
        {
            using var appService = new HttpRequestMessage(HttpMethod.Get, Server.BaseAddress + "msi/token?api-version=2019-08-01&resource=https://cloudpartner.azure.com");
            appService.Headers.Add("X-IDENTITY-HEADER", OAuthState.DefaultManagedIdentityHeader);
            var system = await ReadJson(await Client.SendAsync(appService));
            Assert.Equal(Server.State.OAuth.SystemAssignedClientId, (string?)system["client_id"]);
            Assert.True(long.Parse((string)system["expires_on"]!, System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow.ToUnixTimeSeconds());

            using var user = new HttpRequestMessage(HttpMethod.Get, Server.BaseAddress + "msi/token?api-version=2019-08-01&resource=https://cloudpartner.azure.com&client_id=" + IdentityClient);
            user.Headers.Add("X-IDENTITY-HEADER", OAuthState.DefaultManagedIdentityHeader);
            Assert.Equal(IdentityClient, (string?)(await ReadJson(await Client.SendAsync(user)))["client_id"]);

            using var unknown = new HttpRequestMessage(HttpMethod.Get, Server.BaseAddress + "msi/token?api-version=2019-08-01&resource=https://cloudpartner.azure.com&client_id=" + SecretClient);
            unknown.Headers.Add("X-IDENTITY-HEADER", OAuthState.DefaultManagedIdentityHeader);
            Assert.Contains("Managed Identity", (string?)(await ReadJson(await Client.SendAsync(unknown), HttpStatusCode.BadRequest))["message"], StringComparison.Ordinal);

            Assert.Equal(HttpStatusCode.Unauthorized, (await Client.GetAsync(Server.BaseAddress + "msi/token?api-version=2019-08-01&resource=https://cloudpartner.azure.com")).StatusCode);

            using var imds = new HttpRequestMessage(HttpMethod.Get, Server.BaseAddress + "metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://cloudpartner.azure.com");
            imds.Headers.Add("Metadata", "true");
            Assert.NotNull((await ReadJson(await Client.SendAsync(imds)))["expires_in"]);
            Assert.Equal(HttpStatusCode.BadRequest, (await Client.GetAsync(Server.BaseAddress + "metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://cloudpartner.azure.com")).StatusCode);
            Assert.Equal(3, Server.State.OAuth.GetIssued().Count);
        }

        [Fact]
        public async Task IssuedTokensExpireWithTheLifetimeOnTheEmulatorClockOrOnDemand()
        {
            await Admin(HttpMethod.Put, "/_emulator/oauth/settings", "{\"tokenLifetimeSeconds\":600}");
            var json = await ReadJson(await PostToken(("grant_type", "client_credentials"), ("client_id", SecretClient), ("client_secret", Secret), ("scope", Scope)));
            Assert.Equal(600, (int)json["expires_in"]!);
            using var api = NewClient(Server, (string)json["access_token"]!);
            Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(Api("/api/publishers"))).StatusCode);
            Clock.Advance(TimeSpan.FromMinutes(11));
            Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync(Api("/api/publishers"))).StatusCode);

            var second = await ReadJson(await PostToken(("grant_type", "client_credentials"), ("client_id", SecretClient), ("client_secret", Secret), ("scope", Scope)));
            using var renewed = NewClient(Server, (string)second["access_token"]!);
            Assert.Equal(HttpStatusCode.OK, (await renewed.GetAsync(Api("/api/publishers"))).StatusCode);
            Assert.Equal(2, (int)(await Admin(HttpMethod.Post, "/_emulator/oauth/expire"))["expired"]!);
            Assert.Equal(HttpStatusCode.Unauthorized, (await renewed.GetAsync(Api("/api/publishers"))).StatusCode);
        }

        [Fact]
        public async Task LogsTokenRequestsWithTheSecretsMasked()
        {
            var assertion = FederatedAssertion(Issuer, Subject, FederatedCredential.DefaultAudience);
            await ReadJson(await PostToken(("grant_type", "client_credentials"), ("client_id", SecretClient), ("client_secret", Secret), ("scope", Scope)));
            await ReadJson(await PostToken(("grant_type", "client_credentials"), ("client_id", FederatedClient), ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"), ("client_assertion", assertion), ("scope", Scope)));

            var log = Server.State.GetRequests().Where(r => r.Path.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal)).ToList();
            Assert.Equal(2, log.Count);
            Assert.Contains("client_secret=" + EmulatorState.MaskToken(Secret), log[0].Body, StringComparison.Ordinal);
            Assert.Contains("client_assertion=" + EmulatorState.MaskToken(assertion), log[1].Body, StringComparison.Ordinal);
            Assert.DoesNotContain(Secret, log[0].Body, StringComparison.Ordinal);
            var overview = (await Admin(HttpMethod.Get, "/_emulator/oauth")).ToJsonString();
            Assert.DoesNotContain(Secret, overview, StringComparison.Ordinal);
            Assert.Contains("\"hasSecret\":true", overview.Replace(" ", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        }

        [Fact]
        public async Task RegistersAndForgetsClientsThroughTheAdminEndpointAndResetsToTheOptions()
        {
            var certificate = CreateCertificate("CN=registered by admin");
            var body = new JsonObject
            {
                ["clientId"] = "d00d0000-0000-4000-8000-000000000001",
                ["tenantId"] = Tenant,
                ["secret"] = "admin-secret",
                ["certificates"] = new JsonArray(certificate.ExportCertificatePem()),
                ["federatedCredentials"] = new JsonArray(new JsonObject { ["issuer"] = Issuer, ["subject"] = "sub-1" }),
                ["publishers"] = new JsonArray("contoso"),
            };
            var created = await Admin(HttpMethod.Post, "/_emulator/oauth/clients", body.ToJsonString(), HttpStatusCode.Created);
            Assert.Equal(certificate.Thumbprint, (string?)created["certificates"]![0]);
            await ReadJson(await PostToken(("grant_type", "client_credentials"), ("client_id", "d00d0000-0000-4000-8000-000000000001"), ("client_secret", "admin-secret"), ("scope", Scope)));

            await Admin(HttpMethod.Delete, "/_emulator/oauth/clients/d00d0000-0000-4000-8000-000000000001", null, HttpStatusCode.NoContent);
            Assert.Equal(700016, (int)(await ReadJson(await PostToken(("grant_type", "client_credentials"), ("client_id", "d00d0000-0000-4000-8000-000000000001"), ("client_secret", "admin-secret"), ("scope", Scope)), HttpStatusCode.BadRequest))["error_codes"]![0]!);

            await Admin(HttpMethod.Post, "/_emulator/reset", null, HttpStatusCode.NoContent);
            Assert.Equal(5, Server.State.OAuth.GetClients().Count);
            Assert.Empty(Server.State.OAuth.GetIssued());
        }

        [Fact]
        public void TheCommandLineRegistersClients()
        {
            var options = Program.Parse(new[] { "--oauth-client", "{\"clientId\":\"a\",\"tenantId\":\"t\",\"secret\":\"s\"}", "--oauth-token-lifetime", "120", "--device-code-interval", "0", "--managed-identity-header", "h", "--oauth-port", "5443" }, out _);
            var client = Assert.Single(options.OAuthClients);
            Assert.Equal(("a", "t", "s"), (client.ClientId, client.TenantId, client.Secret));
            Assert.Equal(TimeSpan.FromMinutes(2), options.OAuthTokenLifetime);
            Assert.Equal(TimeSpan.Zero, options.DeviceCodeInterval);
            Assert.Equal("h", options.ManagedIdentityHeader);
            Assert.Equal(5443, options.OAuthPort);
        }

        public void Dispose()
        {
            this.https?.Dispose();
            this.certificate.Dispose();
        }

        // ---- helpers ------------------------------------------------------------------------------------------

        private async Task<JsonNode> UserTokensByAuthorizationCode()
        {
            var verifier = "verifier-" + new string('w', 50);
            var location = await Authorize(verifier, "http://localhost:43124/");
            var code = Uri.UnescapeDataString(location.Query.TrimStart('?').Split('&')[0].Split('=')[1]);
            return await ReadJson(await PostToken(("grant_type", "authorization_code"), ("client_id", PublicClient), ("code", code), ("redirect_uri", "http://localhost:43124/"), ("code_verifier", verifier)));
        }

        private async Task<Uri> Authorize(string verifier, string redirect)
        {
            var challenge = Base64Url.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
            using var response = await Https.GetAsync(Authority + Tenant + "/oauth2/v2.0/authorize?client_id=" + PublicClient + "&response_type=code&scope=" + Uri.EscapeDataString(Scope + " openid offline_access")
                + "&redirect_uri=" + Uri.EscapeDataString(redirect) + "&state=s-1&code_challenge=" + challenge + "&code_challenge_method=S256");
            Assert.Equal(HttpStatusCode.Found, response.StatusCode);
            return response.Headers.Location!;
        }

        private async Task ExpectAadsts(string assertion, string clientId, int code, string words)
        {
            using var response = await PostToken(("grant_type", "client_credentials"), ("client_id", clientId), ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"), ("client_assertion", assertion), ("scope", Scope));
            var text = await response.Content.ReadAsStringAsync();
            var json = JsonNode.Parse(text)!;
            Assert.True(code == (int?)json["error_codes"]?[0], $"Expected AADSTS{code}, got: {text}");
            Assert.Contains(words, (string?)json["error_description"], StringComparison.OrdinalIgnoreCase);
        }

        private Task<HttpResponseMessage> PostToken(params (string Name, string Value)[] fields) => Https.PostAsync(TokenUrl, Form(fields));

        private static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) => new(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));

        private static JsonNode Claims(string jwt) => JsonNode.Parse(Base64Url.Decode(jwt.Split('.')[1]))!;

        private static HttpClient NewHttpsClient(EmulatorServer server)
        {
            var thumbprint = server.OAuthCertificate.Thumbprint;
            var handler = new SocketsHttpHandler
            {
                UseProxy = false,
                AllowAutoRedirect = false,
                SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && new X509Certificate2(certificate).Thumbprint == thumbprint },
            };
            return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        }

        private static X509Certificate2 CreateCertificate(string subject)
        {
            using var rsa = RSA.Create(2048);
            var request = new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(10));
            return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
        }

        /// <summary>A client assertion as MSAL writes one: iss = sub = client id, aud = the token endpoint, x5t of the certificate.</summary>
        private static string CertificateAssertion(X509Certificate2 certificate, string algorithm, string audience, bool withChain = false, TimeSpan? lifetime = null)
        {
            var now = DateTimeOffset.UtcNow;
            var header = new JsonObject { ["alg"] = algorithm, ["typ"] = "JWT", ["x5t"] = Base64Url.Encode(certificate.GetCertHash()) };
            if (withChain)
            {
                header["x5c"] = Convert.ToBase64String(certificate.RawData);
            }

            var claims = new JsonObject
            {
                ["aud"] = audience,
                ["iss"] = CertificateClient,
                ["sub"] = CertificateClient,
                ["jti"] = Guid.NewGuid().ToString(),
                ["nbf"] = now.AddMinutes(-1).ToUnixTimeSeconds(),
                ["exp"] = (now + (lifetime ?? TimeSpan.FromMinutes(10))).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            var signed = Base64Url.Encode(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + Base64Url.Encode(Encoding.UTF8.GetBytes(claims.ToJsonString()));
            using var key = certificate.GetRSAPrivateKey()!;
            var signature = key.SignData(Encoding.ASCII.GetBytes(signed), HashAlgorithmName.SHA256, algorithm == "PS256" ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1);
            return signed + "." + Base64Url.Encode(signature);
        }

        private static string FederatedAssertion(string issuer, string subject, string audience, TimeSpan? lifetime = null)
        {
            var now = DateTimeOffset.UtcNow;
            var header = new JsonObject { ["alg"] = "RS256", ["typ"] = "JWT" };
            var claims = new JsonObject
            {
                ["iss"] = issuer,
                ["sub"] = subject,
                ["aud"] = new JsonArray(audience),
                ["nbf"] = now.AddMinutes(-1).ToUnixTimeSeconds(),
                ["exp"] = (now + (lifetime ?? TimeSpan.FromMinutes(10))).ToUnixTimeSeconds(),
            };
            return Base64Url.Encode(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + Base64Url.Encode(Encoding.UTF8.GetBytes(claims.ToJsonString())) + "." + Base64Url.Encode(RandomNumberGenerator.GetBytes(32));
        }
    }
}
