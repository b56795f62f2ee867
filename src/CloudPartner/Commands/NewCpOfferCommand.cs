using System.Management.Automation;
using System.Text.Json.Nodes;
using CloudPartner.Engine.Errors;
using CloudPartner.Infrastructure;

namespace CloudPartner.Commands
{
    /// <summary>Creates an offer. Fails with CpConflict when the offer exists (use Set-CpOffer to change it).</summary>
    [Cmdlet(VerbsCommon.New, "CpOffer", SupportsShouldProcess = true, DefaultParameterSetName = DefinitionSet)]
    [OutputType(typeof(CpOffer))]
    public sealed class NewCpOfferCommand : CpApiCmdlet
    {
        private const string InputObjectSet = "InputObject";
        private const string DefinitionSet = "Definition";
        private const string PathSet = "Path";

        /// <summary>An offer to copy under its own id (or -OfferId).</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
        public CpOffer InputObject { get; set; } = null!;

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? PublisherId { get; set; }

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = DefinitionSet, ValueFromPipelineByPropertyName = true)]
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipelineByPropertyName = true)]
        [Parameter(Position = 0, ParameterSetName = InputObjectSet, ValueFromPipelineByPropertyName = true)]
        [Alias("Id")]
        public string OfferId { get; set; } = string.Empty;

        /// <summary>The whole offer document: JSON text, a PSCustomObject or a hashtable with offerTypeId and definition.</summary>
        [Parameter(Mandatory = true, ParameterSetName = DefinitionSet)]
        [ValidateNotNull]
        public object Definition { get; set; } = null!;

        /// <summary>A JSON file holding the whole offer document.</summary>
        [Parameter(Mandatory = true, ParameterSetName = PathSet)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = string.Empty;

        /// <summary>On the Product Ingestion API: how long to wait for the configure job (default: no limit; a number means seconds).</summary>
        [Parameter]
        [SecondsTransformation]
        public System.TimeSpan? Timeout { get; set; }

        protected override void ProcessRecord()
        {
            var session = RequireSession();
            if (ApiOf(session) == CpApi.ProductIngestion)
            {
                ProductIngestionRecord(session);
                return;
            }

            ForItem(ParameterSetName == InputObjectSet ? (object)InputObject : OfferId, () =>
            {
                JsonObject document;
                string offerId;
                string publisher;
                if (ParameterSetName == InputObjectSet)
                {
                    document = OfferInput.FromOffer(InputObject);
                    offerId = string.IsNullOrEmpty(OfferId) ? InputObject.OfferId : OfferId;
                    publisher = string.IsNullOrEmpty(PublisherId) ? InputObject.PublisherId : PublisherId!;
                    document["id"] = offerId;
                    document["publisherId"] = publisher;
                }
                else
                {
                    publisher = RequirePublisherId(session, PublisherId);
                    offerId = OfferId;
                    document = ParameterSetName == PathSet ? OfferInput.FromFile(this, Path) : OfferInput.FromDefinition(Definition);
                }

                offerId = Engine.Security.Ids.OfferId(offerId);
                OfferInput.Align(document, publisher, offerId);
                if (!ShouldProcess($"offer '{offerId}' of publisher '{publisher}'", "Create offer"))
                {
                    return;
                }

                try
                {
                    var (offer, _, stripped) = Run((context, cancel) => session.Api.PutOfferAsync(publisher, offerId, document, ifMatch: null, context, cancel));
                    if (stripped.Count > 0)
                    {
                        Verbose($"Left out keys the service refuses to take: {string.Join(", ", stripped)}.");
                    }

                    WriteObject(new CpOffer(offer, publisher, isSummary: false));
                }
                catch (CpException e) when (e.Kind == CpErrorKind.Conflict)
                {
                    e.RecommendedAction = $"Offer '{offerId}' already exists. To change it, use Set-CpOffer (for example Get-CpOffer -OfferId '{offerId}', edit, then Set-CpOffer).";
                    throw;
                }
            });
        }

        /// <summary>Creates a product from a resource tree (or another product's, piped in) and waits for the job.</summary>
        private void ProductIngestionRecord(CpSession session)
        {
            IgnorePublisherId();
            ForItem(ParameterSetName == InputObjectSet ? (object)InputObject : OfferId, () =>
            {
                var offerId = Engine.Security.Ids.OfferId(string.IsNullOrEmpty(OfferId) ? InputObject.OfferId : OfferId);
                var document = ParameterSetName == InputObjectSet ? OfferInput.FromOffer(InputObject)
                    : ParameterSetName == PathSet ? OfferInput.FromFile(this, Path)
                    : OfferInput.FromDefinition(Definition);
                var tree = Engine.Json.JsonFields.Object(document, "definition") ?? document;
                if (!ShouldProcess($"product '{offerId}'", "Create product"))
                {
                    return;
                }

                var offer = Run((context, cancel) => session.ProductIngestion.CreateAsync(offerId, tree, Timeout, context, cancel));
                WriteObject(new CpOffer(offer, string.Empty, isSummary: false, CpApi.ProductIngestion));
            });
        }
    }
}
