using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using CloudPartner.Engine.Auth;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Http;
using CloudPartner.Engine.Security;
using Microsoft.Identity.Client;

namespace CloudPartner.Authentication
{
    /// <summary>
    /// The service-principal flows: a client secret, a certificate, or a federated token — all client credentials, all
    /// renewed through AcquireTokenForClient, whose in-memory cache answers until the token is within five minutes of expiry.
    /// </summary>
    internal sealed class ConfidentialClientProvider : MsalTokenProvider
    {
        private readonly IConfidentialClientApplication app;

        public ConfidentialClientProvider(AuthenticationRequest request, MsalHttpClientFactory http)
            : base(request, http)
        {
            var builder = WithAuthorityOf(WithCommon(ConfidentialClientApplicationBuilder.Create(request.ClientId)), request)
                .WithClientName("CloudPartner")
                .WithClientVersion(typeof(ConfidentialClientProvider).Assembly.GetName().Version?.ToString(3));
            switch (request.Flow)
            {
                case SignInFlow.ClientSecret:
                    {
                        var secret = request.ClientSecret is null ? string.Empty : SecureText.ToPlainText(request.ClientSecret);
                        if (secret.Length == 0)
                        {
                            throw Missing("The client secret is empty.");
                        }

                        request.Redactor.AddSecret(secret);
                        builder = builder.WithClientSecret(secret);
                        break;
                    }

                case SignInFlow.Certificate:
                    builder = builder.WithCertificate(request.Certificate ?? throw Missing("No certificate was given."), request.SendCertificateChain);
                    break;

                case SignInFlow.FederatedToken:
                    if (request.FederatedToken is null && string.IsNullOrEmpty(request.FederatedTokenFile))
                    {
                        throw Missing("No federated token (or token file) was given.");
                    }

                    builder = builder.WithClientAssertion((Func<AssertionRequestOptions, Task<string>>)ReadAssertionAsync);
                    break;

                default:
                    throw new ArgumentOutOfRangeException(nameof(request), request.Flow, "Not a client-credentials flow.");
            }

            app = builder.Build();
        }

        protected override Task<AuthenticationResult> AcquireCoreAsync(string[] scopes, bool forceRefresh, CancellationToken cancellationToken)
        {
            return app.AcquireTokenForClient(scopes).WithForceRefresh(forceRefresh).ExecuteAsync(cancellationToken);
        }

        /// <summary>MSAL calls this whenever it needs a new token: the file is read again every time, so a rotated token is used.</summary>
        private Task<string> ReadAssertionAsync(AssertionRequestOptions options)
        {
            string assertion;
            var path = Request.FederatedTokenFile;
            if (!string.IsNullOrEmpty(path))
            {
                try
                {
                    assertion = File.ReadAllText(path!).Trim();
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    throw new CpException(
                        CpErrorKind.AuthenticationFailed,
                        $"The federated token file '{path}' could not be read: {e.Message}",
                        "Check that the file exists and is readable (in Kubernetes and GitHub Actions it is written by the platform), then try again.",
                        e);
                }

                if (assertion.Length == 0)
                {
                    throw new CpException(CpErrorKind.AuthenticationFailed, $"The federated token file '{path}' is empty.", "Write the federated (OIDC) token to the file, then try again.");
                }
            }
            else
            {
                assertion = SecureText.ToPlainText(Request.FederatedToken!).Trim();
            }

            Request.Redactor.AddSecret(assertion);
            var claims = JwtClaims.TryRead(assertion);
            Observer.Debug(
                (path is null ? "Using the federated token given to Connect-CpAccount" : $"Read the federated token from '{path}'")
                + (claims.ExpiresOn.HasValue ? $" (it expires at {claims.ExpiresOn:u})." : "."));
            return Task.FromResult(assertion);
        }
    }
}
