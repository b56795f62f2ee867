using System;
using System.Management.Automation;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Security;

namespace CloudPartner.Infrastructure
{
    /// <summary>
    /// Adds what every cmdlet that uses a session needs: -Session (else the default session), the publisher id, and
    /// turning engine failures into error records, one pipeline item at a time. Running engine work and Ctrl+C come
    /// from <see cref="CpEngineCmdlet"/>.
    /// </summary>
    public abstract class CpSessionCmdlet : CpEngineCmdlet
    {
        private CpSession? resolved;

        /// <summary>The session to use instead of the default one.</summary>
        [Parameter]
        public CpSession? Session { get; set; }


        /// <summary>The redactor of the session this command works with (known secrets and secret shapes).</summary>
        private protected override Redactor Redactor => (resolved ?? Session ?? SessionRegistry.Default)?.Connection.Redactor ?? ErrorRecords.ShapesOnly;

        /// <summary>Writes a verbose line of the command's own, through the session's redactor like every engine message.</summary>
        private protected void Verbose(string message) => WriteVerbose(Redactor.Redact(message));

        /// <summary>The explicit -Session, else the default session, else a terminating CpNotConnected error.</summary>
        protected CpSession RequireSession()
        {
            var session = Session ?? SessionRegistry.Default;
            if (session is null)
            {
                Terminate(ErrorRecords.Create(
                    CpErrorKind.NotConnected,
                    "Not connected to the Cloud Partner Portal API.",
                    null,
                    "Run Connect-CpAccount first (for example Connect-CpAccount -AccessToken $token -PublisherId contoso), or pass -Session."));
            }

            if (session!.IsDisconnected)
            {
                Terminate(ErrorRecords.Create(
                    CpErrorKind.NotConnected,
                    "This session was disconnected with Disconnect-CpAccount.",
                    session,
                    "Run Connect-CpAccount again and use the session it returns."));
            }

            resolved = session;
            return session;
        }

        /// <summary>The publisher to act on: the parameter if given, else the session's.</summary>
        protected string RequirePublisherId(CpSession session, string? publisherId)
        {
            var id = string.IsNullOrEmpty(publisherId) ? session.PublisherId : publisherId;
            if (string.IsNullOrEmpty(id))
            {
                Terminate(ErrorRecords.Create(
                    CpErrorKind.InvalidArgument,
                    "No publisher id: the session has none and -PublisherId was not given.",
                    null,
                    "Pass -PublisherId, or connect with Connect-CpAccount -PublisherId <id>. Get-CpPublisher lists the publishers you can reach."));
            }

            return id!;
        }

        /// <summary>
        /// Runs one pipeline item's work, reporting a failure as an error record: terminating for usage errors,
        /// non-terminating otherwise so the next item still runs.
        /// </summary>
        protected void ForItem(object? target, Action action)
        {
            try
            {
                action();
            }
            catch (CpException e)
            {
                var record = ErrorRecords.From(e, target, Redactor);
                if (ErrorRecords.IsTerminating(e.Kind))
                {
                    Terminate(record);
                }

                WriteError(record);
            }
        }

        /// <summary>
        /// Ends the command with <paramref name="record"/>. Every terminating error goes through here, so that work the
        /// command still follows (operations it waits for) is accounted for before the pipeline stops.
        /// </summary>
        private protected void Terminate(ErrorRecord record)
        {
            BeforeTerminating();
            ThrowTerminatingError(record);
        }

        /// <summary>Called on the pipeline thread just before a terminating error.</summary>
        private protected virtual void BeforeTerminating()
        {
        }
    }
}
