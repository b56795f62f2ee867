using System.Threading;
using System.Threading.Tasks;
using CloudPartner.Engine.Auth;
using Microsoft.Identity.Client;
using Microsoft.Identity.Client.AppConfig;

namespace CloudPartner.Authentication
{
    /// <summary>
    /// Managed identity through MSAL's ManagedIdentityApplication: the endpoint comes from the environment (App Service
    /// IDENTITY_ENDPOINT/IDENTITY_HEADER, MSI_ENDPOINT, Azure Arc, Service Fabric, else IMDS). Those endpoints are local, so
    /// their requests never go through a proxy.
    /// </summary>
    internal sealed class ManagedIdentityProvider : MsalTokenProvider
    {
        private readonly IManagedIdentityApplication app;

        public ManagedIdentityProvider(AuthenticationRequest request, MsalHttpClientFactory http)
            : base(request, http)
        {
            var id = string.IsNullOrEmpty(request.ClientId) ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.WithUserAssignedClientId(request.ClientId);
            app = WithCommon(ManagedIdentityApplicationBuilder.Create(id)).Build();
        }

        protected override async Task<AuthenticationResult> AcquireCoreAsync(string[] scopes, bool forceRefresh, CancellationToken cancellationToken)
        {
            // Managed identity asks for a resource, not a scope.
            var scope = scopes[0];
            var resource = scope.EndsWith("/.default", System.StringComparison.Ordinal) ? scope.Substring(0, scope.Length - "/.default".Length) : scope;
            var result = await app.AcquireTokenForManagedIdentity(resource).WithForceRefresh(forceRefresh).ExecuteAsync(cancellationToken).ConfigureAwait(false);
            var claims = JwtClaims.TryRead(result.AccessToken);
            TenantId = claims.TenantId ?? TenantId;
            ClientId = claims.ClientId ?? ClientId;
            return result;
        }
    }
}
