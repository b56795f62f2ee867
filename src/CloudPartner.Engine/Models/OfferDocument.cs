using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Json;

namespace CloudPartner.Engine.Models
{
    /// <summary>
    /// An offer as read from the service: the whole document kept losslessly, its ETag (from the response header),
    /// and typed views of the top-level fields.
    /// </summary>
    internal sealed class OfferDocument
    {
        /// <summary>Keys the service returns but refuses to take back on PUT (matched by suffix, any namespace).</summary>
        public static readonly IReadOnlyList<string> ReadOnlyKeySuffixes = new[] { ".legacyOfferId", ".legacyPublisherId" };

        public OfferDocument(JsonObject document, string? eTag, string? rawJson = null)
        {
            Document = document ?? throw new ArgumentNullException(nameof(document));
            ETag = string.IsNullOrWhiteSpace(eTag) ? null : eTag;
            RawJson = rawJson;
            PublisherId = JsonFields.String(document, "publisherId");
            Id = JsonFields.String(document, "id");
            OfferTypeId = JsonFields.String(document, "offerTypeId");
            Status = JsonFields.String(document, "status");
            Version = JsonFields.Int64(document, "version");
            ChangedTime = JsonFields.Timestamp(document, "changedTime");
            PcMigrationStatus = JsonFields.String(document, "pcMigrationStatus");
            LockStatus = JsonFields.String(document, "lockStatus");
            var definition = JsonFields.Object(document, "definition");
            DisplayText = definition is null ? null : JsonFields.String(definition, "displayText");
            if (!ChangedTime.HasValue && definition != null)
            {
                // The retrieve-specific-offer sample nests changedTime inside definition.
                ChangedTime = JsonFields.Timestamp(definition, "changedTime");
            }
        }

        public JsonObject Document { get; }

        public string? ETag { get; }

        /// <summary>The response text exactly as received, when this document came from the service.</summary>
        public string? RawJson { get; }

        public string? PublisherId { get; }

        public string? Id { get; }

        public string? OfferTypeId { get; }

        public string? Status { get; }

        public OperationState State => StatusMapper.MapWord(Status);

        public long? Version { get; }

        public DateTimeOffset? ChangedTime { get; }

        public string? PcMigrationStatus { get; }

        public bool IsMigrated => string.Equals(PcMigrationStatus, "migrated", StringComparison.OrdinalIgnoreCase);

        public string? LockStatus { get; }

        public string? DisplayText { get; }

        public static OfferDocument Parse(string json, string? eTag)
        {
            return new OfferDocument(LosslessJson.ParseObject(json, "The offer in the response"), eTag, json);
        }

        /// <summary>The offers list (summaries, without ETags) as GET …/offers returns it.</summary>
        public static IReadOnlyList<OfferDocument> ParseList(string json)
        {
            var offers = new List<OfferDocument>();
            foreach (var item in LosslessJson.ParseArray(json, "The offers list"))
            {
                if (!(item is JsonObject offer))
                {
                    throw new CpException(CpErrorKind.InvalidResponse, "An entry of the offers list is not a JSON object.");
                }

                offers.Add(new OfferDocument(offer, eTag: null));
            }

            return offers;
        }

        /// <summary>
        /// Removes the keys the service refuses on PUT from <c>definition.offer</c> and from each plan, in place.
        /// Returns the JSON paths it removed. Everything else is left exactly as read.
        /// </summary>
        public static IReadOnlyList<string> StripReadOnlyKeys(JsonObject document)
        {
            var removed = new List<string>();
            if (!(JsonFields.Get(document, "definition") is JsonObject definition))
            {
                return removed;
            }

            if (JsonFields.Get(definition, "offer") is JsonObject offer)
            {
                Strip(offer, "$.definition.offer", removed);
            }

            if (JsonFields.Get(definition, "plans") is JsonArray plans)
            {
                for (var i = 0; i < plans.Count; i++)
                {
                    if (plans[i] is JsonObject plan)
                    {
                        Strip(plan, $"$.definition.plans[{i}]", removed);
                    }
                }
            }

            return removed;
        }

        private static void Strip(JsonObject obj, string path, List<string> removed)
        {
            var keys = new List<string>();
            foreach (var property in obj)
            {
                foreach (var suffix in ReadOnlyKeySuffixes)
                {
                    if (property.Key.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
                    {
                        keys.Add(property.Key);
                    }
                }
            }

            foreach (var key in keys)
            {
                obj.Remove(key);
                removed.Add($"{path}['{key}']");
            }
        }
    }
}
