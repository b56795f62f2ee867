using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using CloudPartner.Emulator.Cpp;
using CloudPartner.Emulator.Http;
using CloudPartner.Emulator.OAuth;
using CloudPartner.Emulator.Seed;
using CloudPartner.Emulator.State;

namespace CloudPartner.Emulator
{
    /// <summary>Per-offer switches (also under <c>PUT /_emulator/offers/{p}/{o}/settings</c>).</summary>
    public sealed class OfferSettings
    {
        /// <summary>Migrated to Partner Center: GUID <c>Location</c>, no notification emails, changedTime without Z.</summary>
        public bool Migrated { get; init; }

        /// <summary>GET answers carry an <c>ETag</c> header (PUT answers always do).</summary>
        public bool EtagOnGet { get; init; }

        /// <summary>The next publish fails at the certification step (blocked, status failed).</summary>
        public bool FailCertification { get; init; }

        /// <summary>When set, publish answers 422 with this message.</summary>
        public string? RejectPublishMessage { get; init; }
    }

    /// <summary>An operation as listed by <c>GET /_emulator/operations</c>.</summary>
    public sealed class EmulatorOperationInfo
    {
        /// <summary>Publisher id.</summary>
        public string PublisherId { get; init; } = string.Empty;

        /// <summary>Offer id.</summary>
        public string OfferId { get; init; } = string.Empty;

        /// <summary>Operation GUID.</summary>
        public string Id { get; init; } = string.Empty;

        /// <summary>Non-migrated id form <c>pub$offer$n$slot</c>.</summary>
        public string LegacyId { get; init; } = string.Empty;

        /// <summary><c>publish</c> or <c>golive</c>.</summary>
        public string SubmissionType { get; init; } = string.Empty;

        /// <summary>Current status (running, waiting at signoff shows running, the success word, failed, canceled).</summary>
        public string Status { get; init; } = string.Empty;

        /// <summary>True while the publish waits at publisher signoff.</summary>
        public bool WaitingForPublisherReview { get; init; }

        /// <summary><c>staging</c> or <c>production</c>.</summary>
        public string Slot { get; init; } = string.Empty;

        /// <summary>Publishing version.</summary>
        public long PublishingVersion { get; init; }

        /// <summary>Offer version when the operation started.</summary>
        public long OfferVersion { get; init; }

        /// <summary>Creation time (emulator clock).</summary>
        public DateTimeOffset CreatedDateTime { get; init; }

        /// <summary>Time of the last change.</summary>
        public DateTimeOffset LastActionDateTime { get; init; }

        /// <summary>Relative Location for the offer's current migration state.</summary>
        public string Location { get; init; } = string.Empty;

        /// <summary>The Product Ingestion submission the operation is (<c>submission/&lt;productGuid&gt;/&lt;n&gt;</c>; a go-live shares its publish's).</summary>
        public string SubmissionId { get; init; } = string.Empty;
    }

    /// <summary>A configure job as listed by <c>GET /_emulator/jobs</c>: its kind (draft, preview, live), status, result and times.</summary>
    public sealed record EmulatorJobInfo(string JobId, string? OfferId, string Kind, string JobStatus, string JobResult, DateTimeOffset Created, DateTimeOffset? End);

    /// <summary>The emulator's thread-safe state and configuration: everything the admin endpoint can do, in process.</summary>
    public sealed class EmulatorState
    {
        private readonly EmulatorOptions initial;
        private readonly IEmulatorClock clock;
        private long offsetTicks;
        private volatile EmulatorSettings settings = new();

        internal EmulatorState(EmulatorOptions options)
        {
            initial = options.Clone();
            clock = options.Clock ?? SystemEmulatorClock.Instance;
            Log = new RequestLog(initial.RequestLogCapacity);
            OAuth = new OAuthState(this);
            Reset();
        }

        internal object Gate { get; } = new();

        internal FaultEngine Faults { get; } = new();

        internal RequestLog Log { get; }

        internal TokenRegistry Tokens { get; } = new();

        internal Catalog Catalog { get; } = new();

        /// <summary>The identity provider: registered clients, device codes, issued tokens.</summary>
        public OAuthState OAuth { get; }

        /// <summary>The underlying clock (a <see cref="ManualClock"/> when one was given).</summary>
        public IEmulatorClock Clock => clock;

        /// <summary>Emulator time: the clock plus any offset added by <see cref="AdvanceClock"/> on a non-manual clock.</summary>
        public DateTimeOffset UtcNow => clock.UtcNow.AddTicks(Interlocked.Read(ref offsetTicks));

        /// <summary>The settings in force. Assigning validates (an <see cref="ArgumentException"/> names the setting at
        /// fault); changed durations apply to operations started afterwards.</summary>
        public EmulatorSettings Settings
        {
            get => settings;
            set => settings = (value ?? throw new ArgumentNullException(nameof(value))).Validated();
        }

        /// <summary>Moves emulator time forward: advances a <see cref="ManualClock"/>, or shifts an offset on the system clock.</summary>
        public void AdvanceClock(TimeSpan by)
        {
            if (by < TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(by), by, "The clock only moves forward.");
            }

            if (clock is ManualClock manual)
            {
                manual.Advance(by);
            }
            else
            {
                Interlocked.Add(ref offsetTicks, by.Ticks);
            }
        }

        /// <summary>Adds a fault rule; returns a copy with its assigned <see cref="FaultRule.Id"/>.</summary>
        public FaultRule AddFault(FaultRule rule) => Faults.Add(rule);

        /// <summary>The fault rules with their remaining counts and hits.</summary>
        public IReadOnlyList<FaultRule> GetFaults() => Faults.Snapshot();

        /// <summary>The logged API requests, oldest first.</summary>
        public IReadOnlyList<RequestLogEntry> GetRequests() => Log.Snapshot();

        /// <summary>Clears the request log.</summary>
        public void ClearRequests() => Log.Clear();

        /// <summary>The masked form of a token as it appears in the request log (<c>sha256:</c> + 12 hex digits).</summary>
        public static string MaskToken(string token) => RequestLog.Fingerprint(token);

        /// <summary>Registers a token issued elsewhere (e.g. by an OAuth endpoint): refused (401) from <paramref name="expiresOn"/>
        /// on, limited to <paramref name="allowedPublishers"/> when given, and, with an <paramref name="audience"/>
        /// (<see cref="OAuthState.Resource"/> or <see cref="OAuthState.GraphResource"/>), refused by the other API.</summary>
        public void RegisterToken(string token, DateTimeOffset expiresOn, IEnumerable<string>? allowedPublishers = null, string? audience = null) => Tokens.Register(token, expiresOn, allowedPublishers, audience);

        /// <summary>Adds (or replaces the description of) a publisher.</summary>
        public void AddPublisher(string id, string displayText, long sellerId = 0, IEnumerable<string>? offerTypeCategories = null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(id);
            lock (Gate)
            {
                Catalog.AddPublisher(id, displayText, sellerId, offerTypeCategories?.ToList() ?? new List<string> { "microsoft-azure-virtualmachines" });
            }
        }

        /// <summary>Adds or replaces an offer from a full JSON document (its <c>id</c> names the offer).</summary>
        public void SeedOffer(string publisherId, string documentJson, bool migrated = false, bool? etagOnGet = null)
        {
            ArgumentNullException.ThrowIfNull(documentJson);
            var node = Json.Parse(System.Text.Encoding.UTF8.GetBytes(documentJson)) as JsonObject
                ?? throw new ArgumentException("The offer document must be a JSON object.", nameof(documentJson));
            lock (Gate)
            {
                var publisher = Catalog.FindPublisher(publisherId) ?? throw new ArgumentException($"Publisher '{publisherId}' does not exist.", nameof(publisherId));
                Catalog.AddOffer(publisher, node, migrated, etagOnGet ?? !migrated, UtcNow);
            }
        }

        /// <summary>The current draft document of an offer as JSON text, or null.</summary>
        public string? GetOfferJson(string publisherId, string offerId)
        {
            lock (Gate)
            {
                return Catalog.FindOffer(publisherId, offerId) is { } offer ? System.Text.Encoding.UTF8.GetString(Refreshed(offer).DraftBytes) : null;
            }
        }

        /// <summary>The switches of one offer.</summary>
        public OfferSettings GetOfferSettings(string publisherId, string offerId)
        {
            lock (Gate)
            {
                return ToSettings(RequireOffer(publisherId, offerId));
            }
        }

        /// <summary>Changes switches of one offer; null leaves a switch as it is.</summary>
        public OfferSettings UpdateOfferSettings(string publisherId, string offerId, bool? migrated = null, bool? etagOnGet = null, bool? failCertification = null)
        {
            lock (Gate)
            {
                var offer = RequireOffer(publisherId, offerId);
                offer.Migrated = migrated ?? offer.Migrated;
                offer.EtagOnGet = etagOnGet ?? offer.EtagOnGet;
                offer.FailCertification = failCertification ?? offer.FailCertification;
                offer.Rebuild();
                return ToSettings(offer);
            }
        }

        /// <summary>Makes publish answer 422 with <paramref name="message"/> (null: accept publishes again).</summary>
        public void SetPublishRejection(string publisherId, string offerId, string? message)
        {
            lock (Gate)
            {
                RequireOffer(publisherId, offerId).RejectPublishMessage = message;
            }
        }

        /// <summary>All publish and go-live operations of all offers, with their current status, oldest first.</summary>
        public IReadOnlyList<EmulatorOperationInfo> GetOperations()
        {
            lock (Gate)
            {
                var now = UtcNow;
                return Catalog.Publishers.SelectMany(p => p.Offers).Select(Refreshed).SelectMany(offer => offer.Operations).Select(op =>
                {
                    var view = op.Evaluate(now);
                    return new EmulatorOperationInfo
                    {
                        PublisherId = op.Offer.Publisher.Id,
                        OfferId = op.Offer.OfferId,
                        Id = op.Id.ToString("D"),
                        LegacyId = op.LegacyId,
                        SubmissionType = op.SubmissionType,
                        Status = view.Status,
                        WaitingForPublisherReview = view.WaitingForSignoff,
                        Slot = op.Slot,
                        PublishingVersion = op.PublishingVersion,
                        OfferVersion = op.OfferVersion,
                        CreatedDateTime = op.Created,
                        LastActionDateTime = view.LastAction,
                        Location = CppApi.RelativeLocation(op),
                        SubmissionId = op.Offer.SubmissionId(op.SubmissionId),
                    };
                }).OrderBy(o => o.CreatedDateTime).ToList();
            }
        }

        /// <summary>All Product Ingestion configure jobs, with their current status, oldest first.</summary>
        public IReadOnlyList<EmulatorJobInfo> GetJobs()
        {
            lock (Gate)
            {
                var now = UtcNow;
                return Catalog.Jobs.Values.OrderBy(j => j.Created).Select(job =>
                {
                    var view = job.Evaluate(now);
                    return new EmulatorJobInfo(job.Id.ToString("D"), job.Offer?.OfferId ?? job.NewProduct?.ExternalId, job.Kind.ToString().ToLowerInvariant(), view.Status, view.Result, job.Created, view.End);
                }).ToList();
            }
        }

        /// <summary>Back to the start: settings, access list and faults from the start-up options, fresh seed data,
        /// empty request log, forgotten tokens, clock offset 0 (a manual clock is not moved).</summary>
        public void Reset()
        {
            lock (Gate)
            {
                Settings = initial.Settings;
                Interlocked.Exchange(ref offsetTicks, 0);
                Faults.Clear();
                foreach (var rule in initial.Faults)
                {
                    Faults.Add(rule);
                }

                Tokens.Reset();
                Tokens.SetAccess(initial.AccessList);
                OAuth.Reset(initial);
                Log.Reset(initial.RequestLogCapacity);
                Catalog.Clear();
                if (initial.SeedSampleData)
                {
                    SampleData.Seed(this, UtcNow);
                }
            }
        }

        /// <summary>The offer with what the clock has done to it applied (callers hold <see cref="Gate"/>).</summary>
        internal OfferRecord Refreshed(OfferRecord offer)
        {
            offer.Refresh(UtcNow, settings.SignoffShape);
            return offer;
        }

        private OfferRecord RequireOffer(string publisherId, string offerId)
        {
            return Catalog.FindOffer(publisherId, offerId) ?? throw new ArgumentException($"Offer '{publisherId}/{offerId}' does not exist.");
        }

        private static OfferSettings ToSettings(OfferRecord offer) => new()
        {
            Migrated = offer.Migrated,
            EtagOnGet = offer.EtagOnGet,
            FailCertification = offer.FailCertification,
            RejectPublishMessage = offer.RejectPublishMessage,
        };
    }
}
