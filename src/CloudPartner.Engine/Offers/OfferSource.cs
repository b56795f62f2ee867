using System;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using CloudPartner.Engine.Cpp;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Http;
using CloudPartner.Engine.Json;
using CloudPartner.Engine.ProductIngestion;

namespace CloudPartner.Engine.Offers
{
    /// <summary>Where one side of a comparison comes from: a slot or a version read from the service, or a document at hand.</summary>
    internal sealed class OfferSource
    {
        private OfferSource(OfferSlot? slot, long? version, JsonObject? document, string description)
        {
            Slot = slot;
            Version = version;
            Document = document;
            Description = description;
        }

        public OfferSlot? Slot { get; }

        public long? Version { get; }

        public JsonObject? Document { get; }

        /// <summary>"the Production slot", "version 5", or what the caller said of the document.</summary>
        public string Description { get; }

        public bool IsRead => Document is null;

        public static OfferSource FromSlot(OfferSlot slot) => new OfferSource(slot, null, null, $"the {slot} slot");

        public static OfferSource FromVersion(long version) => new OfferSource(null, version, null, $"version {version}");

        public static OfferSource FromDocument(JsonObject document, string description) => new OfferSource(null, null, document, description);

        /// <summary>
        /// The document: as given, or read from the service. With <paramref name="missingIsEmpty"/> a slot the offer does
        /// not have yet (404: never published to it) is an empty document, so everything in the other side is Added.
        /// </summary>
        public Task<JsonObject> ReadAsync(PartnerApi api, string publisherId, string offerId, bool missingIsEmpty, CommandContext context, CancellationToken cancellationToken)
        {
            return ReadAsync(async () => (await api.GetOfferAsync(publisherId, offerId, Version, Slot, context, cancellationToken).ConfigureAwait(false)).Document, missingIsEmpty);
        }

        /// <summary>On the Product Ingestion API a slot is a target, and what is compared is the product's resource tree for it.</summary>
        public Task<JsonObject> ReadAsync(ProductIngestionApi api, string offerId, bool missingIsEmpty, CommandContext context, CancellationToken cancellationToken)
        {
            if (Version.HasValue)
            {
                throw new CpException(CpErrorKind.InvalidArgument, "Products on the Product Ingestion API have no numbered versions: compare slots (Draft, Preview, Production) instead.");
            }

            return ReadAsync(async () => JsonFields.Object((await api.GetOfferAsync(offerId, Slot, context, cancellationToken).ConfigureAwait(false)).Document, "definition") ?? new JsonObject(), missingIsEmpty);
        }

        private async Task<JsonObject> ReadAsync(Func<Task<JsonObject>> read, bool missingIsEmpty)
        {
            if (Document != null)
            {
                return Document;
            }

            try
            {
                return await read().ConfigureAwait(false);
            }
            catch (CpException e) when (missingIsEmpty && e.Kind == CpErrorKind.NotFound)
            {
                return new JsonObject();
            }
        }
    }
}
