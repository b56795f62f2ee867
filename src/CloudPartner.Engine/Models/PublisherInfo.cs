using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Json;

namespace CloudPartner.Engine.Models
{
    internal sealed class PublisherInfo
    {
        public string? Id { get; set; }

        public string? DisplayText { get; set; }

        public IReadOnlyList<string> OfferTypeCategories { get; set; } = new string[0];

        public long? SellerId { get; set; }

        /// <summary>The publishers list as GET /api/publishers returns it.</summary>
        public static IReadOnlyList<PublisherInfo> ParseList(string json)
        {
            return LosslessJson.ParseArray(json, "The publishers list").Select(Parse).ToList();
        }

        public static PublisherInfo Parse(JsonNode? node)
        {
            if (!(node is JsonObject obj))
            {
                throw new CpException(CpErrorKind.InvalidResponse, "A publisher in the response is not a JSON object.");
            }

            var definition = JsonFields.Object(obj, "definition") ?? new JsonObject();
            return new PublisherInfo
            {
                Id = JsonFields.String(obj, "id"),
                DisplayText = JsonFields.String(definition, "displayText"),
                OfferTypeCategories = JsonFields.Strings(definition, "offerTypeCategories"),
                SellerId = JsonFields.Int64(definition, "sellerId"),
            };
        }
    }
}
