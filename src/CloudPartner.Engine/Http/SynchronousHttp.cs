using System;
using System.IO;
using System.Net.Http;
using System.Threading;

namespace CloudPartner.Engine.Http
{
    /// <summary>
    /// HttpClient.Send and HttpContent.ReadAsStream (.NET 5 and later), found at run time because the engine also runs
    /// on .NET Framework (Windows PowerShell), where they do not exist. A caller that would only wait for an answer
    /// sends and reads on its own thread through them, sparing the thread-pool hops of an awaited request.
    /// </summary>
    internal static class SynchronousHttp
    {
        public static readonly Func<HttpClient, HttpRequestMessage, HttpCompletionOption, CancellationToken, HttpResponseMessage>? Send =
            Bind<Func<HttpClient, HttpRequestMessage, HttpCompletionOption, CancellationToken, HttpResponseMessage>>(typeof(HttpClient), "Send", typeof(HttpRequestMessage), typeof(HttpCompletionOption), typeof(CancellationToken));

        public static readonly Func<HttpContent, CancellationToken, Stream>? ReadAsStream =
            Bind<Func<HttpContent, CancellationToken, Stream>>(typeof(HttpContent), "ReadAsStream", typeof(CancellationToken));

        /// <summary>Whether this runtime has both.</summary>
        public static bool IsAvailable => Send != null && ReadAsStream != null;

        /// <summary>A synchronous read that the token (Ctrl+C, the request timeout) can still interrupt.</summary>
        public static int ReadWithCancellation(Stream stream, byte[] buffer, int offset, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using (cancellationToken.Register(state => ((Stream)state!).Dispose(), stream))
            {
                try
                {
                    return stream.Read(buffer, offset, buffer.Length - offset);
                }
                catch (Exception e) when ((e is IOException || e is ObjectDisposedException) && cancellationToken.IsCancellationRequested)
                {
                    throw new OperationCanceledException(cancellationToken);
                }
            }
        }

        private static TDelegate? Bind<TDelegate>(Type type, string name, params Type[] parameters)
            where TDelegate : Delegate
        {
            var method = type.GetMethod(name, parameters);
            return method is null ? null : (TDelegate)Delegate.CreateDelegate(typeof(TDelegate), method, throwOnBindFailure: false);
        }
    }
}
