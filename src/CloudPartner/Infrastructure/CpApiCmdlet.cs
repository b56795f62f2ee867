using System.Management.Automation;

namespace CloudPartner.Infrastructure
{
    /// <summary>A command that works on either API: <c>-Api</c>, defaulting to the session's.</summary>
    public abstract class CpApiCmdlet : CpSessionCmdlet
    {
        /// <summary>The API to work on; by default the session's (Connect-CpAccount -Api). An offer or operation from the
        /// pipeline keeps the API it came from.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public CpApi? Api { get; set; }

        // Whether -PublisherId was given on the command line, not bound from an object in the pipeline.
        private bool publisherIdGiven;

        private protected CpApi ApiOf(CpSession session) => Api ?? session.DefaultApi;

        protected override void BeginProcessing()
        {
            publisherIdGiven = MyInvocation.BoundParameters.TryGetValue("PublisherId", out var given) && !string.IsNullOrEmpty(given as string);
            base.BeginProcessing();
        }

        /// <summary>The connection (endpoint, token, version parameter) of the API this command works on.</summary>
        private protected Engine.Http.ApiConnection ConnectionOf(CpSession session)
        {
            return ApiOf(session) == CpApi.ProductIngestion ? session.ProductIngestion.Connection : session.Connection;
        }

        /// <summary>On the Product Ingestion API the token's seller account decides: a -PublisherId given is ignored, with a warning.</summary>
        private protected void IgnorePublisherId()
        {
            // Once per command, and only when given on the command line: an offer piped in brings the publisher it had on CPP.
            if (publisherIdGiven)
            {
                publisherIdGiven = false;
                WriteWarning("-PublisherId does not apply to the Product Ingestion API (the token's seller account decides) and is ignored.");
            }
        }
    }
}
