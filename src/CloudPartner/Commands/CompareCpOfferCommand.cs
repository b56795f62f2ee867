using System.Management.Automation;
using System.Text.Json.Nodes;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Json;
using CloudPartner.Engine.Offers;
using CloudPartner.Engine.ProductIngestion;
using CloudPartner.Infrastructure;

namespace CloudPartner.Commands
{
    /// <summary>
    /// What differs between two offer documents. By default, for -OfferId: the Production slot (reference) against
    /// Preview (difference), which is exactly what going live would change. Each side can instead be another slot, a
    /// version, an object or a file.
    /// </summary>
    [Cmdlet(VerbsData.Compare, "CpOffer")]
    [OutputType(typeof(CpOfferChange), typeof(CpOfferChangeSummary))]
    public sealed class CompareCpOfferCommand : CpApiCmdlet
    {
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? PublisherId { get; set; }

        /// <summary>The offer whose slots or versions are read (not needed when both sides are objects or files).</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("Id")]
        [ArgumentCompleter(typeof(OfferIdCompleter))]
        [ValidateNotNullOrEmpty]
        public string? OfferId { get; set; }

        [Parameter]
        public CpOfferSlot? ReferenceSlot { get; set; }

        [Parameter]
        public CpOfferSlot? DifferenceSlot { get; set; }

        [Parameter]
        [ValidateRange(0, long.MaxValue)]
        public long? ReferenceVersion { get; set; }

        [Parameter]
        [ValidateRange(0, long.MaxValue)]
        public long? DifferenceVersion { get; set; }

        /// <summary>A CpOffer, or a bare definition (compared as <c>{ "definition": … }</c>).</summary>
        [Parameter]
        [ValidateNotNull]
        public object? ReferenceObject { get; set; }

        [Parameter]
        [ValidateNotNull]
        public object? DifferenceObject { get; set; }

        /// <summary>A file holding a whole offer document, as Export-CpOffer writes it.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ReferencePath { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? DifferencePath { get; set; }

        /// <summary>Also compares what changes on every write: changedTime, and the top-level version, status and ETag.</summary>
        [Parameter]
        public SwitchParameter IncludeVolatile { get; set; }

        /// <summary>One line per offer (counts and paths) instead of one object per difference.</summary>
        [Parameter]
        public SwitchParameter Summary { get; set; }

        protected override void ProcessRecord()
        {
            ForItem(OfferId, () =>
            {
                var reference = Source("Reference", ReferenceSlot, ReferenceVersion, ReferenceObject, ReferencePath, CpOfferSlot.Production);
                var difference = Source("Difference", DifferenceSlot, DifferenceVersion, DifferenceObject, DifferencePath, CpOfferSlot.Preview);
                JsonObject before, after;
                string offerId;
                if (reference.IsRead || difference.IsRead)
                {
                    if (string.IsNullOrEmpty(OfferId))
                    {
                        throw new CpException(CpErrorKind.InvalidArgument, "-OfferId is needed to read a slot or a version; or give both sides as objects or files (-ReferencePath/-DifferencePath, -ReferenceObject/-DifferenceObject).");
                    }

                    var session = RequireSession();
                    offerId = Engine.Security.Ids.OfferId(OfferId!);
                    if (ApiOf(session) == CpApi.ProductIngestion)
                    {
                        IgnorePublisherId();
                        var id = offerId;
                        (before, after) = Run(async (context, cancel) => (
                            await reference.ReadAsync(session.ProductIngestion, id, missingIsEmpty: false, context, cancel).ConfigureAwait(false),
                            await difference.ReadAsync(session.ProductIngestion, id, missingIsEmpty: false, context, cancel).ConfigureAwait(false)));
                        Write(offerId, before, after);
                        return;
                    }

                    var publisher = RequirePublisherId(session, PublisherId);
                    (before, after) = Run(async (context, cancel) => (
                        await reference.ReadAsync(session.Api, publisher, offerId, missingIsEmpty: false, context, cancel).ConfigureAwait(false),
                        await difference.ReadAsync(session.Api, publisher, offerId, missingIsEmpty: false, context, cancel).ConfigureAwait(false)));
                }
                else
                {
                    before = reference.Document!;
                    after = difference.Document!;
                    offerId = OfferId ?? JsonFields.String(after, "id") ?? JsonFields.String(before, "id") ?? string.Empty;
                }

                Write(offerId, before, after);
            });
        }

        private void Write(string offerId, JsonObject before, JsonObject after)
        {
            var changes = OfferDiff.Compare(ProductIngestionApi.ForComparison(before), ProductIngestionApi.ForComparison(after), IncludeVolatile);
            if (Summary)
            {
                WriteObject(new CpOfferChangeSummary(offerId, new OfferChangeSummary(changes)));
                return;
            }

            foreach (var change in changes)
            {
                WriteObject(new CpOfferChange(offerId, change));
            }
        }

        private OfferSource Source(string side, CpOfferSlot? slot, long? version, object? value, string? path, CpOfferSlot byDefault)
        {
            var given = (slot.HasValue ? 1 : 0) + (version.HasValue ? 1 : 0) + (value is null ? 0 : 1) + (path is null ? 0 : 1);
            if (given > 1)
            {
                throw new CpException(CpErrorKind.InvalidArgument, $"Give the {side.ToLowerInvariant()} side once: -{side}Slot, -{side}Version, -{side}Object or -{side}Path.");
            }

            if (version.HasValue)
            {
                return OfferSource.FromVersion(version.Value);
            }

            if (path != null)
            {
                return OfferSource.FromDocument(OfferInput.FromFile(this, path), $"'{path}'");
            }

            if (value != null)
            {
                var unwrapped = value is PSObject wrapped ? wrapped.BaseObject : value;
                // A product is compared as its resource tree, as it is read from the Product Ingestion API.
                var document = unwrapped is CpOffer offer
                    ? (offer.Api == CpApi.ProductIngestion ? JsonFields.Object(offer.ToDocument(), "definition") ?? new JsonObject() : offer.ToDocument())
                    : new JsonObject { ["definition"] = PSJson.ToJsonNode(value, $"{side}Object") };
                return OfferSource.FromDocument(document, $"-{side}Object");
            }

            return OfferSource.FromSlot(Types.Convert(slot ?? byDefault)!.Value);
        }
    }
}
