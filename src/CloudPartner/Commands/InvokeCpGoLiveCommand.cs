using System.Management.Automation;
using System.Text.Json.Nodes;
using CloudPartner.Engine.Cpp;
using CloudPartner.Engine.Offers;
using CloudPartner.Engine.ProductIngestion;
using CloudPartner.Infrastructure;

namespace CloudPartner.Commands
{
    /// <summary>Pushes an offer that passed publisher sign-off to production. With -Wait, waits until it is live.</summary>
    [Cmdlet(VerbsLifecycle.Invoke, "CpGoLive", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(CpOperation))]
    public sealed class InvokeCpGoLiveCommand : CpStartOperationCmdlet
    {
        /// <summary>Goes live without asking for confirmation.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        private protected override OperationKind Kind => OperationKind.GoLive;

        private protected override string Action => "Go live (make the offer public in the marketplace)";

        private protected override bool Forced => Force;

        /// <summary>
        /// How many changes would go live and under which paths: Production against Preview, one read of each slot,
        /// nothing sent. For an offer never live, Production is taken as the same offer with an empty definition, so
        /// every part of the definition counts as new.
        /// </summary>
        private protected override string? WhatIfDetail(CpSession session, string publisherId, string offerId)
        {
            var changes = Run(async (context, cancel) =>
            {
                var production = await OfferSource.FromSlot(OfferSlot.Production).ReadAsync(session.Api, publisherId, offerId, missingIsEmpty: true, context, cancel).ConfigureAwait(false);
                var preview = await OfferSource.FromSlot(OfferSlot.Preview).ReadAsync(session.Api, publisherId, offerId, missingIsEmpty: false, context, cancel).ConfigureAwait(false);
                if (production.Count == 0)
                {
                    production = (JsonObject)preview.DeepClone();
                    production["definition"] = new JsonObject();
                }

                return OfferDiff.Compare(production, preview);
            });
            return new OfferChangeSummary(changes).Describe() + " would go live";
        }

        /// <summary>What going live would change on the Product Ingestion API: the live resource tree against the preview one.</summary>
        private protected override string? ProductIngestionWhatIfDetail(CpSession session, string offerId)
        {
            var changes = Run(async (context, cancel) =>
            {
                var live = await OfferSource.FromSlot(OfferSlot.Production).ReadAsync(session.ProductIngestion, offerId, missingIsEmpty: true, context, cancel).ConfigureAwait(false);
                var preview = await OfferSource.FromSlot(OfferSlot.Preview).ReadAsync(session.ProductIngestion, offerId, missingIsEmpty: false, context, cancel).ConfigureAwait(false);
                if (live.Count == 0)
                {
                    // Never live: everything in preview goes live.
                    live = (JsonObject)preview.DeepClone();
                    live["resources"] = new JsonArray();
                }

                return OfferDiff.Compare(ProductIngestionApi.ForComparison(live), ProductIngestionApi.ForComparison(preview));
            });
            return new OfferChangeSummary(changes).Describe() + " would go live";
        }
    }
}
