using System;
using System.Management.Automation;
using CloudPartner.Engine.Operations;

namespace CloudPartner.Infrastructure
{
    /// <summary>Adds waiting for long-running operations: -PollingInterval and -Timeout, and the waits themselves.</summary>
    public abstract class CpWaitingCmdlet : CpApiCmdlet
    {
        private WaitCoordinator? waits;
        private DateTimeOffset? deadline;

        /// <summary>How often to poll while waiting (default 1 minute; a number means seconds). A Retry-After from the service wins.</summary>
        [Parameter]
        [SecondsTransformation]
        public TimeSpan PollingInterval { get; set; } = WaitOptions.DefaultPollingInterval;

        /// <summary>How long to wait before giving up with CpOperationTimeout (default: no limit; a number means seconds). The operation goes on.</summary>
        [Parameter]
        [SecondsTransformation]
        public TimeSpan? Timeout { get; set; }

        /// <summary>
        /// Starts waiting for <paramref name="operation"/>; the final operation is written when it ends. With
        /// <paramref name="canceledIsSuccess"/> (Stop-CpOperation) ending canceled is the goal, not an error;
        /// with <paramref name="refreshFirst"/> the operation is read again at once instead of after an interval.
        /// </summary>
        private protected void BeginWait(CpSession session, Engine.Models.OperationInfo operation, bool canceledIsSuccess = false, bool refreshFirst = false)
        {
            waits ??= new WaitCoordinator(this, new WaitOptions { PollingInterval = PollingInterval, Timeout = Timeout }, StoppingToken, session.Connection.Redactor);
            waits.Add(session, operation, canceledIsSuccess, refreshFirst);
            waits.Drain();
        }

        /// <summary>-Timeout bounds the whole command: the requests that start operations as well as the waits.</summary>
        private protected override DateTimeOffset? Deadline => deadline;

        /// <summary>Checks the wait options before anything is sent, so a bad value never leaves an operation behind.</summary>
        protected override void BeginProcessing()
        {
            var options = new WaitOptions { PollingInterval = PollingInterval, Timeout = Timeout };
            try
            {
                options.Validate();
            }
            catch (Engine.Errors.CpException e)
            {
                Terminate(ErrorRecords.From(e, PollingInterval));
            }

            deadline = options.DeadlineFrom(DateTimeOffset.UtcNow);
            base.BeginProcessing();
        }

        /// <summary>Writes what finished waits have produced so far, without blocking.</summary>
        private protected void DrainWaits() => waits?.Drain();

        protected override void EndProcessing()
        {
            waits?.Finish();
        }

        /// <summary>A terminating error skips EndProcessing: write what finished, and how to resume what did not.</summary>
        private protected override void BeforeTerminating()
        {
            waits?.Abandon();
        }
    }
}
