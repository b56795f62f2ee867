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
    /// The root of every cmdlet (Connect-CpAccount directly, the others through <see cref="CpSessionCmdlet"/>): it
    /// runs engine work, writes what the engine reports on the pipeline thread through one channel (a
    /// <see cref="PipelineQueue"/> inside the <see cref="CommandContext"/> every engine call gets), and stops it on Ctrl+C.
    /// </summary>
    public abstract class CpEngineCmdlet : PSCmdlet, IDisposable
    {
        private readonly CancellationTokenSource stopping = new CancellationTokenSource();
        private PipelineQueue? activeQueue;
        private bool? verboseEnabled;
        private bool? debugEnabled;

        protected CancellationToken StoppingToken => stopping.Token;

        /// <summary>What this command's messages go through before they are written (known secrets and secret shapes).</summary>
        private protected virtual Redactor Redactor => ErrorRecords.ShapesOnly;

        /// <summary>The queue of the work running now (null between runs): callbacks on other threads post to it.</summary>
        private protected PipelineQueue? ActiveQueue => Volatile.Read(ref activeQueue);

        /// <summary>When this command's -Timeout runs out (null: no limit); requests in flight end then too.</summary>
        private protected virtual DateTimeOffset? Deadline => null;

        /// <summary>
        /// Runs engine work and pumps its messages onto this (pipeline) thread until it ends. The work starts on this
        /// thread, where the engine may do its network I/O synchronously (this thread would only wait for it), and goes
        /// on wherever an await that does yield resumes (never on the caller's context), so a plain request costs no
        /// thread hop at all. Engine failures surface as <see cref="CpException"/>; Ctrl+C as
        /// <see cref="PipelineStoppedException"/>.
        /// </summary>
        private protected T Run<T>(Func<CommandContext, CancellationToken, Task<T>> work)
        {
            using var queue = CreateQueue(blocking: true);
            Volatile.Write(ref activeQueue, queue);
            try
            {
                Task<T> task;

                // Started with no synchronization context, as on the thread pool: a host that runs pipelines on a UI
                // thread must not have an await resume on the thread that is about to block in Pump.
                var synchronizationContext = SynchronizationContext.Current;
                SynchronizationContext.SetSynchronizationContext(null);
                try
                {
                    task = work(new CommandContext(queue, Deadline), stopping.Token);
                }
                catch (Exception e)
                {
                    task = Task.FromException<T>(e);
                }
                finally
                {
                    SynchronizationContext.SetSynchronizationContext(synchronizationContext);
                }

                if (task.IsCompleted)
                {
                    queue.Drain();
                }
                else
                {
                    task.ContinueWith(_ => queue.Complete(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                    queue.Pump();
                }

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

        private protected void Run(Func<CommandContext, CancellationToken, Task> work)
        {
            Run<bool>(async (context, token) =>
            {
                await work(context, token).ConfigureAwait(false);
                return true;
            });
        }

        /// <summary>
        /// A queue that writes to this cmdlet's streams through <paramref name="redactor"/> (this command's when null),
        /// telling the engine which streams anyone will see, and, with <paramref name="blocking"/>, that work running
        /// on this (pipeline) thread may block it.
        /// </summary>
        internal PipelineQueue CreateQueue(Redactor? redactor = null, bool blocking = false)
        {
            verboseEnabled ??= IsVerboseEnabled();
            debugEnabled ??= IsDebugEnabled();
            return new PipelineQueue(WriteVerbose, WriteDebug, WriteWarning, redactor ?? Redactor, verboseEnabled.Value, debugEnabled.Value, blocking);
        }

        /// <summary>
        /// Shows a warning after Ctrl+C, when WriteWarning would throw because the pipeline is stopping: the host can
        /// still show the line. A host without a UI (a runspace hosted by a program) has nowhere to show it.
        /// </summary>
        internal void WarnWhileStopping(string message)
        {
            try
            {
                Host?.UI?.WriteWarningLine(Redactor.Redact(message));
            }
            catch (Exception e) when (e is PipelineStoppedException || e is InvalidOperationException || e is NotImplementedException || e is System.Management.Automation.Host.HostException)
            {
            }
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

        /// <summary>
        /// Whether WriteVerbose would show anything, decided as PowerShell decides it: -Verbose (or -Verbose:$false)
        /// wins, then -Debug, then $VerbosePreference. When false, the engine skips building verbose lines.
        /// </summary>
        private bool IsVerboseEnabled()
        {
            if (TryGetSwitch("Verbose", out var verbose))
            {
                return verbose;
            }

            if (TryGetSwitch("Debug", out var debug) && debug)
            {
                return true;
            }

            return IsShown(GetVariableValue("VerbosePreference"));
        }

        /// <summary>As <see cref="IsVerboseEnabled"/>, for WriteDebug: -Debug, then $DebugPreference.</summary>
        private bool IsDebugEnabled()
        {
            if (TryGetSwitch("Debug", out var debug))
            {
                return debug;
            }

            return IsShown(GetVariableValue("DebugPreference"));
        }

        private bool TryGetSwitch(string name, out bool value)
        {
            if (MyInvocation.BoundParameters.TryGetValue(name, out var bound))
            {
                value = bound is SwitchParameter flag ? flag.IsPresent : LanguagePrimitives.IsTrue(bound);
                return true;
            }

            value = false;
            return false;
        }

        private static bool IsShown(object? preference)
        {
            if (preference is PSObject wrapped)
            {
                preference = wrapped.BaseObject;
            }

            if (preference is null)
            {
                return false;
            }

            // An unreadable preference is treated as shown: building a message nobody reads is only slower.
            if (!LanguagePrimitives.TryConvertTo(preference, out ActionPreference value))
            {
                return true;
            }

            return value != ActionPreference.SilentlyContinue && value != ActionPreference.Ignore;
        }
    }
}
