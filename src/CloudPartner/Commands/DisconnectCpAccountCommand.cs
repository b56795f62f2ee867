using System.Management.Automation;
using CloudPartner.Infrastructure;

namespace CloudPartner.Commands
{
    /// <summary>Forgets the default session (or the given one) and its in-memory tokens.</summary>
    [Cmdlet(VerbsCommunications.Disconnect, "CpAccount")]
    [OutputType(typeof(void))]
    public sealed class DisconnectCpAccountCommand : CpSessionCmdlet
    {
        protected override void EndProcessing()
        {
            var session = Session ?? SessionRegistry.Default;
            if (session is null)
            {
                Verbose("No session to disconnect.");
                return;
            }

            SessionRegistry.Clear(session);
            session.Disconnect();
            Verbose($"Disconnected from {session.Endpoint}.");
        }
    }
}
