using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using CloudPartner.Emulator.Http;

namespace CloudPartner.Emulator.State
{
    /// <summary>The publishers and their offers, in the order they were added. Callers hold the state's gate.</summary>
    internal sealed class Catalog
    {
        private const long FirstSubmissionId = 1152921515689847470;
        private readonly Dictionary<string, PublisherRecord> byId = new(StringComparer.OrdinalIgnoreCase);
        private long lastSubmissionId = FirstSubmissionId;

        public List<PublisherRecord> Publishers { get; } = new();

        /// <summary>The Product Ingestion configure jobs, by id.</summary>
        public Dictionary<Guid, ConfigureJob> Jobs { get; } = new();

        public void Clear()
        {
            byId.Clear();
            Publishers.Clear();
            Jobs.Clear();
            lastSubmissionId = FirstSubmissionId;
        }

        /// <summary>A new submission number, in the form the service's have.</summary>
        public long NextSubmissionId() => lastSubmissionId += 1213;

        /// <summary>Every offer, publisher by publisher.</summary>
        public IEnumerable<OfferRecord> Offers => Publishers.SelectMany(p => p.Offers);

        /// <summary>Adds a publisher, or replaces its description and keeps its offers.</summary>
        public PublisherRecord AddPublisher(string id, string displayText, long sellerId, IReadOnlyList<string> categories)
        {
            var record = new PublisherRecord(id, displayText, sellerId, categories);
            if (byId.TryGetValue(id, out var existing))
            {
                existing.Offers.ForEach(record.Add);
                Publishers[Publishers.IndexOf(existing)] = record;
            }
            else
            {
                Publishers.Add(record);
            }

            byId[id] = record;
            return record;
        }

        /// <summary>Adds or replaces an offer from a full document whose <c>status</c>, <c>version</c> and <c>changedTime</c> it keeps.</summary>
        public OfferRecord AddOffer(PublisherRecord publisher, JsonObject document, bool migrated, bool etagOnGet, DateTimeOffset now)
        {
            var id = Json.GetString(document["id"]) ?? throw new ArgumentException("The offer document has no string 'id'.");
            var offer = new OfferRecord(publisher, id, document)
            {
                Migrated = migrated,
                EtagOnGet = etagOnGet,
                BaseStatus = Json.GetString(document["status"]) ?? "neverPublished",
                Version = document["version"] is JsonValue v && v.TryGetValue<long>(out var version) ? version : 0,
                LastModified = Json.TryParseTime(Json.GetString(document["changedTime"]), out var changed) ? changed : now,
            };
            offer.Status = offer.BaseStatus;
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

        public PublisherRecord? FindPublisher(string id) => byId.TryGetValue(id, out var publisher) ? publisher : null;

        public OfferRecord? FindOffer(string publisherId, string offerId)
        {
            return FindPublisher(publisherId) is { } publisher && publisher.OffersById.TryGetValue(offerId, out var offer) ? offer : null;
        }
    }
}
