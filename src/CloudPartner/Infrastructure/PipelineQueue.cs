using System;
using System.Collections.Generic;
using System.Threading;
using CloudPartner.Engine.Http;
using CloudPartner.Engine.Security;

namespace CloudPartner.Infrastructure
{
    /// <summary>
    /// Carries what background engine work wants written (verbose, debug, warnings, progress, objects) to the
    /// pipeline thread, which alone may write to PowerShell streams. Every message passes the session's redactor on
    /// its way, whoever wrote it.
    /// </summary>
    /// <remarks>
    /// A plain monitor queue: the pipeline thread sleeps in <see cref="Pump"/> without spinning, so that while it
    /// waits for the network the cores go to the threads doing the work (and, on loopback, to the server). Verbose
    /// and debug messages nobody will see are dropped here, and the engine asks <see cref="IsVerboseEnabled"/> and
    /// <see cref="IsDebugEnabled"/> so as not to build them at all; whatever is written is redacted.
    /// </remarks>
    internal sealed class PipelineQueue : IRequestObserver, IDisposable
    {
        private readonly object gate = new object();
        private readonly Queue<Action> actions = new Queue<Action>();
        private readonly Action<string> verbose;
        private readonly Action<string> debug;
        private readonly Action<string> warning;
        private readonly int blockingThreadId;
        private bool completed;

        /// <param name="blocking">
        /// True when the creating thread will only wait for the work (Run): work on that thread may then block it.
        /// </param>
        public PipelineQueue(Action<string> verbose, Action<string> debug, Action<string> warning, Redactor redactor, bool verboseEnabled = true, bool debugEnabled = true, bool blocking = false)
        {
            this.verbose = verbose;
            this.debug = debug;
            this.warning = warning;
            Redactor = redactor ?? throw new ArgumentNullException(nameof(redactor));
            IsVerboseEnabled = verboseEnabled;
            IsDebugEnabled = debugEnabled;
            blockingThreadId = blocking ? Environment.CurrentManagedThreadId : -1;
        }

        public Redactor Redactor { get; }

        public bool IsVerboseEnabled { get; }

        public bool IsDebugEnabled { get; }

        public bool CanBlockCallingThread => Environment.CurrentManagedThreadId == blockingThreadId;

        /// <summary>Queues an action for the pipeline thread; ignored once the work has ended.</summary>
        public void Post(Action action)
        {
            lock (gate)
            {
                if (completed)
                {
                    // The command is finishing or stopping, so late messages are dropped.
                    return;
                }

                actions.Enqueue(action);
                Monitor.Pulse(gate);
            }
        }

        public void Verbose(string message)
        {
            if (IsVerboseEnabled)
            {
                Post(() => verbose(Redactor.Redact(message)));
            }
        }

        public void Debug(string message)
        {
            if (IsDebugEnabled)
            {
                Post(() => debug(Redactor.Redact(message)));
            }
        }

        public void Warning(string message) => Post(() => warning(Redactor.Redact(message)));

        /// <summary>Ends the queue: <see cref="Pump"/> returns once what is queued has run; later posts are dropped.</summary>
        public void Complete()
        {
            lock (gate)
            {
                completed = true;
                Monitor.PulseAll(gate);
            }
        }

        /// <summary>Runs queued actions on the calling (pipeline) thread until <see cref="Complete"/>.</summary>
        public void Pump()
        {
            while (true)
            {
                Action action;
                lock (gate)
                {
                    while (actions.Count == 0)
                    {
                        if (completed)
                        {
                            return;
                        }

                        Monitor.Wait(gate);
                    }

                    action = actions.Dequeue();
                }

                action();
            }
        }

        /// <summary>Runs whatever is queued now, without waiting for more.</summary>
        public void Drain()
        {
            while (TryTake(out var action))
            {
                action();
            }
        }

        public void Dispose() => Complete();

        private bool TryTake(out Action action)
        {
            lock (gate)
            {
                if (actions.Count > 0)
                {
                    action = actions.Dequeue();
                    return true;
                }
            }

            action = null!;
            return false;
        }
    }
}
