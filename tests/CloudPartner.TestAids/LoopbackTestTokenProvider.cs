using System;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using CloudPartner.Engine.Auth;
using CloudPartner.Engine.Http;

namespace CloudPartner.TestAids
{
    /// <summary>
    /// A testing aid, not a sign-in flow: a renewable provider that makes up a new random token, valid for
    /// <see cref="Lifetime"/>, each time it is asked. Only an emulator accepts such tokens (with any-token acceptance and a
    /// token lifetime, it refuses each one that much later), so it lets soak and concurrency tests exercise renewal where
    /// no identity provider exists. Sessions built on it are refused any endpoint that is not a loopback address.
    /// </summary>
    internal sealed class LoopbackTestTokenProvider : ITokenProvider
    {
        private readonly Func<DateTimeOffset> clock;
        private int issued;

        public LoopbackTestTokenProvider(TimeSpan lifetime, Func<DateTimeOffset>? clock = null)
        {
            if (lifetime <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(lifetime), "The token lifetime must be positive.");
            }

            Lifetime = lifetime;
            this.clock = clock ?? (() => DateTimeOffset.UtcNow);
        }

        public TimeSpan Lifetime { get; }

        /// <summary>How many tokens were made up.</summary>
        public int Issued => Volatile.Read(ref issued);

        public string Flow => "LoopbackTest";

        public string? TenantId => null;

        public string? ClientId => null;

        public bool CanRenew => true;

        public Task<AccessToken> AcquireAsync(bool forceRefresh, IRequestObserver observer, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var bytes = new byte[16];
            using (var random = RandomNumberGenerator.Create())
            {
                random.GetBytes(bytes);
            }

            Interlocked.Increment(ref issued);
            var token = "cp-test-" + BitConverter.ToString(bytes).Replace("-", string.Empty).ToLowerInvariant();
            return Task.FromResult(new AccessToken(token, clock() + Lifetime));
        }
    }
}
