using System;
using System.Collections.Generic;
using System.Linq;
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

        /// <summary>The settings at start (and after a reset); they can change later through <see cref="EmulatorState.Settings"/>
        /// or <c>PUT /_emulator/settings</c>.</summary>
        public EmulatorSettings Settings { get; set; } = new();

        /// <summary>Seed publishers <c>contoso</c> and <c>fabrikam</c> with the sample offers. Default true.</summary>
        public bool SeedSampleData { get; set; } = true;

        /// <summary>Fault rules active from the start.</summary>
        public IList<FaultRule> Faults { get; private set; } = new List<FaultRule>();

        /// <summary>Per-token publisher access list: a token listed here may only use the publishers given (others get 403).</summary>
        public IDictionary<string, IReadOnlyList<string>> AccessList { get; private set; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);

        /// <summary>Write ASP.NET Core logs to the console. Off by default.</summary>
        public bool Logging { get; set; }

        /// <summary>How many API requests the in-memory request log keeps (oldest dropped first). Default 2000.</summary>
        public int RequestLogCapacity { get; set; } = 2000;

        /// <summary>Port of the https listener that serves the identity provider (the OAuth authority); 0 picks a free one.
        /// It listens on 127.0.0.1 with a self-signed certificate generated at start.</summary>
        public int OAuthPort { get; set; }

        /// <summary>Applications known to the identity provider at start (more through <c>/_emulator/oauth/clients</c>).</summary>
        public IList<OAuthClient> OAuthClients { get; private set; } = new List<OAuthClient>();

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
            var copy = (EmulatorOptions)MemberwiseClone();
            copy.OAuthClients = OAuthClients.Select(c => c.Clone()).ToList();
            copy.Faults = Faults.Select(r => r.Clone()).ToList();
            copy.AccessList = AccessList.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value.ToList(), StringComparer.Ordinal);
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
