using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CloudPartner.Emulator.OAuth
{
    /// <summary>One token the identity provider issued (the token itself appears only as its fingerprint).</summary>
    public sealed record OAuthIssue(
        DateTimeOffset Time,
        string ClientId,
        string TenantId,
        string GrantType,
        string Method,
        string TokenFingerprint,
        DateTimeOffset ExpiresOn,
        string? AssertionFingerprint,
        bool CertificateChainSent,
        string Audience = OAuthState.Resource);

    /// <summary>A device code waiting for the user (or for the test hook that plays the user).</summary>
    public sealed record PendingDeviceCode(string UserCode, string ClientId, string TenantId, DateTimeOffset CreatedOn, DateTimeOffset ExpiresOn);

    /// <summary>The emulator's identity provider: registered clients, codes in flight, refresh tokens, issued tokens.</summary>
    public sealed class OAuthState
    {
        /// <summary>The only resource the emulator issues tokens for.</summary>
        public const string Resource = "https://cloudpartner.azure.com";

        /// <summary>The Product Ingestion API's audience: Microsoft Graph.</summary>
        public const string GraphResource = "https://graph.microsoft.com";

        /// <summary>The value App Service puts in <c>IDENTITY_HEADER</c> unless the options say otherwise.</summary>
        public const string DefaultManagedIdentityHeader = "emulator-identity-header";

        private readonly object gate = new();
        private readonly EmulatorState state;
        private readonly Dictionary<string, OAuthClient> clients = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, DeviceCodeEntry> deviceCodes = new(StringComparer.Ordinal);
        private readonly Dictionary<string, AuthorizationCode> codes = new(StringComparer.Ordinal);
        private readonly Dictionary<string, UserGrant> refreshTokens = new(StringComparer.Ordinal);
        private readonly List<OAuthIssue> issued = new();
        private readonly List<(string Token, IReadOnlyList<string>? Publishers)> accessTokens = new();
        private TimeSpan tokenLifetime;
        private TimeSpan deviceCodeInterval;

        internal OAuthState(EmulatorState state)
        {
            this.state = state;
            SigningKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        }

        /// <summary>The https root of the identity provider (the authority host), once the server listens.</summary>
        public Uri? Authority { get; internal set; }

        /// <summary>The self-signed certificate the https listener presents (generated at start).</summary>
        public X509Certificate2? Certificate { get; internal set; }

        /// <summary>The key that signs the tokens the emulator issues (ES256, key id <see cref="SigningKeyId"/>).</summary>
        internal ECDsa SigningKey { get; }

        internal const string SigningKeyId = "cloudpartner-emulator-1";

        /// <summary>Lifetime of issued access tokens (the <c>expires_in</c> sent, and when the API starts refusing them).</summary>
        public TimeSpan TokenLifetime
        {
            get
            {
                lock (gate)
                {
                    return tokenLifetime;
                }
            }

            set
            {
                if (value <= TimeSpan.Zero)
                {
                    throw new ArgumentOutOfRangeException(nameof(value), "The token lifetime must be positive.");
                }

                lock (gate)
                {
                    tokenLifetime = value;
                }
            }
        }

        /// <summary>The polling interval told to device-code clients.</summary>
        public TimeSpan DeviceCodeInterval
        {
            get
            {
                lock (gate)
                {
                    return deviceCodeInterval;
                }
            }

            set
            {
                lock (gate)
                {
                    deviceCodeInterval = value < TimeSpan.Zero ? TimeSpan.Zero : value;
                }
            }
        }

        /// <summary>The secret managed-identity clients must send (App Service <c>X-IDENTITY-HEADER</c>).</summary>
        public string ManagedIdentityHeader { get; internal set; } = DefaultManagedIdentityHeader;

        /// <summary>Client id of the system-assigned managed identity.</summary>
        public string SystemAssignedClientId { get; internal set; } = string.Empty;

        /// <summary>Tenant of the managed identities.</summary>
        public string ManagedIdentityTenantId { get; internal set; } = string.Empty;

        /// <summary>Registers (or replaces) a client.</summary>
        public void RegisterClient(OAuthClient client)
        {
            ArgumentNullException.ThrowIfNull(client);
            client.Validate();
            lock (gate)
            {
                clients[client.ClientId] = client.Clone();
            }
        }

        public bool RemoveClient(string clientId)
        {
            lock (gate)
            {
                return clients.Remove(clientId);
            }
        }

        public IReadOnlyList<OAuthClient> GetClients()
        {
            lock (gate)
            {
                return clients.Values.Select(c => c.Clone()).ToList();
            }
        }

        internal OAuthClient? FindClient(string? clientId)
        {
            if (string.IsNullOrEmpty(clientId))
            {
                return null;
            }

            lock (gate)
            {
                return clients.TryGetValue(clientId, out var client) ? client : null;
            }
        }

        /// <summary>Every token issued since the start (or the last reset), oldest first.</summary>
        public IReadOnlyList<OAuthIssue> GetIssued()
        {
            lock (gate)
            {
                return issued.ToList();
            }
        }

        /// <summary>Device codes waiting for the user, oldest first.</summary>
        public IReadOnlyList<PendingDeviceCode> GetPendingDeviceCodes()
        {
            var now = state.UtcNow;
            lock (gate)
            {
                return deviceCodes.Values
                    .Where(d => d.Status == DeviceCodeStatus.Pending && d.ExpiresOn > now)
                    .OrderBy(d => d.CreatedOn)
                    .Select(d => new PendingDeviceCode(d.UserCode, d.ClientId, d.TenantId, d.CreatedOn, d.ExpiresOn))
                    .ToList();
            }
        }

        /// <summary>Plays the user: approves (or declines) the device code with <paramref name="userCode"/>, or the newest pending
        /// one when it is null. Returns the user code completed, or null when none was pending.</summary>
        public string? CompleteDeviceCode(string? userCode = null, bool approve = true)
        {
            var now = state.UtcNow;
            lock (gate)
            {
                var pending = deviceCodes.Values
                    .Where(d => d.Status == DeviceCodeStatus.Pending && d.ExpiresOn > now)
                    .Where(d => userCode is null || string.Equals(Normalize(d.UserCode), Normalize(userCode), StringComparison.OrdinalIgnoreCase))
                    .OrderByDescending(d => d.CreatedOn)
                    .FirstOrDefault();
                if (pending is null)
                {
                    return null;
                }

                pending.Status = approve ? DeviceCodeStatus.Approved : DeviceCodeStatus.Declined;
                return pending.UserCode;
            }
        }

        /// <summary>Makes every access token issued so far expire now (the API answers 401 to them from now on).</summary>
        public int ExpireIssuedTokens()
        {
            var now = state.UtcNow;
            lock (gate)
            {
                foreach (var (token, publishers) in accessTokens)
                {
                    state.RegisterToken(token, now, publishers);
                }

                return accessTokens.Count;
            }
        }

        /// <summary>Forgets every refresh token: the next silent renewal of a user sign-in fails.</summary>
        public int RevokeRefreshTokens()
        {
            lock (gate)
            {
                var count = refreshTokens.Count;
                refreshTokens.Clear();
                return count;
            }
        }

        internal void Reset(EmulatorOptions options)
        {
            lock (gate)
            {
                clients.Clear();
                foreach (var client in options.OAuthClients)
                {
                    client.Validate();
                    clients[client.ClientId] = client.Clone();
                }

                deviceCodes.Clear();
                codes.Clear();
                refreshTokens.Clear();
                issued.Clear();
                accessTokens.Clear();
                tokenLifetime = options.OAuthTokenLifetime > TimeSpan.Zero ? options.OAuthTokenLifetime : TimeSpan.FromHours(1);
                deviceCodeInterval = options.DeviceCodeInterval;
                ManagedIdentityHeader = options.ManagedIdentityHeader;
                SystemAssignedClientId = options.SystemAssignedIdentityClientId;
                ManagedIdentityTenantId = options.ManagedIdentityTenantId;
            }
        }

        internal void AddDeviceCode(DeviceCodeEntry entry)
        {
            lock (gate)
            {
                deviceCodes[entry.DeviceCode] = entry;
            }
        }

        internal DeviceCodeEntry? FindDeviceCode(string deviceCode)
        {
            lock (gate)
            {
                return deviceCodes.TryGetValue(deviceCode, out var entry) ? entry : null;
            }
        }

        internal void RemoveDeviceCode(string deviceCode)
        {
            lock (gate)
            {
                deviceCodes.Remove(deviceCode);
            }
        }

        internal void AddAuthorizationCode(AuthorizationCode code)
        {
            lock (gate)
            {
                codes[code.Code] = code;
            }
        }

        internal AuthorizationCode? TakeAuthorizationCode(string code)
        {
            lock (gate)
            {
                return codes.Remove(code, out var entry) ? entry : null;
            }
        }

        internal void AddRefreshToken(string token, UserGrant grant)
        {
            lock (gate)
            {
                refreshTokens[token] = grant;
            }
        }

        internal UserGrant? TakeRefreshToken(string token)
        {
            lock (gate)
            {
                return refreshTokens.Remove(token, out var grant) ? grant : null;
            }
        }

        /// <summary>Registers an access token with the API (it expires there when it expires here) and logs it.</summary>
        internal void RecordIssue(string accessToken, IReadOnlyList<string>? publishers, OAuthIssue issue)
        {
            state.RegisterToken(accessToken, issue.ExpiresOn, publishers, issue.Audience);
            lock (gate)
            {
                accessTokens.Add((accessToken, publishers));
                issued.Add(issue);
            }
        }

        private static string Normalize(string code) => code.Replace("-", string.Empty, StringComparison.Ordinal).Trim();
    }

    internal enum DeviceCodeStatus
    {
        Pending,
        Approved,
        Declined,
    }

    internal sealed class DeviceCodeEntry
    {
        public required string DeviceCode { get; init; }

        public required string UserCode { get; init; }

        public required string ClientId { get; init; }

        public required string TenantId { get; init; }

        public required string Scope { get; init; }

        public required DateTimeOffset CreatedOn { get; init; }

        public required DateTimeOffset ExpiresOn { get; init; }

        public DeviceCodeStatus Status { get; set; }
    }

    internal sealed record AuthorizationCode(string Code, string ClientId, string TenantId, string RedirectUri, string? CodeChallenge, string Scope, DateTimeOffset ExpiresOn);

    /// <summary>What a refresh token stands for: a user's sign-in to a client.</summary>
    internal sealed record UserGrant(string ClientId, string TenantId, string Scope);
}
