using System;
using System.Collections.Generic;
using CloudPartner.Emulator.OAuth;

namespace CloudPartner.Emulator
{
    /// <summary>Start-up configuration of an <see cref="EmulatorServer"/>. Most settings can be changed later through
    /// <see cref="EmulatorState"/> or the admin endpoint (<c>/_emulator/</c>).</summary>
    public sealed class EmulatorOptions
    {
        /// <summary>The default listen address: loopback, dynamic port.</summary>
        public const string DefaultUrls = "http://127.0.0.1:0";

        /// <summary>Semicolon-separated listen URLs (http only, loopback only). Default <see cref="DefaultUrls"/>.</summary>
        public string? Urls { get; set; }

        /// <summary>The emulator clock. Default: the system clock. Pass a <see cref="ManualClock"/> for deterministic tests.</summary>
        public IEmulatorClock? Clock { get; set; }

        /// <summary>Speed-up of operation steps: real duration = step duration / TimeScale. Default 1.</summary>
        public double TimeScale { get; set; } = 1;

        /// <summary>No timed step is shorter than this after scaling (default: no floor). A floor at least as long as a client's
        /// back-off keeps its retries in the same step as in production, where every step takes minutes or more.</summary>
        public TimeSpan MinimumStepDuration { get; set; }

        /// <summary>Final status of a successful operation: <c>succeeded</c> (default), <c>complete</c> or <c>completed</c>.</summary>
        public string SuccessWord { get; set; } = "succeeded";

        /// <summary>Seed publishers <c>contoso</c> and <c>fabrikam</c> with the sample offers. Default true.</summary>
        public bool SeedSampleData { get; set; } = true;

        /// <summary>When set, a token is refused (401) once this much emulator time has passed since the emulator first saw it.</summary>
        public TimeSpan? TokenLifetime { get; set; }

        /// <summary>Answer publish/golive/cancel with an absolute <c>Operation-Location</c> header (2018 docs) instead of <c>Location</c>.</summary>
        public bool LegacyOperationLocation { get; set; }

        /// <summary>How publisher sign-off shows while a publish waits for it (sources disagree; see the README).</summary>
        public SignoffShape SignoffShape { get; set; } = SignoffShape.Status;

        /// <summary>Strict mode: operations are answered with only the fields the documentation's samples show (no <c>id</c>,
        /// <c>submissionType</c>, dates or <c>error</c> on an operation; no <c>createdDateTime</c> on list items), so a client
        /// rehearsed against it depends on nothing production may leave out.</summary>
        public bool Strict { get; set; }

        /// <summary>When set, operation GETs carry a <c>Retry-After</c> header (whole seconds).</summary>
        public TimeSpan? OperationRetryAfter { get; set; }

        /// <summary>Cancel answers 200 (synchronous) instead of 202.</summary>
        public bool SynchronousCancel { get; set; }

        /// <summary>A publish or go-live repeated while one of its kind runs gets 409 Conflict. Default false: the 2018
        /// documentation's idempotent answer, 202 with the running operation's location.</summary>
        public bool RepeatConflict { get; set; }

        /// <summary>Fault rules active from the start.</summary>
        public IList<FaultRule> Faults { get; } = new List<FaultRule>();

        /// <summary>Per-token publisher access list: a token listed here may only use the publishers given (others get 403).</summary>
        public IDictionary<string, IReadOnlyList<string>> AccessList { get; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);

        /// <summary>Overrides of step durations in emulator time, keyed by step id (see <see cref="EmulatorSteps"/>).</summary>
        public IDictionary<string, TimeSpan> StepDurations { get; } = new Dictionary<string, TimeSpan>(StringComparer.OrdinalIgnoreCase);

        /// <summary>Write ASP.NET Core logs to the console. Off by default.</summary>
        public bool Logging { get; set; }

        /// <summary>How many API requests the in-memory request log keeps (oldest dropped first). Default 2000.</summary>
        public int RequestLogCapacity { get; set; } = 2000;

        /// <summary>Accept any non-empty bearer token (default). When false only tokens registered with
        /// <see cref="EmulatorState.RegisterToken"/> are accepted.</summary>
        public bool AcceptAnyToken { get; set; } = true;

        /// <summary>Offers created through PUT are marked migrated to Partner Center. Default false.</summary>
        public bool NewOffersMigrated { get; set; }

        /// <summary>Port of the https listener that serves the identity provider (the OAuth authority); 0 picks a free one.
        /// It listens on 127.0.0.1 with a self-signed certificate generated at start.</summary>
        public int OAuthPort { get; set; }

        /// <summary>Applications known to the identity provider at start (more through <c>/_emulator/oauth/clients</c>).</summary>
        public IList<OAuthClient> OAuthClients { get; } = new List<OAuthClient>();

        /// <summary>Lifetime of the access tokens the identity provider issues. Default one hour.</summary>
        public TimeSpan OAuthTokenLifetime { get; set; } = TimeSpan.FromHours(1);

        /// <summary>The polling interval the device-code endpoint tells clients. Default one second.</summary>
        public TimeSpan DeviceCodeInterval { get; set; } = TimeSpan.FromSeconds(1);

        /// <summary>The secret managed-identity clients must send (the App Service <c>IDENTITY_HEADER</c>).</summary>
        public string ManagedIdentityHeader { get; set; } = OAuthState.DefaultManagedIdentityHeader;

        /// <summary>Client id of the system-assigned managed identity.</summary>
        public string SystemAssignedIdentityClientId { get; set; } = "5c0f5b7e-0000-4000-8000-00000000c1d0";

        /// <summary>Tenant of the system-assigned managed identity.</summary>
        public string ManagedIdentityTenantId { get; set; } = "72f988bf-0000-4000-8000-0000000000aa";

        internal EmulatorOptions Clone()
        {
            var copy = new EmulatorOptions
            {
                Urls = Urls,
                Clock = Clock,
                TimeScale = TimeScale,
                MinimumStepDuration = MinimumStepDuration,
                SuccessWord = SuccessWord,
                SeedSampleData = SeedSampleData,
                TokenLifetime = TokenLifetime,
                LegacyOperationLocation = LegacyOperationLocation,
                Strict = Strict,
                SignoffShape = SignoffShape,
                OperationRetryAfter = OperationRetryAfter,
                SynchronousCancel = SynchronousCancel,
                RepeatConflict = RepeatConflict,
                Logging = Logging,
                RequestLogCapacity = RequestLogCapacity,
                AcceptAnyToken = AcceptAnyToken,
                NewOffersMigrated = NewOffersMigrated,
                OAuthPort = OAuthPort,
                OAuthTokenLifetime = OAuthTokenLifetime,
                DeviceCodeInterval = DeviceCodeInterval,
                ManagedIdentityHeader = ManagedIdentityHeader,
                SystemAssignedIdentityClientId = SystemAssignedIdentityClientId,
                ManagedIdentityTenantId = ManagedIdentityTenantId,
            };
            foreach (var client in OAuthClients)
            {
                copy.OAuthClients.Add(client.Clone());
            }

            foreach (var rule in Faults)
            {
                copy.Faults.Add(rule.Clone());
            }

            foreach (var pair in AccessList)
            {
                copy.AccessList[pair.Key] = new List<string>(pair.Value);
            }

            foreach (var pair in StepDurations)
            {
                copy.StepDurations[pair.Key] = pair.Value;
            }

            return copy;
        }
    }

    /// <summary>Ids, names and default durations of the publishing steps.</summary>
    public static class EmulatorSteps
    {
        /// <summary>"Validate Pre-Requisites".</summary>
        public const string ValidatePrerequisites = "displaydummycertify";

        /// <summary>"Certification".</summary>
        public const string Certification = "displaycertify";

        /// <summary>"Provisioning".</summary>
        public const string Provisioning = "displayprovision";

        /// <summary>"Packaging and Lead Generation Registration".</summary>
        public const string Packaging = "displaypackage";

        /// <summary>"Publisher signoff": a publish stops here until go-live.</summary>
        public const string PublisherSignoff = "publisher-signoff";

        /// <summary>"Live".</summary>
        public const string Live = "live";

        /// <summary>The step ids in order.</summary>
        public static IReadOnlyList<string> All { get; } = new[] { ValidatePrerequisites, Certification, Provisioning, Packaging, PublisherSignoff, Live };

        /// <summary>Default durations in emulator time (the signoff step waits for go-live and has none).</summary>
        public static IReadOnlyDictionary<string, TimeSpan> DefaultDurations { get; } = new Dictionary<string, TimeSpan>(StringComparer.OrdinalIgnoreCase)
        {
            [ValidatePrerequisites] = TimeSpan.FromMinutes(15),
            [Certification] = TimeSpan.FromDays(2),
            [Provisioning] = TimeSpan.FromDays(1),
            [Packaging] = TimeSpan.FromHours(1),
            [Live] = TimeSpan.FromDays(2),
        };
    }

    /// <summary>How a publish waiting for publisher sign-off shows in <c>/status</c> and in its steps.</summary>
    public enum SignoffShape
    {
        /// <summary>
        /// The offer's status is <c>waitingForPublisherReview</c>; the sign-off step is <c>id: "publisher-signoff"</c>,
        /// <c>stepName: "Publisher signoff"</c>, as in the documentation's samples.
        /// </summary>
        Status,

        /// <summary>
        /// The offer's status stays <c>running</c> and the sign-off step's <c>stepName</c> is <c>publisher-signoff</c>, with
        /// status <c>waitingForPublisherReview</c>: what real clients (SUSE azure-img-utils) detect.
        /// </summary>
        Step,
    }
}
