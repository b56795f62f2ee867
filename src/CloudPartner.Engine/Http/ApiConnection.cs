using System;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using CloudPartner.Engine.Auth;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Security;

namespace CloudPartner.Engine.Http
{
    /// <summary>
    /// The session's HTTP pipeline: one reused HttpClient; endpoint and api-version; bearer auth for the endpoint's
    /// host only; retries; failure mapping; redacted logging. Thread-safe.
    /// </summary>
    internal sealed class ApiConnection : IDisposable
    {
        private static readonly MediaTypeWithQualityHeaderValue Json = new MediaTypeWithQualityHeaderValue("application/json");

        /// <summary>A pause before a retry at least this long is worth a warning, not only a verbose line.</summary>
        private static readonly TimeSpan SlowRetry = TimeSpan.FromSeconds(10);

        // HttpClient.Send and HttpContent.ReadAsStream (.NET 5 and later), found at run time because the engine also
        // runs on .NET Framework (Windows PowerShell), where they do not exist.
        private static readonly Func<HttpClient, HttpRequestMessage, HttpCompletionOption, CancellationToken, HttpResponseMessage>? SyncSend =
            Bind<Func<HttpClient, HttpRequestMessage, HttpCompletionOption, CancellationToken, HttpResponseMessage>>(typeof(HttpClient), "Send", typeof(HttpRequestMessage), typeof(HttpCompletionOption), typeof(CancellationToken));

        private static readonly Func<HttpContent, CancellationToken, Stream>? SyncReadAsStream =
            Bind<Func<HttpContent, CancellationToken, Stream>>(typeof(HttpContent), "ReadAsStream", typeof(CancellationToken));

        /// <summary>A URL scheme (javascript:, data:, file:…) where a path was expected.</summary>
        private static readonly Regex SchemePrefix = new Regex(@"^[A-Za-z][A-Za-z0-9+.\-]*:", RegexOptions.CultureInvariant);

        private readonly HttpClient http;

        // Whether requests may run synchronously on a caller that waits anyway: only with the session's own handler
        // (a handler given by a test may not implement Send), and until the handler says it cannot.
        private volatile bool synchronousCapable;
        private readonly RetryPolicy retryPolicy;
        private readonly Func<TimeSpan, CancellationToken, Task> delay;
        private long requestCount;

        // While the service throttles, every request of the session waits (UTC ticks; 0 when nothing is held back).
        private long heldUntilTicks;
        private long retryCount;
        private int disposed;

        public ApiConnection(
            ConnectionSettings settings,
            ITokenProvider tokenProvider,
            HttpMessageHandler? handler = null,
            RetryPolicy? retryPolicy = null,
            Func<TimeSpan, CancellationToken, Task>? delay = null,
            Func<DateTimeOffset>? clock = null,
            Redactor? redactor = null)
        {
            Settings = settings?.Clone() ?? throw new ArgumentNullException(nameof(settings));
            Settings.Endpoint = EndpointPolicy.ValidateEndpoint(settings.Endpoint);
            if (string.IsNullOrWhiteSpace(Settings.ApiVersion))
            {
                throw new CpException(CpErrorKind.InvalidArgument, "-ApiVersion is empty.");
            }

            if (Settings.PublisherId != null)
            {
                Ids.PublisherId(Settings.PublisherId);
            }

            if (Settings.RequestTimeout < ConnectionSettings.ShortestRequestTimeout || Settings.RequestTimeout > ConnectionSettings.LongestRequestTimeout)
            {
                throw new CpException(
                    CpErrorKind.InvalidArgument,
                    $"-RequestTimeout is {Settings.RequestTimeout}; it must be from {ConnectionSettings.ShortestRequestTimeout.TotalSeconds} s to {ConnectionSettings.LongestRequestTimeout.TotalMinutes} minutes (a number is read as seconds).");
            }

            Clock = clock ?? (() => DateTimeOffset.UtcNow);
            Redactor = redactor ?? new Redactor();
            Tokens = new TokenSource(tokenProvider, Redactor, Clock);
            this.retryPolicy = retryPolicy ?? new RetryPolicy(Settings.MaxRetries);
            this.delay = delay ?? Task.Delay;
            http = new HttpClient(handler ?? HttpHandlerFactory.Create(Settings), disposeHandler: true)
            {
                Timeout = Timeout.InfiniteTimeSpan,
            };
            synchronousCapable = handler is null && SyncSend != null && SyncReadAsStream != null;
        }

        public ConnectionSettings Settings { get; }

        public Redactor Redactor { get; }

        public TokenSource Tokens { get; }

        public Func<DateTimeOffset> Clock { get; }

        public RetryPolicy RetryPolicy => retryPolicy;

        /// <summary>Whether a caller that may block gets synchronous I/O (tests force it to try the fallback).</summary>
        internal bool SynchronousCapable
        {
            get => synchronousCapable;
            set => synchronousCapable = value;
        }

        /// <summary>Requests put on the wire (attempts), for reports.</summary>
        public long RequestCount => Interlocked.Read(ref requestCount);

        public long RetryCount => Interlocked.Read(ref retryCount);

        /// <summary>True once the session was disconnected: no request is sent any more.</summary>
        public bool IsDisconnected => Volatile.Read(ref disposed) != 0;

        /// <summary>Turns a path or URL into the absolute request URL, refusing any other host.</summary>
        public Uri ResolveUrl(string pathOrUrl)
        {
            // Control characters are refused before trimming: "/api/x\n" is not quietly turned into a path.
            var raw = pathOrUrl ?? string.Empty;
            if (Ids.HasControlCharacters(raw))
            {
                throw new CpException(CpErrorKind.InvalidArgument, $"-Path '{Ids.Printable(raw)}' contains control characters; it is not a path on the endpoint.");
            }

            var text = raw.Trim();
            if (text.Length == 0)
            {
                throw new CpException(CpErrorKind.InvalidArgument, "-Path is empty.");
            }

            Uri target;
            if (Uri.TryCreate(text, UriKind.Absolute, out var absolute) && (absolute.Scheme == Uri.UriSchemeHttp || absolute.Scheme == Uri.UriSchemeHttps))
            {
                target = absolute;
            }
            else if (text.StartsWith("//", StringComparison.Ordinal) || text.IndexOf("://", StringComparison.Ordinal) >= 0 || SchemePrefix.IsMatch(text))
            {
                throw new CpException(CpErrorKind.InvalidArgument, $"-Path '{Ids.Printable(text)}' is not a path on the endpoint.");
            }
            else
            {
                try
                {
                    target = new Uri(Settings.Endpoint, text.StartsWith("/", StringComparison.Ordinal) ? text : "/" + text);
                }
                catch (UriFormatException e)
                {
                    throw new CpException(CpErrorKind.InvalidArgument, $"-Path '{Ids.Printable(text)}' is not a valid path: {e.Message}");
                }
            }

            // Checked on the final URL whatever the input's form, so no path can resolve to another host.
            if (!EndpointPolicy.IsSameOrigin(Settings.Endpoint, target))
            {
                throw new CpException(
                    CpErrorKind.UntrustedLocation,
                    $"Refusing to send the session's token to {target.GetLeftPart(UriPartial.Authority)}: it is not the session's endpoint {Settings.Endpoint.GetLeftPart(UriPartial.Authority)}.");
            }

            if (target.Query.IndexOf("api-version=", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                return target;
            }

            var separator = string.IsNullOrEmpty(target.Query) || target.Query == "?" ? "?" : "&";
            var baseText = target.Query == "?" ? target.OriginalString.TrimEnd('?') : target.OriginalString;
            return new Uri(baseText + separator + "api-version=" + Uri.EscapeDataString(Settings.ApiVersion));
        }

        /// <summary>
        /// Sends one request: the session's token, retries of transient failures (from the context's shared retries
        /// when it has them, else the session's MaxRetries), within the command's deadline, reporting to the context's
        /// channel. A retry after no answer, or after a long pause the server asked for, is reported as a warning.
        /// </summary>
        public async Task<ApiResponse> SendAsync(ApiRequest request, CommandContext? context, CancellationToken cancellationToken)
        {
            context ??= new CommandContext();
            var observer = context.Observer;
            var retryBudget = context.SharedRetries ?? new RetryBudget(retryPolicy.MaxRetries);
            ThrowIfDisconnected();
            var url = ResolveUrl(request.PathOrUrl);

            // Acquired before anything is logged, so the redactor already knows the token.
            await Tokens.GetAsync(observer, cancellationToken).ConfigureAwait(false);

            // Redacted only when a message or an error needs it: most calls log nothing.
            string? redactedUrl = null;
            string ShownUrl() => redactedUrl ??= Redactor.Redact(url.ToString());
            var watch = Stopwatch.StartNew();
            var retries = 0;
            var sent = false;
            var renewedAfter401 = false;
            var waitedForThrottle = false;

            if (request.JsonBody != null && observer.IsDebugEnabled)
            {
                observer.Debug($"{request.Method} {ShownUrl()} request body: {Redactor.Redact(request.JsonBody)}");
            }

            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                ThrowIfDisconnected();
                if (!waitedForThrottle)
                {
                    await WaitWhileThrottledAsync(context, request, ShownUrl, retries, sent, cancellationToken).ConfigureAwait(false);
                }

                waitedForThrottle = false;
                var token = await Tokens.GetAsync(observer, cancellationToken).ConfigureAwait(false);
                var attemptTimeout = AttemptTimeout(context);
                if (attemptTimeout <= TimeSpan.Zero)
                {
                    throw OutOfTime(request, ShownUrl(), sent, retries);
                }

                Attempt attempt;
                try
                {
                    Interlocked.Increment(ref requestCount);
                    sent = true;
                    attempt = await SendOnceAsync(request, url, token, attemptTimeout, synchronousCapable && observer.CanBlockCallingThread, cancellationToken).ConfigureAwait(false);
                }
                catch (CpException)
                {
                    throw;
                }
                catch (Exception e) when (IsDisconnected && !cancellationToken.IsCancellationRequested)
                {
                    // Disconnect-CpAccount disposed the client under this call (another runspace, or Ctrl+C races).
                    throw Disconnected(e);
                }
                catch (Exception e) when (IsNetworkFailure(e, cancellationToken))
                {
                    var noAnswer = e is OperationCanceledException;
                    if (noAnswer && context.Remaining(Clock()) == TimeSpan.Zero)
                    {
                        throw OutOfTime(request, ShownUrl(), sent, retries);
                    }

                    var neverSent = IsConnectionRefused(e);
                    var reason = noAnswer ? $"no answer within {Seconds(attemptTimeout)}" : Describe(e);
                    if ((request.IsIdempotent || neverSent) && retryBudget.TryTake())
                    {
                        retries++;
                        var wait = retryPolicy.DelayFor(retries, null, Clock());
                        ReportRetry(observer, noAnswer, $"{request.Method} {ShownUrl()} failed ({Redactor.Redact(reason)}); retry {retryBudget.Used} of {retryBudget.Total} in {Seconds(wait)}.");
                        Interlocked.Increment(ref retryCount);
                        await DelayWithinAsync(wait, context, request, ShownUrl, retries, sent: true, cancellationToken).ConfigureAwait(false);
                        continue;
                    }

                    observer.Verbose($"{request.Method} {ShownUrl()} failed ({Redactor.Redact(reason)}) after {watch.ElapsedMilliseconds} ms and {retries} retries.");
                    throw new CpException(
                        CpErrorKind.ServiceError,
                        $"{request.Method} {ShownUrl()} failed: {Redactor.Redact(reason)}" + (retries > 0 ? $" (after {retries} retries)." : "."),
                        request.IsIdempotent
                            ? "Check the network and the endpoint, then try again."
                            : "The outcome is unknown: check Get-CpOperation before repeating the request.",
                        e)
                    {
                        HttpMethod = request.Method.Method,
                        RequestUri = ShownUrl(),
                        OutcomeUnknown = !neverSent,
                    };
                }

                using (attempt.Response)
                {
                    var status = attempt.Response.StatusCode;
                    if (status == HttpStatusCode.Unauthorized && !renewedAfter401)
                    {
                        renewedAfter401 = true;
                        var renewed = await Tokens.RenewAfterRejectionAsync(token, observer, cancellationToken).ConfigureAwait(false);
                        if (renewed != null)
                        {
                            observer.Verbose($"{request.Method} {ShownUrl()} → 401; renewed the token and trying again.");
                            continue;
                        }
                    }

                    if (RetryPolicy.IsTransient(status) && (request.IsIdempotent || RetryPolicy.ProvesNotProcessed(status)) && retryBudget.TryTake())
                    {
                        retries++;
                        var wait = retryPolicy.DelayFor(retries, attempt.Response, Clock());
                        ReportRetry(observer, wait >= SlowRetry, $"{request.Method} {ShownUrl()} → {(int)status} {Reason(attempt.Response)}; retry {retryBudget.Used} of {retryBudget.Total} in {Seconds(wait)}.");
                        Interlocked.Increment(ref retryCount);
                        if (status == (HttpStatusCode)429)
                        {
                            HoldBack(wait);
                            waitedForThrottle = true;
                        }

                        await DelayWithinAsync(wait, context, request, ShownUrl, retries, sent: true, cancellationToken).ConfigureAwait(false);
                        continue;
                    }

                    var body = attempt.Body;
                    if (observer.IsVerboseEnabled)
                    {
                        observer.Verbose($"{request.Method} {ShownUrl()} → {(int)status} {Reason(attempt.Response)} in {watch.ElapsedMilliseconds} ms" + (retries > 0 ? $" after {retries} retries." : "."));
                    }

                    if (body.Length > 0 && observer.IsDebugEnabled)
                    {
                        observer.Debug($"{request.Method} {ShownUrl()} response body: {Redactor.Redact(body)}");
                    }

                    if ((int)status >= 300 && (int)status < 400)
                    {
                        throw Redirect(request, ShownUrl(), attempt.Response);
                    }

                    if ((int)status >= 400)
                    {
                        var error = ErrorMapper.FromResponse(status, Reason(attempt.Response), body, request.Method.Method, ShownUrl(), Redactor, retries);
                        if (status == HttpStatusCode.Unauthorized && !Tokens.Provider.CanRenew)
                        {
                            error.RecommendedAction = "The token given to Connect-CpAccount was refused (expired or not valid for this publisher). Run Connect-CpAccount again with a fresh token.";
                        }

                        if (!request.IsIdempotent && (int)status >= 500)
                        {
                            error.OutcomeUnknown = true;
                        }

                        throw error;
                    }

                    return new ApiResponse(
                        status,
                        body,
                        url,
                        attempt.Response.Headers.ETag?.ToString() ?? Header(attempt.Response, "ETag"),
                        attempt.Response.Headers.Location?.OriginalString ?? Header(attempt.Response, "Location"),
                        Header(attempt.Response, "Operation-Location"),
                        RetryPolicy.RetryAfter(attempt.Response, Clock()),
                        retries);
                }
            }
        }

        /// <summary>Holds every request of the session back for <paramref name="wait"/>: the service throttles the caller, not one request.</summary>
        private void HoldBack(TimeSpan wait)
        {
            var until = (Clock() + wait).UtcTicks;
            long held;
            do
            {
                held = Interlocked.Read(ref heldUntilTicks);
                if (held >= until)
                {
                    return;
                }
            }
            while (Interlocked.CompareExchange(ref heldUntilTicks, until, held) != held);
        }

        private Task WaitWhileThrottledAsync(CommandContext context, ApiRequest request, Func<string> shownUrl, int retries, bool sent, CancellationToken cancellationToken)
        {
            var left = Interlocked.Read(ref heldUntilTicks) - Clock().UtcTicks;
            return left > 0 ? DelayWithinAsync(TimeSpan.FromTicks(left), context, request, shownUrl, retries, sent, cancellationToken) : Task.CompletedTask;
        }

        /// <summary>Waits before a retry, or, when the command's deadline comes first, until it and then gives up.</summary>
        private async Task DelayWithinAsync(TimeSpan wait, CommandContext context, ApiRequest request, Func<string> shownUrl, int retries, bool sent, CancellationToken cancellationToken)
        {
            var remaining = context.Remaining(Clock());
            if (remaining.HasValue && remaining.Value < wait)
            {
                await DelayAsync(remaining.Value, cancellationToken).ConfigureAwait(false);
                throw OutOfTime(request, shownUrl(), sent, retries);
            }

            await DelayAsync(wait, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>The session's per-request timeout, or less when the command's deadline is nearer.</summary>
        private TimeSpan AttemptTimeout(CommandContext context)
        {
            var remaining = context.Remaining(Clock());
            return remaining.HasValue && remaining.Value < Settings.RequestTimeout ? remaining.Value : Settings.RequestTimeout;
        }

        private static void ReportRetry(IRequestObserver observer, bool slow, string message)
        {
            if (slow)
            {
                observer.Warning(message);
            }
            else
            {
                observer.Verbose(message);
            }
        }

        /// <summary>The command's -Timeout ran out during a request (or before one could start).</summary>
        private static CpException OutOfTime(ApiRequest request, string shownUrl, bool sent, int retries)
        {
            var outcomeUnknown = sent && !request.IsIdempotent;
            return new CpException(
                CpErrorKind.OperationTimeout,
                $"{request.Method} {shownUrl} did not complete before the command's -Timeout ran out" + (retries > 0 ? $" (after {retries} retries)." : "."),
                outcomeUnknown
                    ? "The outcome is unknown: check Get-CpOperation before repeating the request."
                    : "Run the command again, with a longer -Timeout if the service is slow.")
            {
                HttpMethod = request.Method.Method,
                RequestUri = shownUrl,
                OutcomeUnknown = outcomeUnknown,
            };
        }

        /// <summary>Waits as the session waits (tests replace this to run on simulated time).</summary>
        public Task DelayAsync(TimeSpan wait, CancellationToken cancellationToken)
        {
            return wait <= TimeSpan.Zero ? Task.CompletedTask : delay(wait, cancellationToken);
        }

        /// <summary>Closes the connection and forgets the provider's tokens and credentials.</summary>
        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                http.Dispose();
                (Tokens.Provider as IDisposable)?.Dispose();
            }
        }

        /// <summary>
        /// One attempt. <paramref name="synchronous"/>: send and read on the calling thread (the caller waits for the
        /// result anyway), which spares the two thread-pool hops of an awaited request; the task is then complete on
        /// return.
        /// </summary>
        private async Task<Attempt> SendOnceAsync(ApiRequest request, Uri url, AccessToken token, TimeSpan attemptTimeout, bool synchronous, CancellationToken cancellationToken)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(attemptTimeout);
            var message = CreateMessage(request, url, token);
            try
            {
                HttpResponseMessage? response = null;
                if (synchronous)
                {
                    try
                    {
                        response = SyncSend!(http, message, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                    }
                    catch (NotSupportedException)
                    {
                        // The handler cannot send synchronously (a configuration that needs HTTP/2, say): nothing was
                        // sent. Send this request in a new message (a message is sent once), and every later one,
                        // asynchronously.
                        synchronousCapable = false;
                        synchronous = false;
                        message.Dispose();
                        message = CreateMessage(request, url, token);
                    }
                }

                response ??= await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
                try
                {
                    var body = await ReadBodyAsync(response, request, url, attemptTimeout, synchronous, timeout.Token, cancellationToken).ConfigureAwait(false);
                    return new Attempt(response, body);
                }
                catch
                {
                    response.Dispose();
                    throw;
                }
            }
            finally
            {
                message.Dispose();
            }
        }

        private HttpRequestMessage CreateMessage(ApiRequest request, Uri url, AccessToken token)
        {
            var message = new HttpRequestMessage(request.Method, url);
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
            message.Headers.Accept.Add(Json);
            message.Headers.TryAddWithoutValidation("User-Agent", Settings.UserAgent);
            foreach (var header in request.Headers)
            {
                // Checked by ApiRequest.SetHeader: a token name and printable ASCII only.
                message.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            if (request.JsonBody != null)
            {
                message.Content = new StringContent(request.JsonBody, new UTF8Encoding(false), "application/json");
            }
            else if (request.Method == HttpMethod.Post || request.Method == HttpMethod.Put)
            {
                message.Content = new ByteArrayContent(Array.Empty<byte>());
                message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            }

            return message;
        }

        /// <summary>
        /// Reads the body within the attempt's time and size limits. The server has answered by now, so a body that
        /// is too large or never ends is an invalid response (not retried); a connection lost mid-body is a network failure.
        /// <paramref name="synchronous"/>: read on the calling thread.
        /// </summary>
        private async Task<string> ReadBodyAsync(HttpResponseMessage response, ApiRequest request, Uri url, TimeSpan attemptTimeout, bool synchronous, CancellationToken attemptToken, CancellationToken userToken)
        {
            var limit = Settings.MaxResponseBytes;
            var declared = response.Content.Headers.ContentLength;
            if (declared > limit)
            {
                throw BodyRefused(request, url, response, $"announced a body of {declared.Value} bytes, more than the {limit / (1024 * 1024)} MB an answer may have");
            }

            using var stream = synchronous
                ? SyncReadAsStream!(response.Content, attemptToken)
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
                            throw BodyRefused(request, url, response, $"sent more than the {limit / (1024 * 1024)} MB an answer may have ({length} bytes read)");
                        }

                        Array.Resize(ref buffer, (int)Math.Min(limit + 1, Math.Max(16 * 1024, (long)buffer.Length * 2)));
                    }

                    var read = synchronous
                        ? ReadWithCancellation(stream, buffer, length, attemptToken)
                        : await stream.ReadAsync(buffer, length, buffer.Length - length, attemptToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }

                    length += read;
                    if (length > limit)
                    {
                        throw BodyRefused(request, url, response, $"sent more than the {limit / (1024 * 1024)} MB an answer may have ({length} bytes read)");
                    }
                }
            }
            catch (OperationCanceledException e) when (!userToken.IsCancellationRequested)
            {
                throw BodyRefused(request, url, response, $"its body did not end within {Seconds(attemptTimeout)} ({length} bytes read)", e);
            }

            return Encoding.UTF8.GetString(buffer, 0, length);
        }

        /// <summary>A synchronous read that the token (Ctrl+C, the request timeout) can still interrupt.</summary>
        private static int ReadWithCancellation(Stream stream, byte[] buffer, int offset, CancellationToken cancellationToken)
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

        /// <summary>A response refused after the server answered; the URL is redacted here, on this error path only.</summary>
        private CpException BodyRefused(ApiRequest request, Uri url, HttpResponseMessage response, string what, Exception? inner = null)
        {
            var shownUrl = Redactor.Redact(url.ToString());
            var status = (int)response.StatusCode;
            return new CpException(
                CpErrorKind.InvalidResponse,
                $"{request.Method} {shownUrl} answered {status} {Reason(response)}, but {what}; the response was refused.",
                request.IsIdempotent ? null : "The request may have been acted on: check Get-CpOperation (or Get-CpOffer) before repeating it.",
                inner)
            {
                StatusCode = response.StatusCode,
                HttpMethod = request.Method.Method,
                RequestUri = shownUrl,

                // The server received the request; only a 4xx proves it did not act on it.
                OutcomeUnknown = !request.IsIdempotent && !(status >= 400 && status < 500),
            };
        }

        private CpException Disconnected(Exception? inner)
        {
            return new CpException(
                CpErrorKind.NotConnected,
                "This session was disconnected with Disconnect-CpAccount; no request is sent through it any more.",
                "Run Connect-CpAccount again and use the session it returns.",
                inner);
        }

        private void ThrowIfDisconnected()
        {
            if (IsDisconnected)
            {
                throw Disconnected(null);
            }
        }

        /// <summary>The reason phrase, as the server sent it but redacted and printable (it is shown in messages).</summary>
        private string Reason(HttpResponseMessage response) => Redactor.Redact(Ids.Printable(response.ReasonPhrase ?? string.Empty));

        private CpException Redirect(ApiRequest request, string shownUrl, HttpResponseMessage response)
        {
            var location = response.Headers.Location;
            var target = location is null ? null : (location.IsAbsoluteUri ? location : new Uri(Settings.Endpoint, location));
            if (target != null && !EndpointPolicy.IsSameOrigin(Settings.Endpoint, target))
            {
                return new CpException(
                    CpErrorKind.UntrustedLocation,
                    $"{request.Method} {shownUrl} redirected to {Redactor.Redact(target.GetLeftPart(UriPartial.Authority))}, outside the session's endpoint; the redirect was not followed.")
                {
                    StatusCode = response.StatusCode,
                    HttpMethod = request.Method.Method,
                    RequestUri = shownUrl,
                };
            }

            return new CpException(CpErrorKind.InvalidResponse, $"{request.Method} {shownUrl} answered with an unexpected redirect ({(int)response.StatusCode}).")
            {
                StatusCode = response.StatusCode,
                HttpMethod = request.Method.Method,
                RequestUri = shownUrl,
            };
        }

        private static string? Header(HttpResponseMessage response, string name)
        {
            if (response.Headers.TryGetValues(name, out var values))
            {
                foreach (var value in values)
                {
                    return value;
                }
            }

            return null;
        }

        private static bool IsNetworkFailure(Exception e, CancellationToken userToken)
        {
            if (e is OperationCanceledException)
            {
                return !userToken.IsCancellationRequested;
            }

            return e is HttpRequestException || e is IOException || e is SocketException;
        }

        private static bool IsConnectionRefused(Exception e)
        {
            for (var inner = e; inner != null; inner = inner.InnerException)
            {
                if (inner is SocketException socket && socket.SocketErrorCode == SocketError.ConnectionRefused)
                {
                    return true;
                }
            }

            return false;
        }

        private static string Describe(Exception e)
        {
            var message = e.Message;
            for (var inner = e.InnerException; inner != null; inner = inner.InnerException)
            {
                message += " " + inner.Message;
            }

            return message;
        }

        private static string Seconds(TimeSpan wait) => wait.TotalSeconds.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) + " s";


        private readonly struct Attempt
        {
            public Attempt(HttpResponseMessage response, string body)
            {
                Response = response;
                Body = body;
            }

            public HttpResponseMessage Response { get; }

            public string Body { get; }
        }
    }
}
