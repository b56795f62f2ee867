namespace CloudPartner.Engine.Http
{
    /// <summary>
    /// Receives what one call wants the user to see. Text given here has already been redacted.
    /// The cmdlet layer queues these and writes them on the pipeline thread.
    /// </summary>
    internal interface IRequestObserver
    {
        /// <summary>
        /// False when nobody will see <see cref="Verbose"/> lines (the cmdlet runs without -Verbose and with a
        /// silent $VerbosePreference): the engine then neither builds nor redacts them.
        /// </summary>
        bool IsVerboseEnabled { get; }

        /// <summary>As <see cref="IsVerboseEnabled"/>, for <see cref="Debug"/> (request and response bodies).</summary>
        bool IsDebugEnabled { get; }

        /// <summary>
        /// True when the calling thread has nothing to do but wait for this call (the pipeline thread inside a
        /// cmdlet): the engine may then send and read on it synchronously, saving the thread-pool hops of an awaited
        /// request. False on any other thread, such as a thread-pool thread serving many concurrent waits.
        /// </summary>
        bool CanBlockCallingThread { get; }

        /// <summary>One line per request, and one per retry.</summary>
        void Verbose(string message);

        /// <summary>Request and response bodies, token events.</summary>
        void Debug(string message);

        void Warning(string message);
    }

    internal sealed class NullRequestObserver : IRequestObserver
    {
        public static readonly NullRequestObserver Instance = new NullRequestObserver();

        public bool IsVerboseEnabled => false;

        public bool IsDebugEnabled => false;

        public bool CanBlockCallingThread => false;

        public void Verbose(string message)
        {
        }

        public void Debug(string message)
        {
        }

        public void Warning(string message)
        {
        }
    }
}
