using System.Threading;
using System.Threading.Tasks;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Http;

namespace CloudPartner.Engine.Auth
{
    /// <summary>The token source of an API the session was given no token for: every command on it is refused with
    /// CpNotConnected, before anything is sent, naming what would supply one.</summary>
    internal sealed class MissingTokenProvider : ITokenProvider
    {
        private readonly string api;
        private readonly string remedy;

        public MissingTokenProvider(string api, string remedy)
        {
            this.api = api;
            this.remedy = remedy;
        }

        public string Flow => "AccessToken";

        public string? TenantId => null;

        public string? ClientId => null;

        public bool CanRenew => false;

        public Task<AccessToken> AcquireAsync(bool forceRefresh, IRequestObserver observer, CancellationToken cancellationToken)
        {
            throw new CpException(CpErrorKind.NotConnected, $"This session has no token for the {api}.", remedy);
        }
    }
}
