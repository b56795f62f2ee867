using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Json;

namespace CloudPartner.Engine.Models
{
    internal sealed class OfferStatusInfo
    {
        public string PublisherId { get; set; } = string.Empty;

        public string OfferId { get; set; } = string.Empty;

        public string? Status { get; set; }

        public OperationState State { get; set; }

        public IReadOnlyList<StepInfo> Steps { get; set; } = new StepInfo[0];

        public IReadOnlyList<MessageInfo> Messages { get; set; } = new MessageInfo[0];

        public IReadOnlyList<string> PreviewLinks { get; set; } = new string[0];

        public IReadOnlyList<string> LiveLinks { get; set; } = new string[0];

        public IReadOnlyList<string> NotificationEmails { get; set; } = new string[0];

        /// <summary>The body of GET …/offers/{id}/status.</summary>
        public static OfferStatusInfo FromJson(string json, string publisherId, string offerId)
        {
            return Parse(LosslessJson.Parse(json, "The offer status"), publisherId, offerId);
        }

        public static OfferStatusInfo Parse(JsonNode? node, string publisherId, string offerId)
        {
            if (!(node is JsonObject obj))
            {
                throw new CpException(CpErrorKind.InvalidResponse, "The offer status in the response is not a JSON object.");
            }

            var steps = JsonFields.Objects(obj, "steps").Select(OperationInfo.ParseStep).ToList();
            var status = JsonFields.String(obj, "status");
            return new OfferStatusInfo
            {
                PublisherId = publisherId,
                OfferId = offerId,
                Status = status,
                State = StatusMapper.Map(status, steps),
                Steps = steps,
                Messages = JsonFields.Objects(obj, "messages").Select(OperationInfo.ParseMessage).ToList(),
                PreviewLinks = JsonFields.Strings(obj, "previewLinks"),
                LiveLinks = JsonFields.Strings(obj, "liveLinks"),
                NotificationEmails = JsonFields.Strings(obj, "notificationEmails"),
            };
        }
    }
}
