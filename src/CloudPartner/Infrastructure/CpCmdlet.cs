using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Http;

namespace CloudPartner.Infrastructure
{
    /// <summary>
    /// Base of every cmdlet: the -Session parameter, running engine work off the pipeline thread while writing its
    /// messages on it, Ctrl+C, and turning engine failures into error records.
    /// </summary>
    public abstract class CpCmdlet : PSCmdlet, IDisposable
    {
        private readonly CancellationTokenSource stopping = new CancellationTokenSource();
        private bool? verboseEnabled;
        private bool? debugEnabled;

        /// <summary>The session to use instead of the default one.</summary>
        [Parameter]
        public CpSession? Session { get; set; }

        protected CancellationToken StoppingToken => stopping.Token;

        /// <summary>The explicit -Session, else the default session, else a terminating CpNotConnected error.</summary>
        protected CpSession RequireSession()
        {
            var session = Session ?? SessionRegistry.Default;
            if (session is null)
            {
                ThrowTerminatingError(ErrorRecords.Create(
                    CpErrorKind.NotConnected,
                    "Not connected to the Cloud Partner Portal API.",
                    null,
                    "Run Connect-CpAccount first (for example Connect-CpAccount -AccessToken $token -PublisherId contoso), or pass -Session."));
            }

            if (session!.IsDisconnected)
            {
                ThrowTerminatingError(ErrorRecords.Create(
                    CpErrorKind.NotConnected,
                    "This session was disconnected with Disconnect-CpAccount.",
                    session,
                    "Run Connect-CpAccount again and use the session it returns."));
            }

            return session;
        }

        /// <summary>The publisher to act on: the parameter if given, else the session's.</summary>
        protected string RequirePublisherId(CpSession session, string? publisherId)
        {
            var id = string.IsNullOrEmpty(publisherId) ? session.PublisherId : publisherId;
            if (string.IsNullOrEmpty(id))
            {
                ThrowTerminatingError(ErrorRecords.Create(
                    CpErrorKind.InvalidArgument,
                    "No publisher id: the session has none and -PublisherId was not given.",
                    null,
                    "Pass -PublisherId, or connect with Connect-CpAccount -PublisherId <id>. Get-CpPublisher lists the publishers you can reach."));
            }

            return id!;
        }

        /// <summary>
        /// Runs engine work and pumps its messages onto this (pipeline) thread until it ends. The work starts on this
        /// thread, where the engine may do its network I/O synchronously (this thread would only wait for it), and goes
        /// on wherever an await that does yield resumes (never on the caller's context), so a plain request costs no
        /// thread hop at all. Engine failures surface as <see cref="CpException"/>; Ctrl+C as
        /// <see cref="PipelineStoppedException"/>.
        /// </summary>
        private protected T Run<T>(Func<PipelineQueue, CancellationToken, Task<T>> work)
        {
            using var queue = CreateQueue(blocking: true);
            Task<T> task;

            // Started with no synchronization context, as on the thread pool: a host that runs pipelines on a UI
            // thread must not have an await resume on the thread that is about to block in Pump.
            var context = SynchronizationContext.Current;
            SynchronizationContext.SetSynchronizationContext(null);
            try
            {
                task = work(queue, stopping.Token);
            }
            catch (Exception e)
            {
                task = Task.FromException<T>(e);
            }
            finally
            {
                SynchronizationContext.SetSynchronizationContext(context);
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

        private protected void Run(Func<PipelineQueue, CancellationToken, Task> work)
        {
            Run<bool>(async (queue, token) =>
            {
                await work(queue, token).ConfigureAwait(false);
                return true;
            });
        }

        /// <summary>
        /// A queue that writes to this cmdlet's streams, telling the engine which of them anyone will see, and, with
        /// <paramref name="blocking"/>, that work running on this (pipeline) thread may block it.
        /// </summary>
        internal PipelineQueue CreateQueue(bool blocking = false)
        {
            verboseEnabled ??= IsVerboseEnabled();
            debugEnabled ??= IsDebugEnabled();
            return new PipelineQueue(WriteVerbose, WriteDebug, WriteWarning, verboseEnabled.Value, debugEnabled.Value, blocking);
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
                var record = ErrorRecords.From(e, target);
                if (ErrorRecords.IsTerminating(e.Kind))
                {
                    ThrowTerminatingError(record);
                }

                WriteError(record);
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
    }
}
