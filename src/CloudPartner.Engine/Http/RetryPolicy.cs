using System;
using System.Globalization;
using System.Net;
using System.Net.Http;

namespace CloudPartner.Engine.Http
{
    /// <summary>The one place that decides whether a failed attempt is retried, and after how long.</summary>
    internal sealed class RetryPolicy
    {
        private readonly Random jitter;
        private readonly object jitterGate = new object();

        public RetryPolicy(int maxRetries = 4, TimeSpan? baseDelay = null, TimeSpan? maxDelay = null, TimeSpan? maxRetryAfter = null, int? seed = null)
        {
            if (maxRetries < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(maxRetries));
            }

            MaxRetries = maxRetries;
            BaseDelay = baseDelay ?? TimeSpan.FromSeconds(1);
            MaxDelay = maxDelay ?? TimeSpan.FromSeconds(60);
            MaxRetryAfter = maxRetryAfter ?? TimeSpan.FromMinutes(10);
            jitter = seed.HasValue ? new Random(seed.Value) : new Random();
        }

        public int MaxRetries { get; }

        public TimeSpan BaseDelay { get; }

        public TimeSpan MaxDelay { get; }

        /// <summary>A server's Retry-After is obeyed up to this long.</summary>
        public TimeSpan MaxRetryAfter { get; }

        /// <summary>429 and 5xx (but 501 and 505, which will not change) are transient.</summary>
        public static bool IsTransient(HttpStatusCode status)
        {
            var code = (int)status;
            return code == 429 || (code >= 500 && code <= 599 && code != 501 && code != 505);
        }

        /// <summary>
        /// A status that proves the server did not act on the request, so even a non-idempotent POST may be repeated.
        /// </summary>
        public static bool ProvesNotProcessed(HttpStatusCode status) => (int)status == 429;

        /// <summary>The wait before retry number <paramref name="retry"/> (1-based): Retry-After when given, else exponential backoff with full jitter.</summary>
        public TimeSpan DelayFor(int retry, HttpResponseMessage? response, DateTimeOffset now)
        {
            var retryAfter = RetryAfter(response, now);
            if (retryAfter.HasValue)
            {
                return retryAfter.Value > MaxRetryAfter ? MaxRetryAfter : retryAfter.Value;
            }

            var exponent = Math.Min(retry - 1, 16);
            var ceiling = Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, exponent));
            double fraction;
            lock (jitterGate)
            {
                fraction = 0.5 + (jitter.NextDouble() / 2);
            }

            return TimeSpan.FromMilliseconds(ceiling * fraction);
        }

        /// <summary>
        /// Reads Retry-After as delta-seconds or as an HTTP date; null when absent or unusable (not a number, infinite,
        /// negative). A value beyond <see cref="LongestRetryAfter"/> is read as that: callers cap it further.
        /// </summary>
        public static TimeSpan? RetryAfter(HttpResponseMessage? response, DateTimeOffset now)
        {
            var header = response?.Headers.RetryAfter;
            if (header is null)
            {
                if (response != null && response.Headers.TryGetValues("Retry-After", out var values))
                {
                    foreach (var raw in values)
                    {
                        if (double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
                            && !double.IsNaN(seconds) && !double.IsInfinity(seconds) && seconds >= 0)
                        {
                            return seconds >= LongestRetryAfter.TotalSeconds ? LongestRetryAfter : TimeSpan.FromSeconds(seconds);
                        }
                    }
                }

                return null;
            }

            if (header.Delta.HasValue)
            {
                return Clamp(header.Delta.Value);
            }

            if (header.Date.HasValue)
            {
                return Clamp(header.Date.Value - now);
            }

            return null;
        }

        /// <summary>The longest pause a Retry-After is read as; anything beyond it is a server's mistake, not a plan.</summary>
        public static readonly TimeSpan LongestRetryAfter = TimeSpan.FromDays(1);

        private static TimeSpan Clamp(TimeSpan wait) => wait < TimeSpan.Zero ? TimeSpan.Zero : wait > LongestRetryAfter ? LongestRetryAfter : wait;
    }
}
