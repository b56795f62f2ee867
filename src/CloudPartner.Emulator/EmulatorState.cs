using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
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
    }

    /// <summary>The emulator's thread-safe state and configuration: everything the admin endpoint can do, in process.</summary>
    public sealed class EmulatorState
    {
        internal const string ApiVersion = "2017-10-31";
        private static readonly string[] SuccessWords = { "succeeded", "complete", "completed" };

        private readonly EmulatorOptions initial;
        private readonly IEmulatorClock clock;
        private readonly Dictionary<string, PublisherRecord> publishers = new(StringComparer.OrdinalIgnoreCase);
        private readonly List<PublisherRecord> publisherOrder = new();
        private readonly Dictionary<string, TimeSpan> stepDurations = new(StringComparer.OrdinalIgnoreCase);
        private long offsetTicks;
        private string successWord = "succeeded";
        private TimeSpan? tokenLifetime;
        private TimeSpan? operationRetryAfter;
        private double timeScale = 1;
        private TimeSpan minimumStepDuration;
        private volatile bool legacyOperationLocation;
        private volatile bool strict;
        private volatile SignoffShape signoffShape;
        private volatile bool synchronousCancel;
        private volatile bool repeatConflict;
        private volatile bool newOffersMigrated;
        private volatile bool acceptAnyToken = true;

        internal EmulatorState(EmulatorOptions options)
        {
            initial = options.Clone();
            this.clock = options.Clock ?? SystemEmulatorClock.Instance;
            Log = new RequestLog(initial.RequestLogCapacity);
            OAuth = new OAuthState(this);
            Reset();
        }

        internal object Gate { get; } = new();

        internal FaultEngine Faults { get; } = new();

        internal RequestLog Log { get; }

        internal TokenRegistry Tokens { get; } = new();

        /// <summary>The identity provider: registered clients, device codes, issued tokens.</summary>
        public OAuthState OAuth { get; }

        /// <summary>The underlying clock (a <see cref="ManualClock"/> when one was given).</summary>
        public IEmulatorClock Clock => this.clock;

        /// <summary>Emulator time: the clock plus any offset added by <see cref="AdvanceClock"/> on a non-manual clock.</summary>
        public DateTimeOffset UtcNow => this.clock.UtcNow.AddTicks(Interlocked.Read(ref offsetTicks));

        /// <summary>Moves emulator time forward: advances a <see cref="ManualClock"/>, or shifts an offset on the system clock.</summary>
        public void AdvanceClock(TimeSpan by)
        {
            if (by < TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(by), by, "The clock only moves forward.");
            }

            if (this.clock is ManualClock manual)
            {
                manual.Advance(by);
            }
            else
            {
                Interlocked.Add(ref offsetTicks, by.Ticks);
            }
        }

        /// <summary>Final status word of successful operations: <c>succeeded</c>, <c>complete</c> or <c>completed</c>.</summary>
        public string SuccessWord
        {
            get
            {
                lock (Gate)
                {
                    return successWord;
                }
            }

            set
            {
                var word = NormalizeSuccessWord(value);
                lock (Gate)
                {
                    successWord = word;
                }
            }
        }

        /// <summary>Token lifetime measured from the first time the emulator sees a token (null: unlimited).</summary>
        public TimeSpan? TokenLifetime
        {
            get
            {
                lock (Gate)
                {
                    return tokenLifetime;
                }
            }

            set
            {
                if (value is { } v && v < TimeSpan.Zero)
                {
                    throw new ArgumentOutOfRangeException(nameof(value), "The token lifetime must not be negative.");
                }

                lock (Gate)
                {
                    tokenLifetime = value;
                }
            }
        }

        /// <summary>Answer with an absolute <c>Operation-Location</c> instead of <c>Location</c>.</summary>
        public bool LegacyOperationLocation
        {
            get => legacyOperationLocation;
            set => legacyOperationLocation = value;
        }

        /// <summary>How publisher sign-off shows (see <see cref="EmulatorOptions.SignoffShape"/>).</summary>
        public SignoffShape SignoffShape
        {
            get => this.signoffShape;
            set => this.signoffShape = value;
        }

        /// <summary>Answer operations with only the fields the documentation's samples show (see <see cref="EmulatorOptions.Strict"/>).</summary>
        public bool Strict
        {
            get => strict;
            set => strict = value;
        }

        /// <summary>Retry-After sent on operation GETs (null: none).</summary>
        public TimeSpan? OperationRetryAfter
        {
            get
            {
                lock (Gate)
                {
                    return operationRetryAfter;
                }
            }

            set
            {
                if (value is { } v && v < TimeSpan.Zero)
                {
                    throw new ArgumentOutOfRangeException(nameof(value), "Retry-After must not be negative.");
                }

                lock (Gate)
                {
                    operationRetryAfter = value;
                }
            }
        }

        /// <summary>Cancel answers 200 instead of 202.</summary>
        public bool SynchronousCancel
        {
            get => synchronousCancel;
            set => synchronousCancel = value;
        }

        /// <summary>A repeated publish or go-live gets 409 instead of the running operation (see <see cref="EmulatorOptions.RepeatConflict"/>).</summary>
        public bool RepeatConflict
        {
            get => repeatConflict;
            set => repeatConflict = value;
        }

        /// <summary>The shortest a timed step may be after scaling (applies to operations started afterwards).</summary>
        public TimeSpan MinimumStepDuration
        {
            get
            {
                lock (Gate)
                {
                    return minimumStepDuration;
                }
            }

            set
            {
                if (value < TimeSpan.Zero)
                {
                    throw new ArgumentOutOfRangeException(nameof(value), value, "The minimum step duration must not be negative.");
                }

                lock (Gate)
                {
                    minimumStepDuration = value;
                }
            }
        }

        /// <summary>Operation speed-up (applies to operations started afterwards).</summary>
        public double TimeScale
        {
            get
            {
                lock (Gate)
                {
                    return timeScale;
                }
            }

            set
            {
                if (double.IsNaN(value) || double.IsInfinity(value) || value <= 0)
                {
                    throw new ArgumentOutOfRangeException(nameof(value), value, "The time scale must be a positive number.");
                }

                lock (Gate)
                {
                    timeScale = value;
                }
            }
        }

        /// <summary>Offers created by PUT are marked migrated.</summary>
        public bool NewOffersMigrated
        {
            get => newOffersMigrated;
            set => newOffersMigrated = value;
        }

        /// <summary>Accept any non-empty bearer token (otherwise only registered tokens).</summary>
        public bool AcceptAnyToken
        {
            get => acceptAnyToken;
            set => acceptAnyToken = value;
        }

        /// <summary>Effective step durations in emulator time (before the time scale).</summary>
        public IReadOnlyDictionary<string, TimeSpan> StepDurations
        {
            get
            {
                lock (Gate)
                {
                    return new Dictionary<string, TimeSpan>(stepDurations, StringComparer.OrdinalIgnoreCase);
                }
            }
        }

        /// <summary>Sets the duration of one step (see <see cref="EmulatorSteps"/>); applies to operations started afterwards.</summary>
        public void SetStepDuration(string stepId, TimeSpan duration)
        {
            if (!EmulatorStepsContains(stepId) || string.Equals(stepId, EmulatorSteps.PublisherSignoff, StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"Unknown step '{stepId}'. Steps with a duration: {string.Join(", ", EmulatorSteps.DefaultDurations.Keys)}.", nameof(stepId));
            }

            if (duration < TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(duration), "A step duration must not be negative.");
            }

            lock (Gate)
            {
                stepDurations[stepId] = duration;
            }
        }

        // ---- faults -------------------------------------------------------------------------------------------

        /// <summary>Adds a fault rule; returns a copy with its assigned <see cref="FaultRule.Id"/>.</summary>
        public FaultRule AddFault(FaultRule rule) => Faults.Add(rule);

        /// <summary>Removes one fault rule.</summary>
        public bool RemoveFault(string id) => Faults.Remove(id);

        /// <summary>Removes all fault rules.</summary>
        public void ClearFaults() => Faults.Clear();

        /// <summary>The fault rules with their remaining counts and hits.</summary>
        public IReadOnlyList<FaultRule> GetFaults() => Faults.Snapshot();

        // ---- request log --------------------------------------------------------------------------------------

        /// <summary>The logged API requests, oldest first.</summary>
        public IReadOnlyList<RequestLogEntry> GetRequests() => Log.Snapshot();

        /// <summary>Clears the request log.</summary>
        public void ClearRequests() => Log.Clear();

        /// <summary>The masked form of a token as it appears in the request log (<c>sha256:</c> + 12 hex digits).</summary>
        public static string MaskToken(string token) => RequestLog.Fingerprint(token);

        // ---- tokens and access --------------------------------------------------------------------------------

        /// <summary>Registers a token issued elsewhere (e.g. by an OAuth endpoint): refused (401) from <paramref name="expiresOn"/>
        /// on, and limited to <paramref name="allowedPublishers"/> when given.</summary>
        public void RegisterToken(string token, DateTimeOffset expiresOn, IEnumerable<string>? allowedPublishers = null) => Tokens.Register(token, expiresOn, allowedPublishers);

        /// <summary>Replaces the whole access list (token → allowed publishers).</summary>
        public void SetAccessList(IEnumerable<KeyValuePair<string, IReadOnlyList<string>>> access) => Tokens.SetAccess(access);

        /// <summary>Limits one token to some publishers (null removes the limit).</summary>
        public void SetAccess(string token, IEnumerable<string>? publishers) => Tokens.SetAccess(token, publishers);

        /// <summary>The access list.</summary>
        public IReadOnlyDictionary<string, IReadOnlyList<string>> GetAccessList() => Tokens.AccessSnapshot();

        // ---- publishers and offers ----------------------------------------------------------------------------

        /// <summary>Adds (or replaces the description of) a publisher.</summary>
        public void AddPublisher(string id, string displayText, long sellerId = 0, IEnumerable<string>? offerTypeCategories = null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(id);
            lock (Gate)
            {
                AddPublisherCore(id, displayText, sellerId, offerTypeCategories?.ToList() ?? new List<string> { "microsoft-azure-virtualmachines" });
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
                var publisher = FindPublisher(publisherId) ?? throw new ArgumentException($"Publisher '{publisherId}' does not exist.", nameof(publisherId));
                SeedOfferCore(publisher, node, migrated, etagOnGet ?? !migrated, UtcNow);
            }
        }

        /// <summary>The current draft document of an offer as JSON text, or null.</summary>
        public string? GetOfferJson(string publisherId, string offerId)
        {
            lock (Gate)
            {
                var offer = FindOffer(publisherId, offerId);
                if (offer is null)
                {
                    return null;
                }

                Refresh(offer, UtcNow);
                return System.Text.Encoding.UTF8.GetString(offer.DraftBytes);
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
                if (migrated is { } m)
                {
                    offer.Migrated = m;
                }

                if (etagOnGet is { } e)
                {
                    offer.EtagOnGet = e;
                }

                if (failCertification is { } f)
                {
                    offer.FailCertification = f;
                }

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

        /// <summary>All operations of all offers, with their current status.</summary>
        public IReadOnlyList<EmulatorOperationInfo> GetOperations()
        {
            lock (Gate)
            {
                var now = UtcNow;
                var result = new List<EmulatorOperationInfo>();
                foreach (var publisher in publisherOrder)
                {
                    foreach (var offer in publisher.Offers)
                    {
                        Refresh(offer, now);
                        foreach (var op in offer.Operations)
                        {
                            var view = op.Evaluate(now);
                            result.Add(new EmulatorOperationInfo
                            {
                                PublisherId = publisher.Id,
                                OfferId = offer.OfferId,
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
                                Location = RelativeLocation(op),
                            });
                        }
                    }
                }

                result.Sort(static (a, b) => a.CreatedDateTime.CompareTo(b.CreatedDateTime));
                return result;
            }
        }

        /// <summary>Back to the start: settings, access list and faults from the start-up options, fresh seed data,
        /// empty request log, forgotten tokens, clock offset 0 (a manual clock is not moved).</summary>
        public void Reset()
        {
            lock (Gate)
            {
                successWord = NormalizeSuccessWord(initial.SuccessWord);
                tokenLifetime = initial.TokenLifetime;
                operationRetryAfter = initial.OperationRetryAfter;
                if (double.IsNaN(initial.TimeScale) || initial.TimeScale <= 0)
                {
                    throw new ArgumentOutOfRangeException(nameof(EmulatorOptions.TimeScale), initial.TimeScale, "The time scale must be a positive number.");
                }

                timeScale = initial.TimeScale;
                minimumStepDuration = initial.MinimumStepDuration;
                legacyOperationLocation = initial.LegacyOperationLocation;
                strict = initial.Strict;
                this.signoffShape = initial.SignoffShape;
                synchronousCancel = initial.SynchronousCancel;
                repeatConflict = initial.RepeatConflict;
                newOffersMigrated = initial.NewOffersMigrated;
                acceptAnyToken = initial.AcceptAnyToken;
                stepDurations.Clear();
                foreach (var pair in EmulatorSteps.DefaultDurations)
                {
                    stepDurations[pair.Key] = pair.Value;
                }

                Interlocked.Exchange(ref offsetTicks, 0);
                foreach (var pair in initial.StepDurations)
                {
                    SetStepDuration(pair.Key, pair.Value);
                }

                Faults.Clear();
                foreach (var rule in initial.Faults)
                {
                    Faults.Add(rule);
                }

                Tokens.Reset();
                Tokens.SetAccess(initial.AccessList);
                OAuth.Reset(initial);
                Log.Reset(initial.RequestLogCapacity);
                this.publishers.Clear();
                publisherOrder.Clear();
                if (initial.SeedSampleData)
                {
                    SampleData.Seed(this, UtcNow);
                }
            }
        }

        // ---- internals used by the API and the seed (callers hold Gate) -------------------------------------------

        internal IReadOnlyList<PublisherRecord> Publishers => publisherOrder;

        internal PublisherRecord AddPublisherCore(string id, string displayText, long sellerId, IReadOnlyList<string> categories)
        {
            var record = new PublisherRecord(id, displayText, sellerId, categories);
            if (this.publishers.TryGetValue(id, out var existing))
            {
                foreach (var offer in existing.Offers)
                {
                    record.Add(offer);
                }

                publisherOrder[publisherOrder.IndexOf(existing)] = record;
            }
            else
            {
                publisherOrder.Add(record);
            }

            this.publishers[id] = record;
            return record;
        }

        internal OfferRecord SeedOfferCore(PublisherRecord publisher, JsonObject document, bool migrated, bool etagOnGet, DateTimeOffset now)
        {
            var id = Json.GetString(document["id"]) ?? throw new ArgumentException("The offer document has no string 'id'.");
            var offer = new OfferRecord(publisher, id, document)
            {
                Migrated = migrated,
                EtagOnGet = etagOnGet,
            };
            offer.BaseStatus = Json.GetString(document["status"]) ?? "neverPublished";
            offer.Status = offer.BaseStatus;
            offer.Version = document["version"] is JsonValue v && v.TryGetValue<long>(out var version) ? version : 0;
            offer.LastModified = Json.TryParseTime(Json.GetString(document["changedTime"]), out var changed) ? changed : now;
            offer.Rebuild();
            if (publisher.OffersById.TryGetValue(id, out var existing))
            {
                publisher.Offers[publisher.Offers.IndexOf(existing)] = offer;
                publisher.OffersById[id] = offer;
            }
            else
            {
                publisher.Add(offer);
            }

            return offer;
        }

        internal PublisherRecord? FindPublisher(string id) => this.publishers.TryGetValue(id, out var p) ? p : null;

        internal OfferRecord? FindOffer(string publisherId, string offerId)
        {
            return FindPublisher(publisherId) is { } publisher && publisher.OffersById.TryGetValue(offerId, out var offer) ? offer : null;
        }

        internal TimeSpan? TokenLifetimeUnlocked => tokenLifetime;

        internal TimeSpan? OperationRetryAfterUnlocked => operationRetryAfter;

        internal string SuccessWordUnlocked => successWord;

        /// <summary>The six step durations on the real clock for an operation starting now.</summary>
        internal TimeSpan[] ScaledDurations()
        {
            var result = new TimeSpan[OperationRecord.StepCount];
            for (var i = 0; i < result.Length; i++)
            {
                var id = EmulatorSteps.All[i];
                if (stepDurations.TryGetValue(id, out var duration))
                {
                    var scaled = TimeSpan.FromTicks((long)Math.Round(duration.Ticks / timeScale));
                    result[i] = scaled > TimeSpan.Zero && scaled < minimumStepDuration ? minimumStepDuration : scaled;
                }
            }

            return result;
        }

        /// <summary>The <c>Location</c> value for an operation, by the offer's migration state.</summary>
        internal static string RelativeLocation(OperationRecord op)
        {
            var offer = op.Offer;
            if (offer.Migrated)
            {
                return GuidPath(op) + "?api-version=" + ApiVersion;
            }

            return "/api/operations/" + Uri.EscapeDataString(offer.Publisher.Id) + "$" + Uri.EscapeDataString(offer.OfferId) + "$"
                + op.PublishingVersion.ToString(System.Globalization.CultureInfo.InvariantCulture) + "$" + op.LegacySlot + "?api-version=" + ApiVersion;
        }

        internal static string GuidPath(OperationRecord op)
        {
            var offer = op.Offer;
            return "/api/publishers/" + Uri.EscapeDataString(offer.Publisher.Id) + "/offers/" + Uri.EscapeDataString(offer.OfferId) + "/operations/" + op.Id.ToString("D");
        }

        /// <summary>Applies what the clock says has happened (preview slot, go-live effects, offer status).</summary>
        internal void Refresh(OfferRecord offer, DateTimeOffset now)
        {
            var dirty = false;
            foreach (var op in offer.Operations)
            {
                if (!op.IsGoLive && !op.PreviewApplied && op.Snapshot is not null)
                {
                    var signoffAt = op.PublishBoundaries()[4];
                    var blocked = op.FailCertification || (op.CanceledAt is { } c && c < signoffAt);
                    if (blocked)
                    {
                        op.PreviewApplied = true;
                    }
                    else if (signoffAt <= now)
                    {
                        offer.ShowInPreview(op.Snapshot, op.PublishingVersion);
                        op.PreviewApplied = true;
                    }
                }
                else if (op.IsGoLive && !op.LiveApplied)
                {
                    if (op.CanceledAt is not null)
                    {
                        op.LiveApplied = true;
                    }
                    else if (op.LiveEnd <= now)
                    {
                        offer.MakeLive(op.PublishOperation?.Snapshot ?? offer.Draft, op.PublishingVersion);
                        op.LiveApplied = true;
                        dirty = true;
                    }
                }
            }

            var status = DeriveStatus(offer, now, this.signoffShape);
            if (!string.Equals(status, offer.Status, StringComparison.Ordinal))
            {
                offer.Status = status;
                dirty = true;
            }

            if (dirty)
            {
                offer.Rebuild();
            }
        }

        internal static string DeriveStatus(OfferRecord offer, DateTimeOffset now, SignoffShape signoffShape)
        {
            var latest = offer.LatestOperation;
            if (latest is null)
            {
                return offer.BaseStatus;
            }

            var view = latest.Evaluate(now);
            return view.Status switch
            {
                "running" when view.WaitingForSignoff && signoffShape == SignoffShape.Status => "waitingForPublisherReview",
                "running" => "running",
                "failed" => "failed",
                "canceled" => "canceled",
                _ => "succeeded",
            };
        }

        internal static OperationRecord? RunningOperation(OfferRecord offer, DateTimeOffset now, out OperationView? view)
        {
            for (var i = offer.Operations.Count - 1; i >= 0; i--)
            {
                var op = offer.Operations[i];
                var v = op.Evaluate(now);
                if (v.Running)
                {
                    view = v;
                    return op;
                }
            }

            view = null;
            return null;
        }

        private OfferRecord RequireOffer(string publisherId, string offerId)
        {
            return FindOffer(publisherId, offerId) ?? throw new ArgumentException($"Offer '{publisherId}/{offerId}' does not exist.");
        }

        private static OfferSettings ToSettings(OfferRecord offer) => new()
        {
            Migrated = offer.Migrated,
            EtagOnGet = offer.EtagOnGet,
            FailCertification = offer.FailCertification,
            RejectPublishMessage = offer.RejectPublishMessage,
        };

        private static bool EmulatorStepsContains(string id)
        {
            foreach (var step in EmulatorSteps.All)
            {
                if (string.Equals(step, id, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            return false;
        }

        internal static string NormalizeSuccessWord(string? word)
        {
            foreach (var candidate in SuccessWords)
            {
                if (string.Equals(candidate, word?.Trim(), StringComparison.OrdinalIgnoreCase))
                {
                    return candidate;
                }
            }

            throw new ArgumentException($"The success word must be one of: {string.Join(", ", SuccessWords)}.", nameof(word));
        }
    }
}
