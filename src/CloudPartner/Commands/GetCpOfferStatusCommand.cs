using System.Management.Automation;
using CloudPartner.Infrastructure;

namespace CloudPartner.Commands
{
    /// <summary>Reads an offer's publishing status: the steps of its latest submission.</summary>
    [Cmdlet(VerbsCommon.Get, "CpOfferStatus")]
    [OutputType(typeof(CpOfferStatus))]
    public sealed class GetCpOfferStatusCommand : CpApiCmdlet
    {
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? PublisherId { get; set; }

        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("Id")]
        [ArgumentCompleter(typeof(OfferIdCompleter))]
        public string OfferId { get; set; } = string.Empty;

        protected override void ProcessRecord()
        {
            var session = RequireSession();
            if (ApiOf(session) == CpApi.ProductIngestion)
            {
                IgnorePublisherId();
                ForItem(OfferId, () => WriteObject(new CpOfferStatus(Run((context, cancel) => session.ProductIngestion.GetStatusAsync(OfferId, context, cancel)))));
                return;
            }

            var publisher = RequirePublisherId(session, PublisherId);
            ForItem(OfferId, () => WriteObject(new CpOfferStatus(Run((context, cancel) => session.Api.GetOfferStatusAsync(publisher, OfferId, context, cancel)))));
        }
    }
}
