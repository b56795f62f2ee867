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
        private readonly string resource;

        public ManagedIdentityProvider(AuthenticationRequest request, MsalHttpClientFactory http)
            : base(request, http)
        {
            var id = string.IsNullOrEmpty(request.ClientId) ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.WithUserAssignedClientId(request.ClientId);
            app = WithCommon(ManagedIdentityApplicationBuilder.Create(id)).Build();
            resource = request.Scope.EndsWith("/.default", System.StringComparison.Ordinal) ? request.Scope.Substring(0, request.Scope.Length - "/.default".Length) : request.Scope;
        }

        protected override async Task<AuthenticationResult> AcquireCoreAsync(bool forceRefresh, CancellationToken cancellationToken)
        {
            var result = await app.AcquireTokenForManagedIdentity(resource).WithForceRefresh(forceRefresh).ExecuteAsync(cancellationToken).ConfigureAwait(false);
            var claims = JwtClaims.TryRead(result.AccessToken);
            TenantId = claims.TenantId ?? TenantId;
            ClientId = claims.ClientId ?? ClientId;
            return result;
        }
    }
}
