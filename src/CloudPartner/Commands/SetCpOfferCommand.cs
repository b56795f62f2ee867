using System.Management.Automation;
using System.Text.Json.Nodes;
using CloudPartner.Engine.Errors;
using CloudPartner.Infrastructure;

namespace CloudPartner.Commands
{
    /// <summary>
    /// Writes an offer back. Sends the ETag read with the offer, so a change made by someone else since then fails
    /// with CpPreconditionFailed instead of being overwritten; -Force (or an offer without ETag) overwrites.
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "CpOffer", SupportsShouldProcess = true, DefaultParameterSetName = InputObjectSet)]
    [OutputType(typeof(CpOffer))]
    public sealed class SetCpOfferCommand : CpApiCmdlet
    {
        private const string InputObjectSet = "InputObject";
        private const string DefinitionSet = "Definition";
        private const string PathSet = "Path";

        /// <summary>An offer read with Get-CpOffer -OfferId (not a summary from the list), usually edited.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
        public CpOffer InputObject { get; set; } = null!;

        [Parameter(ParameterSetName = DefinitionSet, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = PathSet, ValueFromPipelineByPropertyName = true)]
        public string? PublisherId { get; set; }

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = DefinitionSet, ValueFromPipelineByPropertyName = true)]
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipelineByPropertyName = true)]
        [Alias("Id")]
        [ArgumentCompleter(typeof(OfferIdCompleter))]
        public string OfferId { get; set; } = string.Empty;

        /// <summary>The whole offer document (as Get-CpOffer -Raw returns it): JSON text, a PSCustomObject or a hashtable.</summary>
        [Parameter(Mandatory = true, ParameterSetName = DefinitionSet)]
        [ValidateNotNull]
        public object Definition { get; set; } = null!;

        /// <summary>A JSON file holding the whole offer document.</summary>
        [Parameter(Mandatory = true, ParameterSetName = PathSet)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = string.Empty;

        /// <summary>Overwrites whatever the service has (If-Match: *), even if the offer changed since it was read.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Writes the offer as the service stored it.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

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
                string publisher, offerId;
                JsonObject document;
                string? eTag = null;
                if (ParameterSetName == InputObjectSet)
                {

                    publisher = InputObject.PublisherId;
                    offerId = InputObject.OfferId;
                    document = OfferInput.FromOffer(InputObject);
                    eTag = InputObject.ETag;
                }
                else
                {
                    publisher = RequirePublisherId(session, PublisherId);
                    offerId = Engine.Security.Ids.OfferId(OfferId);
                    document = ParameterSetName == PathSet ? OfferInput.FromFile(this, Path) : OfferInput.FromDefinition(Definition);
                }

                OfferInput.Align(document, publisher, offerId);
                var ifMatch = Force || string.IsNullOrEmpty(eTag) ? "*" : eTag!;
                if (!ShouldProcess($"offer '{offerId}' of publisher '{publisher}'", ifMatch == "*" ? "Overwrite offer (If-Match: *)" : "Update offer"))
                {
                    return;
                }

                var (offer, _, stripped) = Run((context, cancel) => session.Api.PutOfferAsync(publisher, offerId, document, ifMatch, context, cancel));
                if (stripped.Count > 0)
                {
                    Verbose($"Left out keys the service refuses to take back: {string.Join(", ", stripped)}.");
                }

                if (PassThru)
                {
                    WriteObject(new CpOffer(offer, publisher, isSummary: false));
                }
            });
        }

        /// <summary>Writes the product's draft from the resource tree given (its submission entries are not sent) and waits for the job.</summary>
        private void ProductIngestionRecord(CpSession session)
        {
            IgnorePublisherId();
            ForItem(ParameterSetName == InputObjectSet ? (object)InputObject : OfferId, () =>
            {
                var offerId = ParameterSetName == InputObjectSet ? InputObject.OfferId : Engine.Security.Ids.OfferId(OfferId);
                var document = ParameterSetName == InputObjectSet ? OfferInput.FromOffer(InputObject)
                    : ParameterSetName == PathSet ? OfferInput.FromFile(this, Path)
                    : OfferInput.FromDefinition(Definition);
                var tree = Engine.Json.JsonFields.Object(document, "definition") ?? document;
                var resources = Engine.ProductIngestion.ProductIngestionApi.DraftResourcesOf(tree);
                if (!ShouldProcess($"product '{offerId}'", $"Configure the draft ({resources.Count} resources)"))
                {
                    return;
                }

                var offer = Run((context, cancel) => session.ProductIngestion.ConfigureAndWaitAsync(offerId, resources, Timeout, context, cancel));
                if (PassThru)
                {
                    WriteObject(new CpOffer(offer, string.Empty, isSummary: false, CpApi.ProductIngestion));
                }
            });
        }
    }
}
