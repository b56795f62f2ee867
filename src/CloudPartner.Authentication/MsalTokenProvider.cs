using System;
using System.Threading;
using System.Threading.Tasks;
using CloudPartner.Engine.Auth;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Http;
using Microsoft.Identity.Client;

namespace CloudPartner.Authentication
{
    /// <summary>
    /// What every MSAL flow shares: the request, MSAL's HttpClient, turning results into tokens and failures into
    /// CpAuthenticationFailed. Tokens live in MSAL's in-memory cache only; nothing is written to disk.
    /// </summary>
    internal abstract class MsalTokenProvider : ITokenProvider, IScopedTokenProvider, IDisposable
    {
        protected MsalTokenProvider(AuthenticationRequest request, MsalHttpClientFactory http)
        {
            Request = request;
            Http = http;
            Flow = request.Flow.ToString();
            TenantId = request.TenantId;
            ClientId = request.ClientId;
        }

        public string Flow { get; protected set; }

        public string? TenantId { get; protected set; }

        public string? ClientId { get; protected set; }

        public bool CanRenew => true;

        protected AuthenticationRequest Request { get; }

        protected MsalHttpClientFactory Http { get; }

        protected string[] Scopes => new[] { Request.Scope };

        /// <summary>
        /// The command that asked for the token being acquired now: MSAL's log and the flow's own lines go there. The
        /// session's TokenSource acquires one token at a time, so one field is enough.
        /// </summary>
        protected IRequestObserver Observer { get; private set; } = NullRequestObserver.Instance;

        public Task<AccessToken> AcquireAsync(bool forceRefresh, IRequestObserver observer, CancellationToken cancellationToken)
        {
            return AcquireForAsync(Scopes, forceRefresh, observer, cancellationToken);
        }

        public ITokenProvider ForScope(string scope) => new ScopedProvider(this, scope);

        private async Task<AccessToken> AcquireForAsync(string[] scopes, bool forceRefresh, IRequestObserver observer, CancellationToken cancellationToken)
        {
            AuthenticationResult result;
            Observer = observer;
            try
            {
                result = await AcquireCoreAsync(scopes, forceRefresh, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                throw MsalFailures.Map(e, Request, Flow);
            }
            finally
            {
                Observer = NullRequestObserver.Instance;
            }

            Request.Redactor.AddSecret(result.AccessToken);
            return new AccessToken(result.AccessToken, result.ExpiresOn, TenantId, ClientId);
        }

        public void Dispose() => Http.Dispose();

        protected abstract Task<AuthenticationResult> AcquireCoreAsync(string[] scopes, bool forceRefresh, CancellationToken cancellationToken);

        /// <summary>The tenant's authority on the chosen host. A host other than the public cloud's is used as given: no authority
        /// validation and no instance discovery, so no request goes anywhere else.</summary>
        protected static T WithAuthorityOf<T>(T builder, AuthenticationRequest request)
            where T : AbstractApplicationBuilder<T>
        {
            var authority = request.AuthorityHost.GetLeftPart(UriPartial.Authority) + "/" + Uri.EscapeDataString(request.TenantId!);
            return request.IsDefaultAuthorityHost
                ? builder.WithAuthority(authority)
                : builder.WithAuthority(authority, validateAuthority: false).WithInstanceDiscovery(false);
        }

        protected T WithCommon<T>(T builder)
            where T : BaseAbstractApplicationBuilder<T>
        {
            return builder
                .WithHttpClientFactory(Http)
                .WithLogging(MsalLog.To(Request.Redactor, () => Observer), MsalLog.Level, enablePiiLogging: false, enableDefaultPlatformLogging: false);
        }

        protected static CpException Missing(string what) => new CpException(CpErrorKind.InvalidArgument, what);

        /// <summary>The same sign-in, for another API's scope.</summary>
        private sealed class ScopedProvider : ITokenProvider, IScopedTokenProvider
        {
            private readonly MsalTokenProvider owner;
            private readonly string[] scopes;

            public ScopedProvider(MsalTokenProvider owner, string scope)
            {
                this.owner = owner;
                scopes = new[] { scope };
            }

            public string Flow => owner.Flow;

            public string? TenantId => owner.TenantId;

            public string? ClientId => owner.ClientId;

            public bool CanRenew => true;

            public Task<AccessToken> AcquireAsync(bool forceRefresh, IRequestObserver observer, CancellationToken cancellationToken)
            {
                return owner.AcquireForAsync(scopes, forceRefresh, observer, cancellationToken);
            }

            public ITokenProvider ForScope(string scope) => owner.ForScope(scope);
        }
    }
}
