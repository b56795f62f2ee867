using System.Management.Automation;
using CloudPartner.Infrastructure;

namespace CloudPartner.Commands
{
    /// <summary>Lists the publisher accounts the session can reach.</summary>
    [Cmdlet(VerbsCommon.Get, "CpPublisher")]
    [OutputType(typeof(CpPublisher))]
    public sealed class GetCpPublisherCommand : CpSessionCmdlet
    {
        protected override void EndProcessing()
        {
            var session = RequireSession();
            ForItem(null, () =>
            {
                foreach (var publisher in Run((context, cancel) => session.Api.GetPublishersAsync(context, cancel)))
                {
                    WriteObject(new CpPublisher(publisher));
                }
            });
        }
    }
}
