using System.Management.Automation;
using CloudPartner.Engine.Cpp;
using CloudPartner.Infrastructure;

namespace CloudPartner.Commands
{
    /// <summary>Cancels the operation running on an offer.</summary>
    [Cmdlet(VerbsLifecycle.Stop, "CpOperation", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(CpOperation))]
    public sealed class StopCpOperationCommand : CpStartOperationCmdlet
    {
        /// <summary>Cancels without asking for confirmation.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>On the Product Ingestion API: the configure job to cancel (an operation piped in brings its own).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("JobId")]
        public string? OperationId { get; set; }

        private protected override OperationKind Kind => OperationKind.Cancel;

        private protected override string? JobId => OperationId;

        private protected override string Action => "Cancel the running operation";

        private protected override bool Forced => Force;
    }
}
