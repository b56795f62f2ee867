using System;
using System.IO;
using System.Management.Automation;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using CloudPartner.Engine.Cpp;
using CloudPartner.Engine.Auth;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Http;
using CloudPartner.Engine.ProductIngestion;
using CloudPartner.Engine.Security;
using CloudPartner.Infrastructure;

namespace CloudPartner.Commands
{
    /// <summary>
    /// Signs in (through MSAL for every flow but -AccessToken), gets a token at once, and makes the session the default.
    /// A failed connect leaves the previous default session in place.
    /// </summary>
    [Cmdlet(VerbsCommunications.Connect, "CpAccount", DefaultParameterSetName = AccessTokenSet)]
    [OutputType(typeof(CpSession))]
    public sealed class ConnectCpAccountCommand : CpEngineCmdlet
    {
        /// <summary>Testing aid (loopback authority hosts only): the thumbprint of a self-signed certificate to trust for sign-in.</summary>
        public const string TrustedAuthorityCertificateVariable = "CLOUDPARTNER_TRUSTED_AUTHORITY_CERT_THUMBPRINT";

        private const string AccessTokenSet = "AccessToken";
        private const string ClientSecretSet = "ClientSecret";
        private const string CredentialSet = "Credential";
        private const string ThumbprintSet = "CertificateThumbprint";
        private const string CertificateSet = "Certificate";
        private const string CertificatePathSet = "CertificatePath";
        private const string FederatedTokenSet = "FederatedToken";
        private const string FederatedTokenFileSet = "FederatedTokenFile";
        private const string ManagedIdentitySet = "ManagedIdentity";
        private const string DeviceCodeSet = "DeviceCode";
        private const string InteractiveSet = "Interactive";
        private const string EnvironmentSet = "Environment";

        [Parameter(Mandatory = true, ParameterSetName = AccessTokenSet)]
        [SecureStringTransformation]
        [ValidateNotNull]
        public SecureString AccessToken { get; set; } = null!;

        [Parameter(Mandatory = true, ParameterSetName = ClientSecretSet)]
        [Parameter(Mandatory = true, ParameterSetName = CredentialSet)]
        [Parameter(Mandatory = true, ParameterSetName = ThumbprintSet)]
        [Parameter(Mandatory = true, ParameterSetName = CertificateSet)]
        [Parameter(Mandatory = true, ParameterSetName = CertificatePathSet)]
        [Parameter(Mandatory = true, ParameterSetName = FederatedTokenSet)]
        [Parameter(Mandatory = true, ParameterSetName = FederatedTokenFileSet)]
        [Parameter(Mandatory = true, ParameterSetName = DeviceCodeSet)]
        [Parameter(Mandatory = true, ParameterSetName = InteractiveSet)]
        [Alias("Tenant")]
        [ValidateNotNullOrEmpty]
        public string TenantId { get; set; } = null!;

        [Parameter(Mandatory = true, ParameterSetName = ClientSecretSet)]
        [Parameter(Mandatory = true, ParameterSetName = ThumbprintSet)]
        [Parameter(Mandatory = true, ParameterSetName = CertificateSet)]
        [Parameter(Mandatory = true, ParameterSetName = CertificatePathSet)]
        [Parameter(Mandatory = true, ParameterSetName = FederatedTokenSet)]
        [Parameter(Mandatory = true, ParameterSetName = FederatedTokenFileSet)]
        [Parameter(Mandatory = true, ParameterSetName = DeviceCodeSet)]
        [Parameter(Mandatory = true, ParameterSetName = InteractiveSet)]
        [Parameter(ParameterSetName = ManagedIdentitySet)]
        [Alias("ApplicationId", "AppId")]
        [ValidateNotNullOrEmpty]
        public string? ClientId { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = ClientSecretSet)]
        [ValidateNotNull]
        public SecureString ClientSecret { get; set; } = null!;

        [Parameter(Mandatory = true, ParameterSetName = CredentialSet)]
        [Credential]
        [ValidateNotNull]
        public PSCredential Credential { get; set; } = null!;

        [Parameter(Mandatory = true, ParameterSetName = ThumbprintSet)]
        [ValidateNotNullOrEmpty]
        public string CertificateThumbprint { get; set; } = null!;

        [Parameter(Mandatory = true, ParameterSetName = CertificateSet)]
        [ValidateNotNull]
        public X509Certificate2 Certificate { get; set; } = null!;

        [Parameter(Mandatory = true, ParameterSetName = CertificatePathSet)]
        [ValidateNotNullOrEmpty]
        public string CertificatePath { get; set; } = null!;

        [Parameter(ParameterSetName = CertificatePathSet)]
        public SecureString? CertificatePassword { get; set; }

        [Parameter(ParameterSetName = ThumbprintSet)]
        [Parameter(ParameterSetName = CertificateSet)]
        [Parameter(ParameterSetName = CertificatePathSet)]
        public SwitchParameter SendCertificateChain { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = FederatedTokenSet)]
        [Alias("ClientAssertion")]
        [ValidateNotNullOrEmpty]
        public string FederatedToken { get; set; } = null!;

        [Parameter(Mandatory = true, ParameterSetName = FederatedTokenFileSet)]
        [ValidateNotNullOrEmpty]
        public string FederatedTokenFile { get; set; } = null!;

        [Parameter(Mandatory = true, ParameterSetName = ManagedIdentitySet)]
        [Alias("ManagedIdentity", "MSI")]
        public SwitchParameter Identity { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = DeviceCodeSet)]
        [Alias("UseDeviceAuthentication", "UseDeviceCode")]
        public SwitchParameter DeviceCode { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = InteractiveSet)]
        public SwitchParameter Interactive { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = EnvironmentSet)]
        public SwitchParameter FromEnvironment { get; set; }

        [Parameter(ParameterSetName = ClientSecretSet)]
        [Parameter(ParameterSetName = CredentialSet)]
        [Parameter(ParameterSetName = ThumbprintSet)]
        [Parameter(ParameterSetName = CertificateSet)]
        [Parameter(ParameterSetName = CertificatePathSet)]
        [Parameter(ParameterSetName = FederatedTokenSet)]
        [Parameter(ParameterSetName = FederatedTokenFileSet)]
        [Parameter(ParameterSetName = DeviceCodeSet)]
        [Parameter(ParameterSetName = InteractiveSet)]
        [Parameter(ParameterSetName = EnvironmentSet)]
        [ValidateNotNull]
        public Uri AuthorityHost { get; set; } = AuthenticationRequest.DefaultAuthorityHost;

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? PublisherId { get; set; }

        [Parameter]
        [ValidateNotNull]
        public Uri Endpoint { get; set; } = ConnectionSettings.DefaultEndpoint;

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string ApiVersion { get; set; } = ConnectionSettings.DefaultApiVersion;

        /// <summary>The session's default API, for commands that name none. With <c>-AccessToken</c>, the API the token is for.</summary>
        [Parameter]
        public CpApi Api { get; set; } = CpApi.Cpp;

        /// <summary>The Product Ingestion API's endpoint.</summary>
        [Parameter]
        [ValidateNotNull]
        public Uri ProductIngestionEndpoint { get; set; } = ProductIngestionApi.DefaultEndpoint;

        /// <summary>The <c>$version</c> sent to the Product Ingestion API.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string ProductIngestionVersion { get; set; } = ProductIngestionApi.DefaultVersion;

        /// <summary>A token for the Product Ingestion API (Graph audience) beside the CPP one given with <c>-AccessToken</c>.</summary>
        [Parameter(ParameterSetName = AccessTokenSet)]
        [SecureStringTransformation]
        [ValidateNotNull]
        public SecureString? ProductIngestionAccessToken { get; set; }

        [Parameter]
        [ValidateRange(0, 20)]
        public int MaxRetries { get; set; } = 4;

        /// <summary>How long one request may wait for an answer before it counts as failed (and is retried when it may be).</summary>
        [Parameter]
        [SecondsTransformation]
        public TimeSpan RequestTimeout { get; set; } = ConnectionSettings.DefaultRequestTimeout;

        [Parameter]
        public Uri? Proxy { get; set; }

        [Parameter]
        [Credential]
        public PSCredential? ProxyCredential { get; set; }

        [Parameter]
        public SwitchParameter ProxyUseDefaultCredentials { get; set; }

        /// <summary>Where build.ps1 puts the authentication assembly and MSAL, beside the module.</summary>
        internal static string DependenciesFolder =>
            Path.Combine(Path.GetDirectoryName(typeof(ConnectCpAccountCommand).Assembly.Location) ?? ".", "Dependencies");

        /// <summary>Knows the token and secrets from the start, so that no message or error of this command can show them.</summary>
        private readonly Redactor known = new Redactor();

        private protected override Redactor Redactor => known;

        protected override void EndProcessing()
        {
            ITokenProvider? provider = null;
            ApiConnection? connection = null;
            ApiConnection? productIngestion = null;
            CpSession? session = null;

            var redactor = known;
            try
            {
                var settings = new ConnectionSettings
                {
                    Endpoint = EndpointPolicy.ValidateEndpoint(Endpoint),
                    ApiVersion = ApiVersion,
                    PublisherId = PublisherId,
                    MaxRetries = MaxRetries,
                    Proxy = EndpointPolicy.ValidateProxy(Proxy),
                    RequestTimeout = RequestTimeout,
                    ProxyCredential = ProxyCredential?.GetNetworkCredential(),
                    ProxyUseDefaultCredentials = ProxyUseDefaultCredentials,
                };
                var piSettings = settings.Clone();
                piSettings.Endpoint = EndpointPolicy.ValidateEndpoint(ProductIngestionEndpoint, nameof(ProductIngestionEndpoint));
                piSettings.ApiVersion = ProductIngestionVersion;
                piSettings.VersionParameter = "$version";
                piSettings.PublisherId = null;
                var (cppTokens, piTokens) = ParameterSetName == AccessTokenSet ? AccessTokenProviders(redactor) : SignInProviders(settings, redactor);
                provider = cppTokens;
                connection = new ApiConnection(settings, cppTokens, redactor: redactor);
                productIngestion = new ApiConnection(piSettings, piTokens, redactor: redactor);

                // The default API's token is acquired now, so that bad credentials fail here and not at the first call;
                // the other one's at its first command.
                var open = Api == CpApi.ProductIngestion ? productIngestion : connection;
                var acquired = Run((context, cancel) => open.Tokens.GetAsync(context.Observer, cancel));
                if (acquired.ExpiresOn.HasValue && acquired.ExpiresOn.Value <= DateTimeOffset.UtcNow)
                {
                    var resource = Api == CpApi.ProductIngestion ? "https://graph.microsoft.com" : "https://cloudpartner.azure.com";
                    throw new CpException(CpErrorKind.AuthenticationFailed, $"The access token expired at {acquired.ExpiresOn.Value:u}.", $"Get a new token (for example az account get-access-token --resource {resource}) and connect again.");
                }

                var flow = (Api == CpApi.ProductIngestion ? piTokens : cppTokens).Flow;
                session = new CpSession(new PartnerApi(connection), new ProductIngestionApi(productIngestion), Api, (CpAuthFlow)Enum.Parse(typeof(CpAuthFlow), flow));
                SessionRegistry.Replace(session);
            }
            catch (CpException e)
            {
                productIngestion?.Dispose();
                Discard(connection, provider);
                ThrowTerminatingError(ErrorRecords.From(e, Endpoint, redactor));
            }
            catch
            {
                productIngestion?.Dispose();
                Discard(connection, provider);
                throw;
            }

            // Connected: from here on the session is the default one, whatever happens downstream.
            WriteVerbose(Describe(session!));
            WriteObject(session);
        }

        /// <summary>
        /// The tokens of <c>-AccessToken</c> (for the API <c>-Api</c> names) and <c>-ProductIngestionAccessToken</c>; an API
        /// given no token refuses its commands, naming the parameter that would supply one.
        /// </summary>
        private (ITokenProvider Cpp, ITokenProvider ProductIngestion) AccessTokenProviders(Redactor redactor)
        {
            var token = StaticToken(AccessToken, nameof(AccessToken), redactor);
            if (Api == CpApi.ProductIngestion)
            {
                if (ProductIngestionAccessToken != null)
                {
                    throw new CpException(CpErrorKind.InvalidArgument, "-ProductIngestionAccessToken is redundant with -Api ProductIngestion: -AccessToken is then the Product Ingestion token.", "Pass the Product Ingestion token with -AccessToken alone.");
                }

                return (new MissingTokenProvider("CPP API", "Connect with -Api Cpp -AccessToken <a token for https://cloudpartner.azure.com>, or sign in with one of the sign-in parameter sets, which serve both APIs."), token);
            }

            var productIngestion = ProductIngestionAccessToken is null
                ? new MissingTokenProvider("Product Ingestion API", "Connect again with -ProductIngestionAccessToken <a token for https://graph.microsoft.com>, or sign in with one of the sign-in parameter sets, which serve both APIs.")
                : StaticToken(ProductIngestionAccessToken, nameof(ProductIngestionAccessToken), redactor);
            return (token, productIngestion);
        }

        private static ITokenProvider StaticToken(SecureString secure, string parameter, Redactor redactor)
        {
            var token = Engine.Security.SecureText.ToPlainText(secure);
            redactor.AddSecret(token);
            if (string.IsNullOrWhiteSpace(token))
            {
                throw new CpException(CpErrorKind.InvalidArgument, $"-{parameter} is empty.");
            }

            return new StaticTokenProvider(token);
        }

        /// <summary>One sign-in for both APIs: the Product Ingestion token (Graph audience) comes from the same credentials.</summary>
        private (ITokenProvider Cpp, ITokenProvider ProductIngestion) SignInProviders(ConnectionSettings settings, Redactor redactor)
        {
            var cpp = SignInProvider(settings, redactor);
            return (cpp, ((IScopedTokenProvider)cpp).ForScope(ProductIngestionApi.GraphScope));
        }

        private ITokenProvider SignInProvider(ConnectionSettings settings, Redactor redactor)
        {
            var request = new AuthenticationRequest
            {
                TenantId = TenantId,
                ClientId = ClientId,
                AuthorityHost = AuthorityHost,
                Connection = settings,
                Redactor = redactor,
                DeviceCodePrompt = prompt => ActiveQueue?.Post(() => ShowDeviceCode(prompt)),
                Warning = message => ActiveQueue?.Warning(message),
            };

            switch (ParameterSetName)
            {
                case ClientSecretSet:
                    request.Flow = SignInFlow.ClientSecret;
                    request.ClientSecret = ClientSecret;
                    break;
                case CredentialSet:
                    request.Flow = SignInFlow.ClientSecret;
                    request.ClientId = Credential.GetNetworkCredential().UserName;
                    request.ClientSecret = Credential.Password;
                    break;
                case ThumbprintSet:
                    request.Flow = SignInFlow.Certificate;
                    request.Certificate = CertificateLoader.FromStore(CertificateThumbprint);
                    request.SendCertificateChain = SendCertificateChain;
                    break;
                case CertificateSet:
                    request.Flow = SignInFlow.Certificate;
                    request.Certificate = CertificateLoader.RequirePrivateKey(Certificate);
                    request.SendCertificateChain = SendCertificateChain;
                    break;
                case CertificatePathSet:
                    request.Flow = SignInFlow.Certificate;
                    request.Certificate = CertificateLoader.FromFile(ResolvePath(CertificatePath), CertificatePassword);
                    request.SendCertificateChain = SendCertificateChain;
                    break;
                case FederatedTokenSet:
                    request.Flow = SignInFlow.FederatedToken;
                    request.FederatedToken = Engine.Security.SecureText.ToSecureString(FederatedToken.Trim());
                    break;
                case FederatedTokenFileSet:
                    request.Flow = SignInFlow.FederatedToken;
                    request.FederatedTokenFile = ResolvePath(FederatedTokenFile);
                    if (!File.Exists(request.FederatedTokenFile))
                    {
                        throw new CpException(CpErrorKind.InvalidArgument, $"The federated token file '{request.FederatedTokenFile}' was not found.");
                    }

                    break;
                case ManagedIdentitySet:
                    request.Flow = SignInFlow.ManagedIdentity;
                    break;
                case DeviceCodeSet:
                    request.Flow = SignInFlow.DeviceCode;
                    break;
                case InteractiveSet:
                    request.Flow = SignInFlow.Interactive;
                    break;
                case EnvironmentSet:
                    var source = EnvironmentSignIn.Configure(request, Environment.GetEnvironmentVariable, ResolvePath, MyInvocation.BoundParameters.ContainsKey(nameof(AuthorityHost)));
                    WriteVerbose($"-FromEnvironment: signing in as client {request.ClientId} in tenant {request.TenantId} with {request.Flow} ({source}).");
                    break;
            }

            var trusted = Environment.GetEnvironmentVariable(TrustedAuthorityCertificateVariable);
            if (!string.IsNullOrWhiteSpace(trusted))
            {
                if (EndpointPolicy.IsLoopback(request.AuthorityHost))
                {
                    request.TrustedLoopbackCertificateThumbprint = trusted;
                }
                else
                {
                    WriteVerbose($"{TrustedAuthorityCertificateVariable} is ignored: it applies to loopback authority hosts only.");
                }
            }

            return AuthenticationLoader.Load(DependenciesFolder).Create(request);
        }

        /// <summary>On the pipeline thread. The code is a warning, which -InformationAction does not hide; when warnings are
        /// silenced (-WarningAction SilentlyContinue or Ignore) it is also written to the host, since the sign-in cannot
        /// finish without it.</summary>
        private void ShowDeviceCode(DeviceCodePrompt prompt)
        {
            WriteWarning(prompt.Message);
            var preference = EffectiveWarningPreference();
            if (preference == ActionPreference.SilentlyContinue || preference == ActionPreference.Ignore)
            {
                Host.UI.WriteWarningLine(prompt.Message);
            }
        }

        private ActionPreference EffectiveWarningPreference()
        {
            var value = MyInvocation.BoundParameters.TryGetValue("WarningAction", out var bound) ? bound : GetVariableValue("WarningPreference");
            if (value is PSObject wrapped)
            {
                value = wrapped.BaseObject;
            }

            return value is ActionPreference preference ? preference
                : value != null && Enum.TryParse(value.ToString(), true, out ActionPreference parsed) ? parsed
                : ActionPreference.Continue;
        }

        private string ResolvePath(string path) => GetUnresolvedProviderPathFromPSPath(path);

        private static string Describe(CpSession session)
        {
            var who = session.AuthFlow == CpAuthFlow.AccessToken
                ? "with an access token"
                : $"with {session.AuthFlow} sign-in" + (session.ClientId is null ? string.Empty : $" as client {session.ClientId}") + (session.TenantId is null ? string.Empty : $" in tenant {session.TenantId}");
            return $"Connected to {session.Endpoint} as publisher '{session.PublisherId ?? "(none)"}' {who}" +
                (session.TokenExpiresOn.HasValue ? $"; the token expires at {session.TokenExpiresOn:u}." : ".");
        }

        private static void Discard(ApiConnection? connection, ITokenProvider? provider)
        {
            if (connection != null)
            {
                connection.Dispose();
            }
            else
            {
                (provider as IDisposable)?.Dispose();
            }
        }
    }
}
