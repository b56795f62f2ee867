using System.Management.Automation;
using CloudPartner.Infrastructure;

namespace CloudPartner.Commands
{
    /// <summary>Lists the publisher accounts the session can reach.</summary>
    [Cmdlet(VerbsCommon.Get, "CpPublisher")]
    [OutputType(typeof(CpPublisher))]
    public sealed class GetCpPublisherCommand : CpApiCmdlet
    {
        protected override void EndProcessing()
        {
            var session = RequireSession();
            ForItem(null, () =>
            {
                if (ApiOf(session) == CpApi.ProductIngestion)
                {
                    throw new Engine.Errors.CpException(Engine.Errors.CpErrorKind.InvalidArgument, "The Product Ingestion API has no publishers: the token's seller account decides which products a session reaches.", "Get-CpOffer -Api ProductIngestion lists them.");
                }

                foreach (var publisher in Run((context, cancel) => session.Api.GetPublishersAsync(context, cancel)))
                {
                    WriteObject(new CpPublisher(publisher));
                }
            });
        }
    }
}
