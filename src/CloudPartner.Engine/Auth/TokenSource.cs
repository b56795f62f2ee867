using System;
using System.Threading;
using System.Threading.Tasks;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Http;
using CloudPartner.Engine.Security;

namespace CloudPartner.Engine.Auth
{
    /// <summary>
    /// The session's current token: renewed before it expires and after a 401, with one acquisition at a time
    /// however many threads ask. Every token it sees is registered with the redactor.
    /// </summary>
    internal sealed class TokenSource
    {
        /// <summary>How long before expiry a renewable token is renewed, for tokens that live long enough (an hour or so).</summary>
        public static readonly TimeSpan RenewalMargin = TimeSpan.FromMinutes(5);

        private readonly ITokenProvider provider;
        private readonly Redactor redactor;
        private readonly Func<DateTimeOffset> now;
        private readonly SemaphoreSlim gate = new SemaphoreSlim(1, 1);
        private volatile Held? current;
        private int acquisitions;

        public TokenSource(ITokenProvider provider, Redactor redactor, Func<DateTimeOffset>? now = null)
        {
            this.provider = provider ?? throw new ArgumentNullException(nameof(provider));
            this.redactor = redactor ?? throw new ArgumentNullException(nameof(redactor));
            this.now = now ?? (() => DateTimeOffset.UtcNow);
            if (provider is IKnownSecrets known)
            {
                foreach (var secret in known.KnownSecrets)
                {
                    redactor.AddSecret(secret);
                }
            }
        }

        public ITokenProvider Provider => provider;

        /// <summary>How many times the provider was asked for a token; tests use it to prove single-flight renewal.</summary>
        public int Acquisitions => Volatile.Read(ref acquisitions);

        public DateTimeOffset? ExpiresOn => current?.Token.ExpiresOn;

        /// <summary>
        /// The margin for a token that lived <paramref name="lifetime"/> when it was acquired: five minutes, but never more
        /// than a quarter of its life, so a short-lived token is renewed once per window instead of on every request.
        /// </summary>
        public static TimeSpan MarginFor(TimeSpan lifetime)
        {
            var quarter = TimeSpan.FromTicks(Math.Max(0, lifetime.Ticks / 4));
            return quarter < RenewalMargin ? quarter : RenewalMargin;
        }

        public Task<AccessToken> GetAsync(CancellationToken cancellationToken) => GetAsync(null, cancellationToken);

        /// <summary>The current token, acquired or renewed when needed; the flow reports to <paramref name="observer"/> (MSAL's log).</summary>
        public async Task<AccessToken> GetAsync(IRequestObserver? observer, CancellationToken cancellationToken)
        {
            var held = current;
            if (held != null && IsFresh(held))
            {
                return held.Token;
            }

            return await AcquireAsync(stale: held?.Token, forceRefresh: false, observer, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// Called when the service refused <paramref name="rejected"/> with 401: gets a new token unless another thread already did.
        /// Returns null when the flow cannot renew.
        /// </summary>
        public async Task<AccessToken?> RenewAfterRejectionAsync(AccessToken rejected, IRequestObserver? observer, CancellationToken cancellationToken)
        {
            if (!provider.CanRenew)
            {
                return null;
            }

            return await AcquireAsync(stale: rejected, forceRefresh: true, observer, cancellationToken).ConfigureAwait(false);
        }

        private bool IsFresh(Held held) => !held.RenewAt.HasValue || held.RenewAt.Value > now();

        private async Task<AccessToken> AcquireAsync(AccessToken? stale, bool forceRefresh, IRequestObserver? observer, CancellationToken cancellationToken)
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var latest = current;
                if (latest != null && !ReferenceEquals(latest.Token, stale) && IsFresh(latest))
                {
                    return latest.Token;
                }

                if (stale != null && !provider.CanRenew)
                {
                    throw new CpException(
                        CpErrorKind.Unauthorized,
                        $"The access token given to Connect-CpAccount expired at {stale.ExpiresOn:u} and cannot be renewed.",
                        "Run Connect-CpAccount again with a fresh token (or with a flow that renews, such as -ClientSecret or -FederatedTokenFile).");
                }

                Interlocked.Increment(ref acquisitions);
                var acquiredAt = now();
                var token = await provider.AcquireAsync(forceRefresh, observer ?? NullRequestObserver.Instance, cancellationToken).ConfigureAwait(false);
                redactor.AddSecret(token.Token);
                current = new Held(token, RenewAtFor(token, acquiredAt));
                return token;
            }
            finally
            {
                gate.Release();
            }
        }

        private DateTimeOffset? RenewAtFor(AccessToken token, DateTimeOffset acquiredAt)
        {
            if (!token.ExpiresOn.HasValue)
            {
                return null;
            }

            // A token that cannot be renewed is used until it actually expires; a renewable one is renewed early.
            var expires = token.ExpiresOn.Value;
            return provider.CanRenew ? expires - MarginFor(expires - acquiredAt) : expires;
        }

        /// <summary>A token with the time from which it is no longer handed out.</summary>
        private sealed class Held
        {
            public Held(AccessToken token, DateTimeOffset? renewAt)
            {
                Token = token;
                RenewAt = renewAt;
            }

            public AccessToken Token { get; }

            public DateTimeOffset? RenewAt { get; }
        }
    }
}
