using System.Management.Automation;
using CloudPartner.Engine.Cpp;

namespace CloudPartner.Infrastructure
{
    /// <summary>Adds starting an operation on an offer (Publish-CpOffer, Invoke-CpGoLive, Stop-CpOperation), then waiting for it with -Wait.</summary>
    public abstract class CpStartOperationCmdlet : CpWaitingCmdlet
    {
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? PublisherId { get; set; }

        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("Id")]
        [ArgumentCompleter(typeof(OfferIdCompleter))]
        public string OfferId { get; set; } = string.Empty;

        /// <summary>Waits until the operation ends and writes the final operation.</summary>
        [Parameter]
        public SwitchParameter Wait { get; set; }

        private protected abstract OperationKind Kind { get; }

        private protected abstract string Action { get; }

        private protected virtual string? NotificationEmails => null;

        /// <summary>True when -Force may skip the confirmation prompt (the High-impact cmdlets).</summary>
        private protected virtual bool Forced => false;

        /// <summary>The configure job a cancel names (Product Ingestion).</summary>
        private protected virtual string? JobId => null;

        protected override void ProcessRecord()
        {
            var session = RequireSession();
            if (ApiOf(session) == CpApi.ProductIngestion)
            {
                ProductIngestionRecord(session);
                DrainWaits();
                return;
            }

            var publisher = RequirePublisherId(session, PublisherId);
            ForItem(OfferId, () =>
            {
                var offerId = Engine.Security.Ids.OfferId(OfferId);
                var emails = NotificationEmails;
                if (!Confirm(session, publisher, offerId))
                {
                    return;
                }

                Engine.Models.OperationInfo operation;
                try
                {
                    operation = Run((context, cancel) => session.Api.StartOperationAsync(publisher, offerId, Kind, emails, context, cancel));
                }
                catch (PipelineStoppedException)
                {
                    // Ctrl+C while the request may be in flight: the service may have acted on it, so a rerun could
                    // be refused (CpConflict) or start a second operation. Say so, and how to find out.
                    WarnWhileStopping($"Stopped while the {Kind} request for offer '{offerId}' may have been in flight: its outcome is unknown. Check with: Get-CpOperation -OfferId '{offerId}'" + (PublisherId is null ? string.Empty : $" -PublisherId '{publisher}'"));
                    throw;
                }

                Verbose($"{Kind} started: operation {operation.Id}, {operation.Location}.");
                if (Wait)
                {
                    BeginWait(session, operation, canceledIsSuccess: Kind == OperationKind.Cancel);
                }
                else
                {
                    WriteObject(new CpOperation(operation, Redactor));
                }
            });
            DrainWaits();
        }

        /// <summary>What -WhatIf adds to the action's description (nothing by default); read only when -WhatIf is given.</summary>
        /// <summary>
        /// Publish and go-live are submissions posted to configure, refused before any POST when the service would refuse
        /// them; a cancel cancels the configure job it is given (the API cannot list a product's jobs).
        /// </summary>
        private void ProductIngestionRecord(CpSession session)
        {
            IgnorePublisherId();
            if (NotificationEmails != null)
            {
                WriteWarning("-NotificationEmail does not apply to the Product Ingestion API (the seller contact email is notified) and is ignored.");
            }

            ForItem(OfferId, () =>
            {
                var offerId = Engine.Security.Ids.OfferId(OfferId);
                if (Kind == OperationKind.Cancel && string.IsNullOrEmpty(JobId))
                {
                    throw new Engine.Errors.CpException(
                        Engine.Errors.CpErrorKind.InvalidArgument,
                        $"The Product Ingestion API cannot find the jobs of product '{offerId}': name the job to cancel.",
                        "Pipe the operation that Publish-CpOffer or Invoke-CpGoLive returned, or pass -OperationId <jobId>.");
                }

                if (!Confirm($"product '{offerId}'", () => ProductIngestionWhatIfDetail(session, offerId)))
                {
                    return;
                }

                var api = session.ProductIngestion;
                var operation = Run(async (context, cancel) =>
                {
                    if (Kind == OperationKind.Cancel)
                    {
                        var canceled = await api.CancelJobAsync(JobId!, context, cancel).ConfigureAwait(false);
                        return Engine.ProductIngestion.ProductIngestionApi.ToOperation(canceled, null, offerId, null, null);
                    }

                    var product = await api.GetProductAsync(offerId, context, cancel).ConfigureAwait(false);
                    return Kind == OperationKind.Publish
                        ? await api.PublishAsync(product, context, cancel).ConfigureAwait(false)
                        : await api.GoLiveAsync(product, context, cancel).ConfigureAwait(false);
                });
                Verbose($"{Kind} on the Product Ingestion API: job {operation.JobId}, {operation.State}.");
                if (Wait && !operation.IsTerminal && session.ProductIngestion.CanPoll(operation))
                {
                    BeginWait(session, operation, canceledIsSuccess: Kind == OperationKind.Cancel);
                }
                else
                {
                    WriteObject(new CpOperation(operation, Redactor));
                }
            });
        }

        private protected virtual string? WhatIfDetail(CpSession session, string publisherId, string offerId) => null;

        private protected virtual string? ProductIngestionWhatIfDetail(CpSession session, string offerId) => null;

        private bool Confirm(CpSession session, string publisher, string offerId)
        {
            return Confirm($"offer '{offerId}' of publisher '{publisher}'", () => WhatIfDetail(session, publisher, offerId));
        }

        private bool Confirm(string target, System.Func<string?> whatIfDetail)
        {
            var whatIf = MyInvocation.BoundParameters.TryGetValue("WhatIf", out var value) && value is SwitchParameter flag && flag.IsPresent;
            if (Forced && !whatIf && !MyInvocation.BoundParameters.ContainsKey("Confirm"))
            {
                return true;
            }

            var detail = whatIf ? whatIfDetail() : null;
            return ShouldProcess(target, detail is null ? Action : $"{Action}: {detail}");
        }
    }
}
