using System.Threading;

namespace CloudPartner.Engine.Http
{
    /// <summary>
    /// The observer of the command running now, flowing with its async calls, so that work without an observer parameter
    /// (the identity provider's log, a token renewal in the middle of a request) still reaches the right command's streams.
    /// </summary>
    internal static class ObserverContext
    {
        private static readonly AsyncLocal<IRequestObserver?> Ambient = new AsyncLocal<IRequestObserver?>();

        public static IRequestObserver Current => Ambient.Value ?? NullRequestObserver.Instance;

        /// <summary>Sets the observer for the current async flow (and the calls it makes from now on).</summary>
        public static void Set(IRequestObserver? observer) => Ambient.Value = observer;
    }
}
