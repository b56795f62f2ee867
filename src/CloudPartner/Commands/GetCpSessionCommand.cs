using System.Management.Automation;
using CloudPartner.Infrastructure;

namespace CloudPartner.Commands
{
    /// <summary>Returns the default session.</summary>
    [Cmdlet(VerbsCommon.Get, "CpSession")]
    [OutputType(typeof(CpSession))]
    public sealed class GetCpSessionCommand : CpSessionCmdlet
    {
        protected override void EndProcessing() => WriteObject(RequireSession());
    }
}
