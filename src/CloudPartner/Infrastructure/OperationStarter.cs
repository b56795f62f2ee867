using System.Management.Automation;
using CloudPartner.Engine.Api;

namespace CloudPartner.Infrastructure
{
    /// <summary>Base of Publish-CpOffer, Invoke-CpGoLive and Stop-CpOperation: start an operation, optionally wait for it.</summary>
    public abstract class OperationStarter : CpOperationCmdlet
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
                if (!Confirm($"offer '{offerId}' of publisher '{publisher}'"))
                {
                    return;
                }

                var operation = Run((queue, cancel) => session.Api.StartOperationAsync(publisher, offerId, Kind, emails, queue, cancel));
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

        private bool Confirm(string target)
        {
            if (Forced && !MyInvocation.BoundParameters.ContainsKey("WhatIf") && !MyInvocation.BoundParameters.ContainsKey("Confirm"))
            {
                return true;
            }

            return ShouldProcess(target, Action);
        }
    }
}
