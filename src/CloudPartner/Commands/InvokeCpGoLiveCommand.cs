using System.Management.Automation;
using CloudPartner.Engine.Api;
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
    }
}
