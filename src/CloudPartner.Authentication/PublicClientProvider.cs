using System;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using CloudPartner.Engine.Auth;
using Microsoft.Identity.Client;
using Microsoft.Identity.Client.Extensibility;

namespace CloudPartner.Authentication
{
    /// <summary>
    /// The user flows: device code, and interactive (the system browser, or device code where no browser can open). The user
    /// signs in once, at connect; renewals are silent (the refresh token in MSAL's in-memory cache) and fail with a clear
    /// "connect again" rather than prompting in the middle of a command.
    /// </summary>
    internal sealed class PublicClientProvider : MsalTokenProvider
    {
        private readonly IPublicClientApplication app;
        private IAccount? account;

        public PublicClientProvider(AuthenticationRequest request, MsalHttpClientFactory http)
            : base(request, http)
        {
            app = WithAuthorityOf(WithCommon(PublicClientApplicationBuilder.Create(request.ClientId)), request)
                .WithRedirectUri("http://localhost")
                .WithClientName("CloudPartner")
                .WithClientVersion(typeof(PublicClientProvider).Assembly.GetName().Version?.ToString(3))
                .Build();
        }

        /// <remarks>Once the user has signed in, a token for another API comes silently from the same account.</remarks>
        protected override async Task<AuthenticationResult> AcquireCoreAsync(string[] scopes, bool forceRefresh, CancellationToken cancellationToken)
        {
            AuthenticationResult result;
            if (account != null)
            {
                result = await app.AcquireTokenSilent(scopes, account).WithForceRefresh(forceRefresh).ExecuteAsync(cancellationToken).ConfigureAwait(false);
            }
            else if (Request.Flow == SignInFlow.Interactive && (Request.Browser != null || BrowserAvailable()))
            {
                result = await InteractiveAsync(scopes, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                if (Request.Flow == SignInFlow.Interactive)
                {
                    FallBackToDeviceCode("no web browser can be opened here" + (RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? " (DISPLAY and WAYLAND_DISPLAY are not set)" : string.Empty));
                }

                result = await DeviceCodeAsync(scopes, cancellationToken).ConfigureAwait(false);
            }

            account = result.Account;
            TenantId = result.TenantId ?? TenantId;
            return result;
        }

        private async Task<AuthenticationResult> InteractiveAsync(string[] scopes, CancellationToken cancellationToken)
        {
            var builder = app.AcquireTokenInteractive(scopes).WithPrompt(Prompt.SelectAccount);
            if (Request.Browser != null)
            {
                builder = builder.WithCustomWebUi(new DelegateWebUi(Request.Browser));
            }

            try
            {
                return await builder.ExecuteAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (MsalClientException e) when (IsBrowserFailure(e))
            {
                FallBackToDeviceCode("the web browser could not be opened (" + e.ErrorCode + ")");
                return await DeviceCodeAsync(scopes, cancellationToken).ConfigureAwait(false);
            }
        }

        private Task<AuthenticationResult> DeviceCodeAsync(string[] scopes, CancellationToken cancellationToken)
        {
            return app.AcquireTokenWithDeviceCode(scopes, code =>
            {
                var prompt = new DeviceCodePrompt(code.Message, code.UserCode, new Uri(code.VerificationUrl), code.ExpiresOn);
                if (Request.DeviceCodePrompt != null)
                {
                    Request.DeviceCodePrompt(prompt);
                }
                else
                {
                    Request.Warning?.Invoke(code.Message);
                }

                return Task.CompletedTask;
            }).ExecuteAsync(cancellationToken);
        }

        private void FallBackToDeviceCode(string reason)
        {
            Flow = nameof(SignInFlow.DeviceCode);
            Request.Warning?.Invoke($"Interactive sign-in is not possible: {reason}. Signing in with a device code instead.");
        }

        private bool BrowserAvailable()
        {
            if (Request.BrowserAvailable != null)
            {
                return Request.BrowserAvailable();
            }

            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("SSH_CONNECTION")) && !RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                return false;
            }

            if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
            {
                return !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DISPLAY")) || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WAYLAND_DISPLAY"));
            }

            return Environment.UserInteractive;
        }

        private static bool IsBrowserFailure(MsalClientException e)
        {
            return e.ErrorCode == MsalError.LinuxXdgOpen
                || e.ErrorCode == "browser_not_found"
                || e.Message.IndexOf("unable to open a web page", StringComparison.OrdinalIgnoreCase) >= 0;
        }

        /// <summary>Testing aid: a "browser" given as a delegate (it follows the authorize URL and returns where it was redirected).</summary>
        private sealed class DelegateWebUi : ICustomWebUi
        {
            private readonly Func<Uri, Uri, CancellationToken, Task<Uri>> browse;

            public DelegateWebUi(Func<Uri, Uri, CancellationToken, Task<Uri>> browse)
            {
                this.browse = browse;
            }

            public Task<Uri> AcquireAuthorizationCodeAsync(Uri authorizationUri, Uri redirectUri, CancellationToken cancellationToken) =>
                browse(authorizationUri, redirectUri, cancellationToken);
        }
    }
}
