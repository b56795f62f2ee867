using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Http;
using CloudPartner.Engine.Security;

namespace CloudPartner.Infrastructure
{
    /// <summary>
    /// Runs engine work off the pipeline thread while writing its messages on it, and stops it on Ctrl+C.
    /// Base of every cmdlet (Connect-CpAccount directly, the others through <see cref="CpCmdlet"/>).
    /// </summary>
    public abstract class CpAsyncCmdlet : PSCmdlet, IDisposable
    {
        private readonly CancellationTokenSource stopping = new CancellationTokenSource();
        private PipelineQueue? activeQueue;

        protected CancellationToken StoppingToken => stopping.Token;

        /// <summary>What this command's messages go through before they are written (known secrets and secret shapes).</summary>
        private protected virtual Redactor Redactor => ErrorRecords.ShapesOnly;

        /// <summary>The queue of the work running now (null between runs): callbacks on other threads post to it.</summary>
        private protected PipelineQueue? ActiveQueue => Volatile.Read(ref activeQueue);

        /// <summary>
        /// Runs engine work on a worker thread and pumps its messages onto this (pipeline) thread until it ends.
        /// Engine failures surface as <see cref="CpException"/>; Ctrl+C as <see cref="PipelineStoppedException"/>.
        /// </summary>
        private protected T Run<T>(Func<PipelineQueue, CancellationToken, Task<T>> work)
        {
            using var queue = new PipelineQueue(WriteVerbose, WriteDebug, WriteWarning, Redactor);
            Volatile.Write(ref activeQueue, queue);
            try
            {
                var task = Task.Run(() =>
                {
                    // Work that has no observer parameter (token renewals, the identity provider's log) reports here too.
                    ObserverContext.Set(queue);
                    return work(queue, stopping.Token);
                });
                task.ContinueWith(_ => queue.Complete(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                queue.Pump();
                try
                {
                    return task.GetAwaiter().GetResult();
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    throw new PipelineStoppedException();
                }
            }
            finally
            {
                Volatile.Write(ref activeQueue, null);
            }
        }

        private protected void Run(Func<PipelineQueue, CancellationToken, Task> work)
        {
            Run<bool>(async (queue, token) =>
            {
                await work(queue, token).ConfigureAwait(false);
                return true;
            });
        }

        protected override void StopProcessing()
        {
            stopping.Cancel();
            base.StopProcessing();
        }

        public void Dispose()
        {
            stopping.Dispose();
            GC.SuppressFinalize(this);
        }
    }
}
