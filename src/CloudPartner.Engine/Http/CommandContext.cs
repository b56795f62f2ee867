using System;
using System.Threading;

namespace CloudPartner.Engine.Http
{
    /// <summary>
    /// What one command hands the engine with every call: the one channel to its streams, the time it may take in all
    /// (-Timeout: requests in flight, retries and polls alike), and, inside a send-once-or-adopt exchange, the retries
    /// that the request and the look-ups after it share.
    /// </summary>
    internal sealed class CommandContext
    {
        public CommandContext(IRequestObserver? observer = null, DateTimeOffset? deadline = null)
            : this(observer ?? NullRequestObserver.Instance, deadline, null, concurrent: false)
        {
        }

        private CommandContext(IRequestObserver observer, DateTimeOffset? deadline, RetryBudget? sharedRetries, bool concurrent)
        {
            Observer = observer;
            Deadline = deadline;
            SharedRetries = sharedRetries;
            MayBlockCallingThread = observer.CanBlockCallingThread && !concurrent;
        }

        /// <summary>Where the engine's verbose, debug and warning lines go (already redacted when they get there).</summary>
        public IRequestObserver Observer { get; }

        /// <summary>When the command's -Timeout runs out; null without one.</summary>
        public DateTimeOffset? Deadline { get; }

        /// <summary>Retries that every request made with this context draws from; null: each request has its own.</summary>
        public RetryBudget? SharedRetries { get; }

        /// <summary>
        /// Whether a request may be sent and read synchronously on the calling thread: only when that thread would do
        /// nothing but wait for it (see <see cref="IRequestObserver.CanBlockCallingThread"/>), never for work that runs
        /// several requests at once.
        /// </summary>
        public bool MayBlockCallingThread { get; }

        /// <summary>The same command, with <paramref name="retries"/> shared by every request made from here on.</summary>
        public CommandContext WithSharedRetries(int retries) => new CommandContext(Observer, Deadline, new RetryBudget(retries), !MayBlockCallingThread);

        /// <summary>The same command, for work that starts several requests at once: none of them may block the caller.</summary>
        public CommandContext ForConcurrentWork() => new CommandContext(Observer, Deadline, SharedRetries, concurrent: true);

        /// <summary>How long is left before the deadline; null without one, never negative.</summary>
        public TimeSpan? Remaining(DateTimeOffset now)
        {
            if (!Deadline.HasValue)
            {
                return null;
            }

            var left = Deadline.Value - now;
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }
    }

    /// <summary>A number of retries, taken one at a time by whoever needs one, from any thread.</summary>
    internal sealed class RetryBudget
    {
        private int left;

        public RetryBudget(int retries)
        {
            Total = Math.Max(0, retries);
            left = Total;
        }

        public int Total { get; }

        /// <summary>Retries taken so far.</summary>
        public int Used => Total - Math.Max(0, Volatile.Read(ref left));

        public bool TryTake() => Interlocked.Decrement(ref left) >= 0;
    }
}
