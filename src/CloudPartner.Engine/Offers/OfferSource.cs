using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using CloudPartner.Engine.Cpp;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Http;

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
        public async Task<JsonObject> ReadAsync(PartnerApi api, string publisherId, string offerId, bool missingIsEmpty, CommandContext context, CancellationToken cancellationToken)
        {
            if (Document != null)
            {
                return Document;
            }

            try
            {
                return (await api.GetOfferAsync(publisherId, offerId, Version, Slot, context, cancellationToken).ConfigureAwait(false)).Document;
            }
            catch (CpException e) when (missingIsEmpty && e.Kind == CpErrorKind.NotFound)
            {
                return new JsonObject();
            }
        }
    }
}
