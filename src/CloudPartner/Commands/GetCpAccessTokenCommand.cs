using System.Management.Automation;
using CloudPartner.Infrastructure;

namespace CloudPartner.Commands
{
    /// <summary>Returns the session's current access token, renewed first if it is about to expire.</summary>
    [Cmdlet(VerbsCommon.Get, "CpAccessToken")]
    [OutputType(typeof(CpAccessToken), typeof(string))]
    public sealed class GetCpAccessTokenCommand : CpApiCmdlet
    {
        /// <summary>Returns the token as a plain string instead of a CpAccessToken.</summary>
        [Parameter]
        public SwitchParameter AsPlainText { get; set; }

        protected override void EndProcessing()
        {
            var session = RequireSession();
            ForItem(session, () =>
            {
                var connection = ConnectionOf(session);
                var token = Run((context, cancel) => connection.Tokens.GetAsync(context.Observer, cancel));
                if (AsPlainText)
                {
                    WriteObject(token.Token);
                }
                else
                {
                    WriteObject(new CpAccessToken(Engine.Security.SecureText.ToSecureString(token.Token), token.ExpiresOn, token.TenantId, token.ClientId));
                }
            });
        }
    }
}
