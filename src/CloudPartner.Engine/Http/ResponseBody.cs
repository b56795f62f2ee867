using System;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using CloudPartner.Engine.Errors;

namespace CloudPartner.Engine.Http
{
    /// <summary>A response body read whole, within a size limit and the attempt's time: never more than an answer may have.</summary>
    internal static class ResponseBody
    {
        /// <summary>
        /// Reads the body within the attempt's time and size limits. The server has answered by now, so a body that
        /// is too large or never ends is an invalid response (not retried); a connection lost mid-body is a network failure.
        /// <paramref name="synchronous"/>: read on the calling thread. <paramref name="refused"/> makes the error for a body
        /// refused, from what is wrong with it.
        /// </summary>
        public static async Task<string> ReadAsync(HttpResponseMessage response, long limit, TimeSpan attemptTimeout, bool synchronous, Func<string, Exception?, CpException> refused, CancellationToken attemptToken, CancellationToken userToken)
        {
            var declared = response.Content.Headers.ContentLength;
            if (declared > limit)
            {
                throw refused($"announced a body of {declared.Value} bytes, more than the {limit / (1024 * 1024)} MB an answer may have", null);
            }

            using var stream = synchronous
                ? SynchronousHttp.ReadAsStream!(response.Content, attemptToken)
                : await response.Content.ReadAsStreamAsync().ConfigureAwait(false);

            // A declared length sizes the buffer (one byte more, so that the read that finds the end needs no growth);
            // the length is still not trusted: a longer body grows the buffer up to the limit.
            var buffer = new byte[declared.HasValue ? (int)Math.Min(limit + 1, declared.Value + 1) : 16 * 1024];
            var length = 0;
            try
            {
                while (true)
                {
                    if (length == buffer.Length)
                    {
                        if (buffer.Length >= limit + 1)
                        {
                            throw refused($"sent more than the {limit / (1024 * 1024)} MB an answer may have ({length} bytes read)", null);
                        }

                        Array.Resize(ref buffer, (int)Math.Min(limit + 1, Math.Max(16 * 1024, (long)buffer.Length * 2)));
                    }

                    var read = synchronous
                        ? SynchronousHttp.ReadWithCancellation(stream, buffer, length, attemptToken)
                        : await stream.ReadAsync(buffer, length, buffer.Length - length, attemptToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }

                    length += read;
                    if (length > limit)
                    {
                        throw refused($"sent more than the {limit / (1024 * 1024)} MB an answer may have ({length} bytes read)", null);
                    }
                }
            }
            catch (OperationCanceledException e) when (!userToken.IsCancellationRequested)
            {
                throw refused($"its body did not end within {attemptTimeout.TotalSeconds.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)} s ({length} bytes read)", e);
            }

            return Encoding.UTF8.GetString(buffer, 0, length);
        }
    }
}
