using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Security;
using System.Reflection;
using System.Runtime.Loader;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using CloudPartner.Engine.Cpp;
using CloudPartner.Engine.Auth;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Http;

namespace CloudPartner.Engine.Tests
{
    /// <summary>Proxy, trust, isolation, certificates and environment variables around the sign-in flows.</summary>
    public sealed class AuthenticationPlumbingTests
    {
        [Fact]
        public async Task SignInAndApiGoThroughTheSameProxyAndNowhereElse()
        {
            await using var rig = await SignInRig.StartAsync();
            var credential = new NetworkCredential("proxy-user", "proxy-pass-9d1f");
            using var proxy = new RecordingProxy(credential);
            var request = rig.SecretRequest();
            request.Connection.Proxy = proxy.Address;
            request.Connection.ProxyCredential = credential;
            using var connection = rig.Connect(request);

            await new PartnerApi(connection).GetPublishersAsync(null, CancellationToken.None);

            var authority = rig.Server.OAuthAuthority.Authority;
            var api = rig.Server.BaseAddress.Authority;
            Assert.Contains("CONNECT " + authority, proxy.Requests);
            Assert.Contains("GET " + api, proxy.Requests);
            Assert.True(proxy.Refused > 0, "the proxy asked for credentials");
            Assert.All(proxy.Requests.Where(r => !r.StartsWith("REFUSED ", StringComparison.Ordinal)), r => Assert.True(r.EndsWith(" " + authority, StringComparison.Ordinal) || r.EndsWith(" " + api, StringComparison.Ordinal), r));
            Assert.Single(rig.Issued);
        }

        [Fact]
        public async Task ACustomAuthorityHostGetsEveryIdentityRequest()
        {
            // MSAL would ask login.microsoftonline.com about an unknown authority; with a custom host it must not.
            await using var rig = await SignInRig.StartAsync();
            using var proxy = new RecordingProxy();
            var request = rig.Request(SignInFlow.DeviceCode, SignInRig.PublicClient);
            request.Connection.Proxy = proxy.Address;
            request.DeviceCodePrompt = prompt => rig.OAuth.CompleteDeviceCode(prompt.UserCode);
            using var connection = rig.Connect(request);

            await connection.Tokens.GetAsync(CancellationToken.None);

            Assert.NotEmpty(proxy.Requests);
            Assert.All(proxy.Requests, r => Assert.Equal("CONNECT " + rig.Server.OAuthAuthority.Authority, r));
        }

        [Fact]
        public void ThePinnedCertificateIsTrustedForLoopbackHostsOnly()
        {
            using var certificate = TestCertificates.CreateRsa("CN=pinned");
            using var handler = (HttpClientHandler)HttpHandlerFactory.CreateForIdentityProvider(new ConnectionSettings(), certificate.Thumbprint.ToLowerInvariant());
            var check = handler.ServerCertificateCustomValidationCallback!;
            using var other = TestCertificates.CreateRsa("CN=other");

            Assert.True(check(new HttpRequestMessage(HttpMethod.Post, "https://127.0.0.1:5443/t/oauth2/v2.0/token"), certificate, null, SslPolicyErrors.RemoteCertificateChainErrors));
            Assert.True(check(new HttpRequestMessage(HttpMethod.Post, "https://localhost:5443/t/oauth2/v2.0/token"), certificate, null, SslPolicyErrors.RemoteCertificateChainErrors));
            Assert.False(check(new HttpRequestMessage(HttpMethod.Post, "https://login.example.com/t/oauth2/v2.0/token"), certificate, null, SslPolicyErrors.RemoteCertificateChainErrors));
            Assert.False(check(new HttpRequestMessage(HttpMethod.Post, "https://127.0.0.1:5443/t/oauth2/v2.0/token"), other, null, SslPolicyErrors.RemoteCertificateChainErrors));
            Assert.True(check(new HttpRequestMessage(HttpMethod.Post, "https://login.example.com/"), other, null, SslPolicyErrors.None));

            using var plain = (HttpClientHandler)HttpHandlerFactory.CreateForIdentityProvider(new ConnectionSettings(), null);
            Assert.Null(plain.ServerCertificateCustomValidationCallback);
        }

        [Fact]
        public async Task TheLoaderIsolatesMsalInItsOwnLoadContextAndSharesTheEngine()
        {
            var folder = Path.Combine(Path.GetTempPath(), "cp-dependencies-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            foreach (var name in new[] { "CloudPartner.Authentication", "Microsoft.Identity.Client", "Microsoft.IdentityModel.Abstractions", "CloudPartner.Engine" })
            {
                File.Copy(Path.Combine(AppContext.BaseDirectory, name + ".dll"), Path.Combine(folder, name + ".dll"));
            }

            try
            {
                var factory = AuthenticationLoader.Load(folder);
                Assert.Same(factory, AuthenticationLoader.Load(folder));

                var context = AssemblyLoadContext.GetLoadContext(factory.GetType().Assembly)!;
                Assert.Equal(AuthenticationLoader.LoadContextName, context.Name);
                Assert.Equal(AuthenticationLoader.LoadContextName, AuthenticationLoader.ContextOf(factory.GetType().Assembly));
                Assert.Equal("Default", AuthenticationLoader.ContextOf(typeof(ITokenProviderFactory).Assembly));
                var isolatedMsal = Assert.Single(context.Assemblies, a => a.GetName().Name == "Microsoft.Identity.Client");
                Assert.NotSame(typeof(Microsoft.Identity.Client.PublicClientApplication).Assembly, isolatedMsal);
                Assert.DoesNotContain(context.Assemblies, a => a.GetName().Name == "CloudPartner.Engine");

                await using var rig = await SignInRig.StartAsync();
                using var connection = rig.Connect(rig.SecretRequest(), factory);
                await new PartnerApi(connection).GetPublishersAsync(null, CancellationToken.None);
                Assert.Single(rig.Issued);
            }
            finally
            {
                try
                {
                    Directory.Delete(folder, recursive: true);
                }
                catch (IOException)
                {
                }
                catch (UnauthorizedAccessException)
                {
                }
            }
        }

        [Fact]
        public void AMissingDependenciesFolderIsAClearError()
        {
            var error = Assert.Throws<CpException>(() => AuthenticationLoader.Load(Path.Combine(Path.GetTempPath(), "cp-missing-" + Guid.NewGuid().ToString("N"))));
            Assert.Equal(CpErrorKind.AuthenticationFailed, error.Kind);
            Assert.Contains("CloudPartner.Authentication.dll", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void TheEngineDoesNotReferenceMsal()
        {
            Assert.DoesNotContain(typeof(ApiConnection).Assembly.GetReferencedAssemblies(), a => a.Name!.StartsWith("Microsoft.Identity", StringComparison.Ordinal));
        }

        [Fact]
        public void APfxIsReadWithItsPassword()
        {
            using var source = TestCertificates.CreateRsa("CN=pfx");
            var path = TempFile(".pfx", source.Export(X509ContentType.Pkcs12, "pfx-pass"));
            try
            {
                using var loaded = CertificateLoader.FromFile(path, SignInRig.Secure("pfx-pass"));
                Assert.True(loaded.HasPrivateKey);
                Assert.Equal(source.Thumbprint, loaded.Thumbprint);

                var error = Assert.Throws<CpException>(() => CertificateLoader.FromFile(path, SignInRig.Secure("wrong")));
                Assert.Equal(CpErrorKind.InvalidArgument, error.Kind);
                Assert.Contains("-CertificatePassword", error.RecommendedAction, StringComparison.Ordinal);
            }
            finally
            {
                File.Delete(path);
            }
        }

        [Fact]
        public void APemWithItsKeyIsRead()
        {
            using var source = TestCertificates.CreateRsa("CN=pem");
            using var key = source.GetRSAPrivateKey()!;
            var plain = TempFile(".pem", System.Text.Encoding.ASCII.GetBytes(TestCertificates.Pem("CERTIFICATE", source.RawData) + TestCertificates.Pem("PRIVATE KEY", key.ExportPkcs8PrivateKey())));
            var encrypted = TempFile(".pem", System.Text.Encoding.ASCII.GetBytes(TestCertificates.Pem("CERTIFICATE", source.RawData)
                + TestCertificates.Pem("ENCRYPTED PRIVATE KEY", key.ExportEncryptedPkcs8PrivateKey("pem-pass", new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 10000)))));
            var certificateOnly = TempFile(".pem", System.Text.Encoding.ASCII.GetBytes(TestCertificates.Pem("CERTIFICATE", source.RawData)));
            try
            {
                using var fromPlain = CertificateLoader.FromFile(plain, null);
                Assert.True(fromPlain.HasPrivateKey);
                Assert.Equal(source.Thumbprint, fromPlain.Thumbprint);

                using var fromEncrypted = CertificateLoader.FromFile(encrypted, SignInRig.Secure("pem-pass"));
                Assert.True(fromEncrypted.HasPrivateKey);

                Assert.Equal(CpErrorKind.InvalidArgument, Assert.Throws<CpException>(() => CertificateLoader.FromFile(encrypted, SignInRig.Secure("wrong"))).Kind);
                Assert.Equal(CpErrorKind.InvalidArgument, Assert.Throws<CpException>(() => CertificateLoader.FromFile(certificateOnly, null)).Kind);
            }
            finally
            {
                File.Delete(plain);
                File.Delete(encrypted);
                File.Delete(certificateOnly);
            }
        }

        [Fact]
        public void AMissingCertificateFileIsAnInvalidArgument()
        {
            var error = Assert.Throws<CpException>(() => CertificateLoader.FromFile("/no/such/cert.pfx", null));
            Assert.Equal(CpErrorKind.InvalidArgument, error.Kind);
        }

        [Fact]
        public void ACertificateIsFoundInTheCurrentUserStoreByThumbprint()
        {
            using var certificate = TestCertificates.CreateRsa("CN=CloudPartner store test " + Guid.NewGuid().ToString("N"));
            using var store = new X509Store(StoreName.My, StoreLocation.CurrentUser);
            store.Open(OpenFlags.ReadWrite);
            store.Add(certificate);
            try
            {
                var spaced = string.Join(" ", Enumerable.Range(0, 20).Select(i => certificate.Thumbprint.Substring(i * 2, 2))).ToLowerInvariant();
                using var found = CertificateLoader.FromStore(spaced);
                Assert.Equal(certificate.Thumbprint, found.Thumbprint);
                Assert.True(found.HasPrivateKey);
            }
            finally
            {
                store.Remove(certificate);
            }

            var error = Assert.Throws<CpException>(() => CertificateLoader.FromStore(certificate.Thumbprint));
            Assert.Contains("CurrentUser", error.Message, StringComparison.Ordinal);
            Assert.Equal(CpErrorKind.InvalidArgument, Assert.Throws<CpException>(() => CertificateLoader.FromStore("not-a-thumbprint")).Kind);
        }

        [Fact]
        public void TheEnvironmentChoosesASecretThenACertificateThenAFederatedTokenFile()
        {
            var variables = new Dictionary<string, string?>
            {
                ["AZURE_TENANT_ID"] = "tenant-1",
                ["AZURE_CLIENT_ID"] = "client-1",
                ["AZURE_CLIENT_SECRET"] = "env-secret",
                ["AZURE_FEDERATED_TOKEN_FILE"] = "token.jwt",
            };
            var request = new AuthenticationRequest();
            Assert.Equal("AZURE_CLIENT_SECRET", EnvironmentSignIn.Configure(request, n => variables.GetValueOrDefault(n), p => "/full/" + p, authorityHostGiven: false));
            Assert.Equal(SignInFlow.ClientSecret, request.Flow);
            Assert.Equal("tenant-1", request.TenantId);
            Assert.Equal("client-1", request.ClientId);
            Assert.Equal("env-secret", new NetworkCredential(string.Empty, request.ClientSecret).Password);

            variables.Remove("AZURE_CLIENT_SECRET");
            variables["AZURE_AUTHORITY_HOST"] = "https://login.microsoftonline.us/";
            request = new AuthenticationRequest();
            Assert.Equal("AZURE_FEDERATED_TOKEN_FILE", EnvironmentSignIn.Configure(request, n => variables.GetValueOrDefault(n), p => "/full/" + p, authorityHostGiven: false));
            Assert.Equal(SignInFlow.FederatedToken, request.Flow);
            Assert.Equal("/full/token.jwt", request.FederatedTokenFile);
            Assert.Equal("login.microsoftonline.us", request.AuthorityHost.Host);

            using var certificate = TestCertificates.CreateRsa("CN=env");
            var path = TempFile(".pfx", certificate.Export(X509ContentType.Pkcs12, "env-pass"));
            try
            {
                variables["AZURE_CLIENT_CERTIFICATE_PATH"] = path;
                variables["AZURE_CLIENT_CERTIFICATE_PASSWORD"] = "env-pass";
                variables["AZURE_CLIENT_SEND_CERTIFICATE_CHAIN"] = "true";
                request = new AuthenticationRequest { AuthorityHost = new Uri("https://login.chinacloudapi.cn") };
                Assert.Equal("AZURE_CLIENT_CERTIFICATE_PATH", EnvironmentSignIn.Configure(request, n => variables.GetValueOrDefault(n), p => p, authorityHostGiven: true));
                Assert.Equal(SignInFlow.Certificate, request.Flow);
                Assert.Equal(certificate.Thumbprint, request.Certificate!.Thumbprint);
                Assert.True(request.SendCertificateChain);
                Assert.Equal("login.chinacloudapi.cn", request.AuthorityHost.Host);
            }
            finally
            {
                File.Delete(path);
            }
        }

        [Fact]
        public void TheEnvironmentNamesWhatIsMissing()
        {
            var error = Assert.Throws<CpException>(() => EnvironmentSignIn.Configure(new AuthenticationRequest(), n => n == "AZURE_CLIENT_ID" ? "c" : null, p => p, false));
            Assert.Equal(CpErrorKind.InvalidArgument, error.Kind);
            Assert.Contains("AZURE_TENANT_ID", error.Message, StringComparison.Ordinal);
            Assert.Contains("AZURE_CLIENT_SECRET", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("not set: AZURE_CLIENT_ID", error.Message, StringComparison.Ordinal);
        }

        private static string TempFile(string extension, byte[] content)
        {
            var path = Path.Combine(Path.GetTempPath(), "cp-test-" + Guid.NewGuid().ToString("N") + extension);
            File.WriteAllBytes(path, content);
            return path;
        }
    }
}
