using System.Threading;
using System.Threading.Tasks;
using CloudPartner.Engine.Http;

namespace CloudPartner.Engine.Auth
{
    /// <summary>One way of getting tokens (a flow). <see cref="TokenSource"/> decides when to call it.</summary>
    internal interface ITokenProvider
    {
        /// <summary>The flow's name as the session reports it (AccessToken, ClientSecret, Certificate, …).</summary>
        string Flow { get; }

        string? TenantId { get; }

        string? ClientId { get; }

        /// <summary>False when a new token cannot be had without the user (a token passed in as is).</summary>
        bool CanRenew { get; }

        /// <summary>A new token; what the flow has to say (MSAL's log, a device code) goes to <paramref name="observer"/>.</summary>
        Task<AccessToken> AcquireAsync(bool forceRefresh, IRequestObserver observer, CancellationToken cancellationToken);
    }
}
