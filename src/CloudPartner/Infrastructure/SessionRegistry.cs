using System.Threading;

namespace CloudPartner.Infrastructure
{
    /// <summary>The process-wide default session, shared by every runspace (ForEach-Object -Parallel, thread jobs).</summary>
    internal static class SessionRegistry
    {
        private static CpSession? current;

        public static CpSession? Default => Volatile.Read(ref current);

        /// <summary>Makes <paramref name="session"/> the default and returns the one it replaced.</summary>
        public static CpSession? Replace(CpSession? session) => Interlocked.Exchange(ref current, session);

        /// <summary>Clears the default only if it is still <paramref name="session"/>.</summary>
        public static bool Clear(CpSession session) => Interlocked.CompareExchange(ref current, null, session) == session;
    }
}
