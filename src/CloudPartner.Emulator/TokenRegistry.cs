using System;
using System.Collections.Concurrent;
using System.Collections.Generic;

namespace CloudPartner.Emulator
{
    /// <summary>Outcome of the bearer-token check.</summary>
    internal enum AuthResult
    {
        Ok,
        Missing,
        Expired,
        Unknown,
        WrongAudience,
    }

    /// <summary>Token bookkeeping: first-seen times (for TokenLifetime), registered tokens (for an OAuth endpoint),
    /// and the per-token publisher access list.</summary>
    internal sealed class TokenRegistry
    {
        private readonly ConcurrentDictionary<string, DateTimeOffset> firstSeen = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, Registered> registered = new(StringComparer.Ordinal);
        private volatile Dictionary<string, HashSet<string>> access = new(StringComparer.Ordinal);

        /// <param name="audience">The API asking: a token the identity provider issued for another API's audience is refused.</param>
        public AuthResult Check(string? authorization, DateTimeOffset now, TimeSpan? lifetime, bool acceptAny, string audience, out string token)
        {
            token = string.Empty;
            if (string.IsNullOrWhiteSpace(authorization))
            {
                return AuthResult.Missing;
            }

            var value = authorization.Trim();
            if (value.Length <= 7 || !value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                return AuthResult.Missing;
            }

            token = value[7..].Trim();
            if (token.Length == 0)
            {
                return AuthResult.Missing;
            }

            if (this.registered.TryGetValue(token, out var registered))
            {
                return registered.Audience is { } issuedFor && !string.Equals(issuedFor, audience, StringComparison.OrdinalIgnoreCase) ? AuthResult.WrongAudience
                    : registered.ExpiresOn <= now ? AuthResult.Expired
                    : AuthResult.Ok;
            }

            if (!acceptAny)
            {
                return AuthResult.Unknown;
            }

            var first = firstSeen.GetOrAdd(token, now);
            if (lifetime is { } life && now - first > life)
            {
                return AuthResult.Expired;
            }

            return AuthResult.Ok;
        }

        public bool IsAllowed(string token, string publisherId)
        {
            if (this.registered.TryGetValue(token, out var registered) && registered.Publishers is not null)
            {
                return registered.Publishers.Contains(publisherId);
            }

            var access = this.access;
            return !access.TryGetValue(token, out var allowed) || allowed.Contains(publisherId);
        }

        public void Register(string token, DateTimeOffset expiresOn, IEnumerable<string>? publishers, string? audience = null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(token);
            var set = publishers is null ? null : new HashSet<string>(publishers, StringComparer.OrdinalIgnoreCase);
            this.registered[token] = new Registered(expiresOn, set, audience);
        }

        public void SetAccess(IEnumerable<KeyValuePair<string, IReadOnlyList<string>>> entries)
        {
            var map = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
            foreach (var pair in entries)
            {
                ArgumentException.ThrowIfNullOrWhiteSpace(pair.Key);
                map[pair.Key] = new HashSet<string>(pair.Value, StringComparer.OrdinalIgnoreCase);
            }

            this.access = map;
        }

        public IReadOnlyDictionary<string, IReadOnlyList<string>> AccessSnapshot()
        {
            var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
            foreach (var pair in this.access)
            {
                result[pair.Key] = new List<string>(pair.Value);
            }

            return result;
        }

        public void Reset()
        {
            firstSeen.Clear();
            this.registered.Clear();
            this.access = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        }

        private sealed record Registered(DateTimeOffset ExpiresOn, HashSet<string>? Publishers, string? Audience);
    }
}
