using System.Management.Automation;
using CloudPartner.Engine.Cpp;
using CloudPartner.Infrastructure;

namespace CloudPartner.Commands
{
    /// <summary>Starts publishing an offer to preview. With -Wait, waits until it stops at publisher sign-off.</summary>
    [Cmdlet(VerbsData.Publish, "CpOffer", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(CpOperation))]
    public sealed class PublishCpOfferCommand : CpStartOperationCmdlet
    {
        /// <summary>Addresses to notify (non-migrated offers only; migrated offers notify the seller contact).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? NotificationEmail { get; set; }

        private protected override OperationKind Kind => OperationKind.Publish;

        private protected override string Action => "Publish offer";

        private protected override string? NotificationEmails => PartnerApi.JoinNotificationEmails(NotificationEmail);
    }
}
