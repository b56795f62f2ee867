using System;
using System.Text.RegularExpressions;
using CloudPartner.Engine.Auth;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Http;

namespace CloudPartner.Authentication
{
    /// <summary>The entry point the engine's AuthenticationLoader creates by reflection: one MSAL-backed provider per request.</summary>
    internal sealed class MsalTokenProviderFactory : ITokenProviderFactory
    {
        private static readonly Regex TenantPattern = new Regex(@"^[A-Za-z0-9][A-Za-z0-9.\-]{0,255}$", RegexOptions.CultureInvariant);

        public ITokenProvider Create(AuthenticationRequest request)
        {
            if (request is null)
            {
                throw new ArgumentNullException(nameof(request));
            }

            Validate(request);
            var timeout = request.Connection.RequestTimeout;
            if (request.Flow == SignInFlow.ManagedIdentity)
            {
                return new ManagedIdentityProvider(request, new MsalHttpClientFactory(HttpHandlerFactory.CreateDirect(request.Connection), timeout));
            }

            var http = new MsalHttpClientFactory(HttpHandlerFactory.CreateForIdentityProvider(request.Connection, request.TrustedLoopbackCertificateThumbprint), timeout);
            try
            {
                return request.Flow == SignInFlow.DeviceCode || request.Flow == SignInFlow.Interactive
                    ? (ITokenProvider)new PublicClientProvider(request, http)
                    : new ConfidentialClientProvider(request, http);
            }
            catch
            {
                http.Dispose();
                throw;
            }
        }

        private static void Validate(AuthenticationRequest request)
        {
            if (request.Flow == SignInFlow.ManagedIdentity)
            {
                return;
            }

            if (string.IsNullOrWhiteSpace(request.TenantId) || !TenantPattern.IsMatch(request.TenantId))
            {
                throw new CpException(CpErrorKind.InvalidArgument, $"-TenantId '{request.TenantId}' is not a tenant id: use the tenant's GUID or a domain such as contoso.onmicrosoft.com.");
            }

            if (string.IsNullOrWhiteSpace(request.ClientId))
            {
                throw new CpException(CpErrorKind.InvalidArgument, "-ClientId is empty: pass the application (client) id of the app registration.");
            }

            var host = request.AuthorityHost;
            if (host is null || !host.IsAbsoluteUri || host.Scheme != Uri.UriSchemeHttps || !string.IsNullOrEmpty(host.UserInfo))
            {
                throw new CpException(
                    CpErrorKind.InvalidArgument,
                    $"-AuthorityHost '{host}' must be an https URL such as https://login.microsoftonline.com.",
                    "Pass the sign-in host of your cloud: https://login.microsoftonline.com (public), https://login.microsoftonline.us (US Government), https://login.chinacloudapi.cn (China).");
            }
        }
    }
}
