namespace CloudPartner.Engine.Http
{
    /// <summary>
    /// Receives what one call wants the user to see. Text given here has already been redacted.
    /// The cmdlet layer queues these and writes them on the pipeline thread.
    /// </summary>
    public interface IRequestObserver
    {
        /// <summary>One line per request, and one per retry.</summary>
        void Verbose(string message);

        /// <summary>Request and response bodies, token events.</summary>
        void Debug(string message);

        void Warning(string message);
    }

    public sealed class NullRequestObserver : IRequestObserver
    {
        public static readonly NullRequestObserver Instance = new NullRequestObserver();

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
