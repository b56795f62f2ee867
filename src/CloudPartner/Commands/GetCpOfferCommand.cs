using System.Linq;
using System.Management.Automation;
using CloudPartner.Engine.Cpp;
using CloudPartner.Infrastructure;

namespace CloudPartner.Commands
{
    /// <summary>Lists offers, or reads one offer (the editable draft, a version, or a slot).</summary>
    [Cmdlet(VerbsCommon.Get, "CpOffer", DefaultParameterSetName = ListSet)]
    [OutputType(typeof(CpOffer), typeof(string))]
    public sealed class GetCpOfferCommand : CpApiCmdlet
    {
        private const string ListSet = "List";
        private const string OneSet = "One";
        private const string PublisherSet = "Publisher";

        /// <summary>A publisher from Get-CpPublisher: lists its offers.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = PublisherSet)]
        public CpPublisher Publisher { get; set; } = null!;

        [Parameter(ParameterSetName = ListSet, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = OneSet, ValueFromPipelineByPropertyName = true)]
        public string? PublisherId { get; set; }

        /// <summary>The offer id; wildcards list the offers and keep those that match.</summary>
        [Parameter(Position = 0, ParameterSetName = ListSet, ValueFromPipelineByPropertyName = true)]
        [Parameter(Position = 0, ParameterSetName = OneSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Id")]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(OfferIdCompleter))]
        public string? OfferId { get; set; }

        [Parameter(ParameterSetName = OneSet)]
        [ValidateRange(0, long.MaxValue)]
        public long? Version { get; set; }

        [Parameter(ParameterSetName = OneSet)]
        public CpOfferSlot? Slot { get; set; }

        /// <summary>Only offers of this type (for example microsoft-azure-virtualmachines).</summary>
        [Parameter(ParameterSetName = ListSet)]
        [Parameter(ParameterSetName = PublisherSet)]
        [ValidateNotNullOrEmpty]
        public string? OfferTypeId { get; set; }

        /// <summary>Returns the response's JSON text exactly as received.</summary>
        [Parameter]
        public SwitchParameter Raw { get; set; }

        protected override void ProcessRecord()
        {
            var session = RequireSession();
            if (ApiOf(session) == CpApi.ProductIngestion)
            {
                ProductIngestionRecord(session);
                return;
            }

            var publisher = RequirePublisherId(session, ParameterSetName == PublisherSet ? Publisher.Id : PublisherId);
            ForItem(OfferId, () =>
            {
                var exact = !string.IsNullOrEmpty(OfferId) && !WildcardPattern.ContainsWildcardCharacters(OfferId);
                if (exact && string.IsNullOrEmpty(OfferTypeId))
                {
                    if (Version.HasValue && Slot.HasValue)
                    {
                        throw new Engine.Errors.CpException(Engine.Errors.CpErrorKind.InvalidArgument, "Use -Version or -Slot, not both.");
                    }

                    var offer = Run((context, cancel) => session.Api.GetOfferAsync(publisher, OfferId!, Version, Types.Convert(Slot), context, cancel));
                    WriteObject(Raw ? (object?)offer.RawJson : new CpOffer(offer, publisher, isSummary: false));
                    return;
                }

                if (Version.HasValue || Slot.HasValue)
                {
                    throw new Engine.Errors.CpException(Engine.Errors.CpErrorKind.InvalidArgument, "-Version and -Slot need one exact -OfferId (no wildcards).");
                }

                var pattern = OfferIdPattern.Parse(OfferId);
                var (offers, rawList) = Run((context, cancel) => session.Api.ListOffersWithTextAsync(publisher, OfferTypeId, context, cancel));
                if (Raw && string.IsNullOrEmpty(OfferId))
                {
                    WriteObject(rawList);
                    return;
                }

                foreach (var offer in offers.Where(o => pattern is null || pattern.IsMatch(o.Id ?? string.Empty)))
                {
                    // A filtered list has no response text of its own: each match is written as it was in the list.
                    WriteObject(Raw ? (object)Engine.Json.LosslessJson.Write(offer.Document) : new CpOffer(offer, publisher, isSummary: true));
                }
            });
        }

        /// <summary>A product (its resource tree for -Slot: draft, preview or live), or the products matching -OfferId.</summary>
        private void ProductIngestionRecord(CpSession session)
        {
            IgnorePublisherId();
            ForItem(OfferId, () =>
            {
                if (Version.HasValue || !string.IsNullOrEmpty(OfferTypeId) || ParameterSetName == PublisherSet)
                {
                    throw new Engine.Errors.CpException(Engine.Errors.CpErrorKind.InvalidArgument, "-Version, -OfferTypeId and -Publisher do not apply to the Product Ingestion API: products have no numbered versions or publishers.");
                }

                if (!string.IsNullOrEmpty(OfferId) && !WildcardPattern.ContainsWildcardCharacters(OfferId))
                {
                    var offer = Run((context, cancel) => session.ProductIngestion.GetOfferAsync(OfferId!, Types.Convert(Slot), context, cancel));
                    WriteObject(Raw ? (object?)offer.RawJson : new CpOffer(offer, string.Empty, isSummary: false, CpApi.ProductIngestion));
                    return;
                }

                var pattern = OfferIdPattern.Parse(OfferId);
                var products = Run((context, cancel) => session.ProductIngestion.ListProductsAsync(context, cancel));
                foreach (var product in products.Select(p => Engine.ProductIngestion.ProductIngestionApi.ToOffer(p)).Where(o => pattern is null || pattern.IsMatch(o.Id ?? string.Empty)))
                {
                    WriteObject(Raw ? (object)Engine.Json.LosslessJson.Write(product.Document) : new CpOffer(product, string.Empty, isSummary: true, CpApi.ProductIngestion));
                }
            });
        }
    }
}
