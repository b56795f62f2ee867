using System;
using System.Management.Automation;
using CloudPartner.Engine.Operations;

namespace CloudPartner.Infrastructure
{
    /// <summary>Base of the cmdlets that can wait for long-running operations: -PollingInterval and -Timeout.</summary>
    public abstract class CpOperationCmdlet : CpCmdlet
    {
        private WaitCoordinator? waits;

        /// <summary>How often to poll while waiting (default 1 minute). A Retry-After from the service wins.</summary>
        [Parameter]
        public TimeSpan PollingInterval { get; set; } = WaitOptions.DefaultPollingInterval;

        /// <summary>How long to wait before giving up with CpOperationTimeout (default: no limit). The operation goes on.</summary>
        [Parameter]
        public TimeSpan? Timeout { get; set; }

        /// <summary>Starts waiting for <paramref name="operation"/>; the final operation is written when it ends.</summary>
        private protected void BeginWait(CpSession session, Engine.Models.OperationInfo operation)
        {
            if (PollingInterval <= TimeSpan.Zero)
            {
                Terminate(ErrorRecords.Create(Engine.Errors.CpErrorKind.InvalidArgument, "-PollingInterval must be positive.", PollingInterval));
            }

            if (Timeout.HasValue && Timeout.Value < TimeSpan.Zero)
            {
                Terminate(ErrorRecords.Create(Engine.Errors.CpErrorKind.InvalidArgument, "-Timeout must not be negative.", Timeout));
            }

            waits ??= new WaitCoordinator(this, new WaitOptions { PollingInterval = PollingInterval, Timeout = Timeout }, StoppingToken, session.Connection.Redactor);
            waits.Add(session, operation);
            waits.Drain();
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

        protected override void StopProcessing()
        {
            base.StopProcessing();
        }
    }
}
