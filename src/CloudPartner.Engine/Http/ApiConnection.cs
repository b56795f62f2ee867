using System;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
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
            synchronousCapable = handler is null && SynchronousHttp.IsAvailable;
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

        /// <summary>
        /// Sends one request: the session's token, retries of transient failures (from the context's shared retries
        /// when it has them, else the session's MaxRetries), within the command's deadline, reporting to the context's
        /// channel. A retry after no answer, or after a long pause the server asked for, is reported as a warning.
        /// </summary>
        /// <summary>Turns a path or URL into the absolute request URL, refusing any other host.</summary>
        public Uri ResolveUrl(string pathOrUrl) => RequestUrl.Resolve(Settings.Endpoint, Settings.VersionParameter, Settings.ApiVersion, pathOrUrl);

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
                    throw ErrorMapper.OutOfTime(request, ShownUrl(), sent, retries);
                }

                Attempt attempt;
                try
                {
                    Interlocked.Increment(ref requestCount);
                    sent = true;
                    attempt = await SendOnceAsync(request, url, token, attemptTimeout, synchronousCapable && context.MayBlockCallingThread, cancellationToken).ConfigureAwait(false);
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
                        throw ErrorMapper.OutOfTime(request, ShownUrl(), sent, retries);
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
                        throw ErrorMapper.Redirect(request, ShownUrl(), attempt.Response, Settings.Endpoint, Redactor);
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
                throw ErrorMapper.OutOfTime(request, shownUrl(), sent, retries);
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
                        response = SynchronousHttp.Send!(http, message, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
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
                    var body = await ResponseBody.ReadAsync(response, Settings.MaxResponseBytes, attemptTimeout, synchronous, (what, inner) => ErrorMapper.BodyRefused(request, url, response, what, inner, Redactor), timeout.Token, cancellationToken).ConfigureAwait(false);
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
        private string Reason(HttpResponseMessage response) => ErrorMapper.Reason(response, Redactor);

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
