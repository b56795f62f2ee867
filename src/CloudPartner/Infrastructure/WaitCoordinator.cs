using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using CloudPartner.Engine.Http;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Models;
using CloudPartner.Engine.Operations;
using CloudPartner.Engine.Security;

namespace CloudPartner.Infrastructure
{
    /// <summary>
    /// Waits for many operations at once on worker threads, while the pipeline thread writes their progress bars,
    /// verbose lines, final objects and errors as each one ends.
    /// </summary>
    internal sealed class WaitCoordinator
    {
        private readonly CpWaitingCmdlet cmdlet;
        private readonly WaitOptions options;
        private readonly CancellationTokenSource stopping;
        private readonly PipelineQueue queue;
        private readonly List<OperationInfo> unfinished = new List<OperationInfo>();
        private readonly object gate = new object();
        private int pending;
        private bool finishing;
        private int nextActivityId;

        public WaitCoordinator(CpWaitingCmdlet cmdlet, WaitOptions options, CancellationToken stopping, Redactor redactor)
        {
            this.cmdlet = cmdlet;
            this.options = options;

            // Ends on Ctrl+C (the cmdlet's token) or when the command abandons its waits.
            this.stopping = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            queue = cmdlet.CreateQueue(redactor);
        }

        public void Add(CpSession session, OperationInfo operation, bool canceledIsSuccess, bool refreshFirst)
        {
            var waitOptions = new WaitOptions { PollingInterval = options.PollingInterval, Timeout = options.Timeout, RefreshFirst = refreshFirst };
            var activityId = Interlocked.Increment(ref nextActivityId);
            lock (gate)
            {
                pending++;
                unfinished.Add(operation);
            }

            var waiter = new OperationWaiter(session.SourceOf(operation));
            Task.Run(async () =>
            {
                try
                {
                    var result = await waiter.WaitAsync(operation, waitOptions, current => queue.Post(() => WriteProgress(activityId, current, completed: false)), new CommandContext(queue), stopping.Token).ConfigureAwait(false);
                    queue.Post(() => Report(activityId, operation, result, canceledIsSuccess));
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    // Reported together in Finish: the pipeline is stopping.
                }
                catch (CpException e)
                {
                    queue.Post(() =>
                    {
                        Forget(operation);
                        WriteProgress(activityId, operation, completed: true);
                        cmdlet.WriteError(ErrorRecords.From(e, e.Target ?? new CpOperation(operation, queue.Redactor), queue.Redactor));
                    });
                }
                catch (Exception e) when (!(e is OperationCanceledException && stopping.IsCancellationRequested))
                {
                    // Whatever went wrong, the wait ends with an error for this operation, never in silence: a failure
                    // that no one reports is an operation lost to the user.
                    queue.Post(() =>
                    {
                        Forget(operation);
                        WriteProgress(activityId, operation, completed: true);
                        cmdlet.WriteError(ErrorRecords.Unexpected(e, new CpOperation(operation, queue.Redactor), session.SourceOf(operation).ResumeCommand(operation), queue.Redactor));
                    });
                }
                finally
                {
                    bool complete;
                    lock (gate)
                    {
                        pending--;
                        complete = finishing && pending == 0;
                    }

                    if (complete)
                    {
                        queue.Complete();
                    }
                }
            });
        }

        public void Drain() => queue.Drain();

        /// <summary>
        /// The command ends with a terminating error before its waits ended: writes what has finished, then, for each
        /// operation still running, a warning with the command that resumes waiting; the waits are stopped.
        /// </summary>
        public void Abandon()
        {
            queue.Drain();
            stopping.Cancel();
            List<OperationInfo> left;
            lock (gate)
            {
                left = new List<OperationInfo>(unfinished);
                unfinished.Clear();
            }

            foreach (var operation in left)
            {
                cmdlet.WriteWarning(queue.Redactor.Redact(ResumeMessage(operation)));
            }
        }

        /// <summary>Blocks until every wait has ended, writing as they do. On Ctrl+C, says how to resume.</summary>
        public void Finish()
        {
            bool complete;
            lock (gate)
            {
                finishing = true;
                complete = pending == 0;
            }

            if (complete)
            {
                queue.Complete();
            }

            try
            {
                queue.Pump();
            }
            finally
            {
                if (stopping.IsCancellationRequested)
                {
                    TellHowToResume();
                }

                queue.Dispose();
            }

            if (stopping.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
        }

        private void Report(int activityId, OperationInfo started, WaitResult result, bool canceledIsSuccess)
        {
            Forget(started);
            WriteProgress(activityId, result.Operation, completed: true);
            var operation = new CpOperation(result.Operation, queue.Redactor);
            cmdlet.WriteObject(operation);
            if (result.Outcome != WaitOutcome.Completed && !(canceledIsSuccess && result.Outcome == WaitOutcome.Canceled))
            {
                cmdlet.WriteError(ErrorRecords.From(OperationWaiter.ErrorFor(result, options.Timeout), operation, queue.Redactor));
            }
        }

        private void Forget(OperationInfo operation)
        {
            lock (gate)
            {
                unfinished.Remove(operation);
            }
        }

        private void WriteProgress(int activityId, OperationInfo operation, bool completed)
        {
            var step = operation.CurrentStep;
            var activity = $"{Capitalize(operation.SubmissionType ?? "Operation")} {operation.OfferId}";
            var status = step is null
                ? operation.State.ToString()
                : $"{operation.State}: {step.DisplayName} ({step.EstimatedTimeFrame ?? "no estimate"})";
            var record = new ProgressRecord(activityId, queue.Redactor.Redact(activity), queue.Redactor.Redact(status))
            {
                PercentComplete = Math.Max(0, Math.Min(100, operation.PercentComplete)),
                CurrentOperation = operation.Location is null ? null : queue.Redactor.Redact(operation.Location.ToString()),
                RecordType = completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
            };
            cmdlet.WriteProgress(record);
        }

        private void TellHowToResume()
        {
            List<OperationInfo> left;
            lock (gate)
            {
                left = new List<OperationInfo>(unfinished);
            }

            foreach (var operation in left)
            {
                cmdlet.WarnWhileStopping(queue.Redactor.Redact(ResumeMessage(operation)));
            }
        }

        private static string ResumeMessage(OperationInfo operation)
        {
            var resume = operation.Api == ApiKind.ProductIngestion
                ? $"Get-CpOperation -OperationId '{operation.JobId}' -Api ProductIngestion | Wait-CpOperation"
                : $"Get-CpOperation -Location '{operation.Location}' | Wait-CpOperation";
            return $"Stopped waiting; operation {operation.Id} on offer '{operation.OfferId}' goes on. Resume with: {resume}";
        }

        private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text.Substring(1);
    }
}
