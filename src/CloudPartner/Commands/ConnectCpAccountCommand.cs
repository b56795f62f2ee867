using System;
using System.Management.Automation;
using System.Security;
using CloudPartner.Engine.Api;
using CloudPartner.Engine.Auth;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Http;
using CloudPartner.Engine.Security;
using CloudPartner.Infrastructure;

namespace CloudPartner.Commands
{
    /// <summary>Connects to the Cloud Partner Portal API and makes the session the default.</summary>
    [Cmdlet(VerbsCommunications.Connect, "CpAccount", DefaultParameterSetName = AccessTokenSet)]
    [OutputType(typeof(CpSession))]
    public sealed class ConnectCpAccountCommand : PSCmdlet
    {
        private const string AccessTokenSet = "AccessToken";

        [Parameter(Mandatory = true, ParameterSetName = AccessTokenSet)]
        [SecureStringTransformation]
        [ValidateNotNull]
        public SecureString AccessToken { get; set; } = null!;

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? PublisherId { get; set; }

        [Parameter]
        [ValidateNotNull]
        public Uri Endpoint { get; set; } = ConnectionSettings.DefaultEndpoint;

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string ApiVersion { get; set; } = ConnectionSettings.DefaultApiVersion;

        [Parameter]
        [ValidateRange(0, 20)]
        public int MaxRetries { get; set; } = 4;

        [Parameter]
        public Uri? Proxy { get; set; }

        [Parameter]
        [Credential]
        public PSCredential? ProxyCredential { get; set; }

        [Parameter]
        public SwitchParameter ProxyUseDefaultCredentials { get; set; }

        protected override void EndProcessing()
        {
            // Knows the token from the start, so that no error of this command can show it (a session does the same).
            var known = new Redactor();
            try
            {
                var settings = new ConnectionSettings
                {
                    Endpoint = Endpoint,
                    ApiVersion = ApiVersion,
                    PublisherId = PublisherId,
                    MaxRetries = MaxRetries,
                    Proxy = Proxy,
                    ProxyCredential = ProxyCredential?.GetNetworkCredential(),
                    ProxyUseDefaultCredentials = ProxyUseDefaultCredentials,
                };

                var token = Secrets.ToPlainText(AccessToken);
                known.AddSecret(token);
                if (string.IsNullOrWhiteSpace(token))
                {
                    throw new CpException(CpErrorKind.InvalidArgument, "-AccessToken is empty.");
                }

                var connection = new ApiConnection(settings, new StaticTokenProvider(token));
                var session = new CpSession(new PartnerApi(connection), CpAuthFlow.AccessToken);
                SessionRegistry.Replace(session);
                WriteVerbose($"Connected to {session.Endpoint} as publisher '{session.PublisherId ?? "(none)"}' with an access token" +
                    (session.TokenExpiresOn.HasValue ? $" that expires at {session.TokenExpiresOn:u}." : "."));
                WriteObject(session);
            }
            catch (CpException e)
            {
                ThrowTerminatingError(ErrorRecords.From(e, Endpoint, known));
            }
        }
    }
}
