using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudPartner.Emulator.Http;

namespace CloudPartner.Emulator.State
{
    internal sealed class PublisherRecord
    {
        public PublisherRecord(string id, string displayText, long sellerId, IReadOnlyList<string> offerTypeCategories)
        {
            Id = id;
            DisplayText = displayText;
            SellerId = sellerId;
            OfferTypeCategories = offerTypeCategories;
        }

        public string Id { get; }

        public string DisplayText { get; }

        public long SellerId { get; }

        public IReadOnlyList<string> OfferTypeCategories { get; }

        public List<OfferRecord> Offers { get; } = new();

        public Dictionary<string, OfferRecord> OffersById { get; } = new(StringComparer.OrdinalIgnoreCase);

        public void Add(OfferRecord offer)
        {
            Offers.Add(offer);
            OffersById[offer.OfferId] = offer;
        }
    }

    /// <summary>One offer: the draft document (stored losslessly as a JsonObject), its slots, versions and operations.</summary>
    internal sealed partial class OfferRecord
    {
        private static readonly string[] MigrationFields = { "lockStatus", "pcMigrationStatus", "pcRedirectUri", "isvUpgradeRequest", "offerTypeChanges", "pricingNotRecalculatedRegions", "offerTypeVersionsOverride" };

        public OfferRecord(PublisherRecord publisher, string offerId, JsonObject draft)
        {
            Publisher = publisher;
            OfferId = offerId;
            Draft = draft;
        }

        public PublisherRecord Publisher { get; }

        public string OfferId { get; }

        public JsonObject Draft { get; set; }

        public byte[] DraftBytes { get; private set; } = Array.Empty<byte>();

        public byte[] SummaryBytes { get; private set; } = Array.Empty<byte>();

        public DateTimeOffset LastModified { get; set; }

        public string ETag { get; private set; } = string.Empty;

        public bool Migrated { get; set; }

        public bool EtagOnGet { get; set; } = true;

        public bool FailCertification { get; set; }

        public string? RejectPublishMessage { get; set; }

        /// <summary>Status shown while the offer has no operation.</summary>
        public string BaseStatus { get; set; } = "neverPublished";

        public string Status { get; set; } = "neverPublished";

        public long Version { get; set; }

        public JsonObject? Preview { get; private set; }

        public byte[]? PreviewBytes { get; private set; }

        public JsonObject? Production { get; private set; }

        public byte[]? ProductionBytes { get; private set; }

        /// <summary>A publish reached sign-off: the preview slot holds what it published, at the version it will go live
        /// as, waiting for review. Production keeps what is live.</summary>
        public void ShowInPreview(JsonObject published, long version)
        {
            Preview = SlotDocument(published, version, "waitingForPublisherReview");
            PreviewBytes = Json.Serialize(Preview);
        }

        /// <summary>A go-live ended (or the seed says the offer is live): production and preview both hold what went live,
        /// at its version, and the offer's version moves to it.</summary>
        public void MakeLive(JsonObject published, long version)
        {
            Production = SlotDocument(published, version, "succeeded");
            ProductionBytes = Json.Serialize(Production);
            Preview = (JsonObject)Production.DeepClone();
            PreviewBytes = ProductionBytes;
            Versions[version] = ProductionBytes;
            if (version > Version)
            {
                Version = version;
            }
        }

        private static JsonObject SlotDocument(JsonObject published, long version, string status)
        {
            var document = (JsonObject)published.DeepClone();
            document["version"] = version;
            document["status"] = status;
            return document;
        }

        public SortedDictionary<long, byte[]> Versions { get; } = new();

        public List<OperationRecord> Operations { get; } = new();

        /// <summary>Cancellation operations (202 cancels point at them); kept apart, they never count as the offer's latest.</summary>
        public List<CancellationRecord> Cancellations { get; } = new();

        public string OfferTypeId => Json.GetString(Draft["offerTypeId"]) ?? string.Empty;

        public string? DisplayText => Json.GetString((Draft["definition"] as JsonObject)?["displayText"]);

        public OperationRecord? LatestOperation => Operations.Count == 0 ? null : Operations[^1];

        /// <summary>Moves the last-modified time forward (strictly, so every change gets a new ETag) and stamps changedTime.</summary>
        public void Touch(DateTimeOffset now)
        {
            LastModified = now > LastModified ? now : LastModified.AddTicks(1);
            Draft["changedTime"] = Migrated ? Json.Ms3(LastModified) : Json.Z7(LastModified);
        }

        /// <summary>Writes the server-managed fields into the draft and rebuilds the cached bytes.</summary>
        public void Rebuild()
        {
            ApplyServerFields();
            ETag = Json.ETag(LastModified);
            DraftBytes = Json.Serialize(Draft);
            SummaryBytes = Json.Write(WriteSummary);
        }

        /// <summary>Writes status and version into the draft (in place when present, appended otherwise).</summary>
        public void ApplyServerFields()
        {
            SetIfDifferent("status", Status);
            if (Draft["version"] is not JsonValue v || v.GetValueKind() != JsonValueKind.Number || !v.TryGetValue<long>(out var current) || current != Version)
            {
                Draft["version"] = Version;
            }
        }

        private void SetIfDifferent(string key, string value)
        {
            if (!string.Equals(Json.GetString(Draft[key]), value, StringComparison.Ordinal))
            {
                Draft[key] = value;
            }
        }

        private void WriteSummary(Utf8JsonWriter w)
        {
            w.WriteStartObject();
            w.WriteString("offerTypeId", OfferTypeId);
            w.WriteString("publisherId", Publisher.Id);
            w.WriteString("status", Status);
            if (Migrated)
            {
                foreach (var field in MigrationFields)
                {
                    w.WritePropertyName(field);
                    if (Draft[field] is { } node)
                    {
                        Json.WriteVerbatim(w, node);
                    }
                    else
                    {
                        WriteMigrationDefault(w, field);
                    }
                }
            }

            w.WriteNumber("version", Version);
            w.WriteString("id", OfferId);
            w.WriteStartObject("definition");
            if (DisplayText is { } text)
            {
                w.WriteString("displayText", text);
            }

            w.WriteEndObject();
            w.WritePropertyName("changedTime");
            if (Draft["changedTime"] is { } changed)
            {
                Json.WriteVerbatim(w, changed);
            }
            else
            {
                w.WriteStringValue(Migrated ? Json.Ms3(LastModified) : Json.Z7(LastModified));
            }

            w.WriteEndObject();
        }

        private static void WriteMigrationDefault(Utf8JsonWriter w, string field)
        {
            switch (field)
            {
                case "lockStatus":
                    w.WriteStringValue("none");
                    break;
                case "pcMigrationStatus":
                    w.WriteStringValue("migrated");
                    break;
                case "pcRedirectUri":
                    w.WriteStringValue(string.Empty);
                    break;
                case "isvUpgradeRequest":
                    w.WriteBooleanValue(false);
                    break;
                case "offerTypeVersionsOverride":
                    w.WriteStartObject();
                    w.WriteEndObject();
                    break;
                default:
                    w.WriteStartArray();
                    w.WriteEndArray();
                    break;
            }
        }
    }
}
