using System;
using System.Management.Automation;
using System.Text.Json.Nodes;
using CloudPartner.Engine.Models;
using CloudPartner.Infrastructure;

namespace CloudPartner
{
    /// <summary>
    /// An offer. <see cref="Definition"/> is the offer's <c>definition</c> as ordinary PowerShell objects: edit it with
    /// member access and pass the offer to Set-CpOffer, which writes everything back as read except what you changed.
    /// </summary>
    public sealed class CpOffer
    {
        internal CpOffer(OfferDocument offer, string publisherId, bool isSummary, CpApi api = CpApi.Cpp)
        {
            Api = api;
            ProductId = Engine.Json.JsonFields.String(offer.Document, "productId");
            Document = offer.Document;
            RawJson = offer.RawJson;
            IsSummary = isSummary;
            PublisherId = offer.PublisherId ?? publisherId;
            OfferId = offer.Id ?? string.Empty;
            OfferTypeId = offer.OfferTypeId;
            DisplayText = offer.DisplayText ?? Engine.Json.JsonFields.String(offer.Document, "displayText");
            Status = offer.Status;
            Version = offer.Version;
            ChangedTime = offer.ChangedTime;
            ETag = offer.ETag;
            PcMigrationStatus = offer.PcMigrationStatus;
            IsMigrated = offer.IsMigrated;
            LockStatus = offer.LockStatus;
            var definition = Document["definition"];
            Definition = definition is null ? null : PSJson.ToPSObject(definition) as PSObject;
        }

        /// <summary>The API the offer was read from; commands it is piped to work on the same API.</summary>
        public CpApi Api { get; }

        /// <summary>On the Product Ingestion API, the product's durable id (<c>product/&lt;guid&gt;</c>).</summary>
        public string? ProductId { get; }

        public string PublisherId { get; }

        public string OfferId { get; }

        /// <summary>The same as OfferId, so offers bind to -OfferId by property name.</summary>
        [Hidden]
        public string Id => OfferId;

        public string? OfferTypeId { get; }

        public string? DisplayText { get; }

        /// <summary>The service's own status word (neverPublished, running, succeeded, …).</summary>
        public string? Status { get; }

        public long? Version { get; }

        public DateTimeOffset? ChangedTime { get; }

        /// <summary>The ETag read with the offer; Set-CpOffer sends it as If-Match. Empty when the service sent none.</summary>
        public string? ETag { get; }

        public string? PcMigrationStatus { get; }

        public bool IsMigrated { get; }

        public string? LockStatus { get; }

        /// <summary>The offer's definition (displayText, offer, plans…) as editable PowerShell objects.</summary>
        public PSObject? Definition { get; set; }

        /// <summary>True for offers from the offers list, which carries only a summary of the definition.</summary>
        public bool IsSummary { get; }

        /// <summary>The document as read, the base that Set-CpOffer writes back with the edited Definition.</summary>
        internal JsonObject Document { get; }

        internal string? RawJson { get; }

        /// <summary>The document to send: as read, with the current Definition in place of the original.</summary>
        internal JsonObject ToDocument()
        {
            var document = (JsonObject)Document.DeepClone();
            if (Definition != null || document.ContainsKey("definition"))
            {
                document["definition"] = PSJson.ToJsonNode(Definition, "Definition");
            }

            return document;
        }

        public override string ToString() => OfferId;
    }
}
