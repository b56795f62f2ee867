using System;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using CloudPartner.Engine.Http;
using CloudPartner.Engine.Security;

namespace CloudPartner.Engine.Auth
{
    /// <summary>The sign-in flows that go through the identity provider (MSAL).</summary>
    internal enum SignInFlow
    {
        ClientSecret,
        Certificate,
        FederatedToken,
        ManagedIdentity,
        DeviceCode,
        Interactive,
    }

    /// <summary>
    /// Everything a sign-in needs, in plain types only: it crosses from the cmdlet assembly to the isolated
    /// authentication assembly, so nothing here may be an MSAL type. Secrets stay SecureString or X509Certificate2.
    /// </summary>
    internal sealed class AuthenticationRequest
    {
        /// <summary>The public cloud's sign-in host.</summary>
        public static readonly Uri DefaultAuthorityHost = new Uri("https://login.microsoftonline.com/");

        /// <summary>The scope every token is asked for.</summary>
        public const string DefaultScope = "https://cloudpartner.azure.com/.default";

        public SignInFlow Flow { get; set; }

        public string? TenantId { get; set; }

        /// <summary>The application (client) id; for managed identity, the user-assigned identity's client id (null: system-assigned).</summary>
        public string? ClientId { get; set; }

        public SecureString? ClientSecret { get; set; }

        /// <summary>A certificate with its private key (from the store, an object, or a PFX/PEM file read into memory).</summary>
        public X509Certificate2? Certificate { get; set; }

        /// <summary>Send the certificate's chain (x5c) with each assertion, for subject-name/issuer authentication.</summary>
        public bool SendCertificateChain { get; set; }

        /// <summary>A federated token (an OIDC token from GitHub Actions, Azure DevOps, Kubernetes…) used as the assertion as is.</summary>
        public SecureString? FederatedToken { get; set; }

        /// <summary>A file holding the federated token; read again each time a new token is needed, so rotation is picked up.</summary>
        public string? FederatedTokenFile { get; set; }

        public Uri AuthorityHost { get; set; } = DefaultAuthorityHost;

        public string Scope { get; set; } = DefaultScope;

        /// <summary>Proxy settings (and timeouts) for the identity provider's requests: the same as the API's.</summary>
        public ConnectionSettings Connection { get; set; } = new ConnectionSettings();

        /// <summary>The session's redactor: every secret the sign-in handles is registered with it.</summary>
        public Redactor Redactor { get; set; } = new Redactor();

        /// <summary>
        /// Testing aid: the SHA-1 or SHA-256 thumbprint of a certificate trusted for the identity provider's TLS when the
        /// authority host is a loopback address (the local emulator's self-signed certificate). Ignored for other hosts.
        /// </summary>
        public string? TrustedLoopbackCertificateThumbprint { get; set; }

        /// <summary>Shows the device code to the user. Called on a worker thread: queue it to the pipeline thread.</summary>
        public Action<DeviceCodePrompt>? DeviceCodePrompt { get; set; }

        /// <summary>Tells the user something about the sign-in (such as a fallback to device code). Called on a worker thread.</summary>
        public Action<string>? Warning { get; set; }

        /// <summary>Whether a web browser can be opened; null: decided from the environment (no DISPLAY on Linux: no browser).</summary>
        public Func<bool>? BrowserAvailable { get; set; }

        /// <summary>
        /// Testing aid: plays the browser in the interactive flow. Given the authorize URL and the redirect URL, it returns the URL
        /// the identity provider redirected to (with the code). Null: the system browser.
        /// </summary>
        public Func<Uri, Uri, CancellationToken, Task<Uri>>? Browser { get; set; }

        /// <summary>True when <see cref="AuthorityHost"/> is the public cloud's default host.</summary>
        public bool IsDefaultAuthorityHost =>
            string.Equals(AuthorityHost.Host, DefaultAuthorityHost.Host, StringComparison.OrdinalIgnoreCase) && AuthorityHost.Port == 443;
    }

    /// <summary>What the user must do to finish a device-code sign-in.</summary>
    internal sealed class DeviceCodePrompt
    {
        public DeviceCodePrompt(string message, string userCode, Uri verificationUri, DateTimeOffset expiresOn)
        {
            Message = message;
            UserCode = userCode;
            VerificationUri = verificationUri;
            ExpiresOn = expiresOn;
        }

        /// <summary>The identity provider's sentence: open this page and enter this code.</summary>
        public string Message { get; }

        public string UserCode { get; }

        public Uri VerificationUri { get; }

        public DateTimeOffset ExpiresOn { get; }
    }
}
