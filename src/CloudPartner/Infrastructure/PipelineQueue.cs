using System;
using System.Collections.Concurrent;
using CloudPartner.Engine.Http;
using CloudPartner.Engine.Security;

namespace CloudPartner.Infrastructure
{
    /// <summary>
    /// Carries what background engine work wants written (verbose, debug, warnings, progress, objects) to the
    /// pipeline thread, which alone may write to PowerShell streams. Every message passes the session's redactor on
    /// its way, whoever wrote it.
    /// </summary>
    internal sealed class PipelineQueue : IRequestObserver, IDisposable
    {
        private readonly BlockingCollection<Action> actions = new BlockingCollection<Action>();
        private readonly Action<string> verbose;
        private readonly Action<string> debug;
        private readonly Action<string> warning;

        public PipelineQueue(Action<string> verbose, Action<string> debug, Action<string> warning, Redactor redactor)
        {
            this.verbose = verbose;
            this.debug = debug;
            this.warning = warning;
            Redactor = redactor;
        }

        public Redactor Redactor { get; }

        /// <summary>Queues an action for the pipeline thread; ignored once the work has ended.</summary>
        public void Post(Action action)
        {
            try
            {
                actions.Add(action);
            }
            catch (InvalidOperationException)
            {
                // Completed: the command is finishing or stopping, so late messages are dropped.
            }
        }

        public void Verbose(string message) => Post(() => verbose(Redactor.Redact(message)));

        public void Debug(string message) => Post(() => debug(Redactor.Redact(message)));

        public void Warning(string message) => Post(() => warning(Redactor.Redact(message)));

        public void Complete() => actions.CompleteAdding();

        /// <summary>Runs queued actions on the calling (pipeline) thread until <see cref="Complete"/>.</summary>
        public void Pump()
        {
            foreach (var action in actions.GetConsumingEnumerable())
            {
                action();
            }
        }

        /// <summary>Runs whatever is queued now, without waiting for more.</summary>
        public void Drain()
        {
            while (actions.TryTake(out var action))
            {
                action();
            }
        }

        public void Dispose() => actions.Dispose();
    }
}
