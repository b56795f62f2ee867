using System.Management.Automation;
using CloudPartner.Engine.Cpp;

namespace CloudPartner.Infrastructure
{
    /// <summary>Adds starting an operation on an offer (Publish-CpOffer, Invoke-CpGoLive, Stop-CpOperation), then waiting for it with -Wait.</summary>
    public abstract class CpStartOperationCmdlet : CpWaitingCmdlet
    {
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
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

        protected override void ProcessRecord()
        {
            var session = RequireSession();
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
        private protected virtual string? WhatIfDetail(CpSession session, string publisherId, string offerId) => null;

        private bool Confirm(CpSession session, string publisher, string offerId)
        {
            var target = $"offer '{offerId}' of publisher '{publisher}'";
            var whatIf = MyInvocation.BoundParameters.TryGetValue("WhatIf", out var value) && value is SwitchParameter flag && flag.IsPresent;
            if (Forced && !whatIf && !MyInvocation.BoundParameters.ContainsKey("Confirm"))
            {
                return true;
            }

            var detail = whatIf ? WhatIfDetail(session, publisher, offerId) : null;
            return ShouldProcess(target, detail is null ? Action : $"{Action}: {detail}");
        }
    }
}
