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
    public sealed class ApiConnection : IDisposable
    {
        private static readonly MediaTypeWithQualityHeaderValue Json = new MediaTypeWithQualityHeaderValue("application/json");

        /// <summary>A URL scheme (javascript:, data:, file:…) where a path was expected.</summary>
        private static readonly Regex SchemePrefix = new Regex(@"^[A-Za-z][A-Za-z0-9+.\-]*:", RegexOptions.CultureInvariant);

        private readonly HttpClient http;
        private readonly RetryPolicy retryPolicy;
        private readonly Func<TimeSpan, CancellationToken, Task> delay;
        private long requestCount;
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

            Clock = clock ?? (() => DateTimeOffset.UtcNow);
            Redactor = redactor ?? new Redactor();
            Tokens = new TokenSource(tokenProvider, Redactor, Clock);
            this.retryPolicy = retryPolicy ?? new RetryPolicy(Settings.MaxRetries);
            this.delay = delay ?? Task.Delay;
            http = new HttpClient(handler ?? HttpHandlerFactory.Create(Settings), disposeHandler: true)
            {
                Timeout = Timeout.InfiniteTimeSpan,
            };
        }

        public ConnectionSettings Settings { get; }

        public Redactor Redactor { get; }

        public TokenSource Tokens { get; }

        public Func<DateTimeOffset> Clock { get; }

        public RetryPolicy RetryPolicy => retryPolicy;

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

        public async Task<ApiResponse> SendAsync(ApiRequest request, IRequestObserver? observer, CancellationToken cancellationToken)
        {
            observer ??= NullRequestObserver.Instance;
            ThrowIfDisconnected();
            if (!(observer is NullRequestObserver))
            {
                // Token renewals below (and the identity provider's log) report to this request's observer.
                ObserverContext.Set(observer);
            }

            var url = ResolveUrl(request.PathOrUrl);

            // Acquired before anything is logged, so the redactor already knows the token.
            await Tokens.GetAsync(cancellationToken).ConfigureAwait(false);
            var shownUrl = Redactor.Redact(url.ToString());
            var watch = Stopwatch.StartNew();
            var retries = 0;
            var renewedAfter401 = false;

            if (request.JsonBody != null)
            {
                observer.Debug($"{request.Method} {shownUrl} request body: {Redactor.Redact(request.JsonBody)}");
            }

            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                ThrowIfDisconnected();
                var token = await Tokens.GetAsync(cancellationToken).ConfigureAwait(false);
                Attempt attempt;
                try
                {
                    Interlocked.Increment(ref requestCount);
                    attempt = await SendOnceAsync(request, url, shownUrl, token, cancellationToken).ConfigureAwait(false);
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
                    var neverSent = IsConnectionRefused(e);
                    var reason = e is OperationCanceledException ? $"no answer within {Settings.RequestTimeout.TotalSeconds:0.#} s" : Describe(e);
                    if (retries < retryPolicy.MaxRetries && (request.IsIdempotent || neverSent))
                    {
                        retries++;
                        var wait = retryPolicy.DelayFor(retries, null, Clock());
                        observer.Verbose($"{request.Method} {shownUrl} failed ({Redactor.Redact(reason)}); retry {retries} of {retryPolicy.MaxRetries} in {Seconds(wait)}.");
                        Interlocked.Increment(ref retryCount);
                        await DelayAsync(wait, cancellationToken).ConfigureAwait(false);
                        continue;
                    }

                    observer.Verbose($"{request.Method} {shownUrl} failed ({Redactor.Redact(reason)}) after {watch.ElapsedMilliseconds} ms and {retries} retries.");
                    throw new CpException(
                        CpErrorKind.ServiceError,
                        $"{request.Method} {shownUrl} failed: {Redactor.Redact(reason)}" + (retries > 0 ? $" (after {retries} retries)." : "."),
                        request.IsIdempotent
                            ? "Check the network and the endpoint, then try again."
                            : "The outcome is unknown: check Get-CpOperation before repeating the request.",
                        e)
                    {
                        HttpMethod = request.Method.Method,
                        RequestUri = shownUrl,
                        OutcomeUnknown = !neverSent,
                    };
                }

                using (attempt.Response)
                {
                    var status = attempt.Response.StatusCode;
                    if (status == HttpStatusCode.Unauthorized && !renewedAfter401)
                    {
                        renewedAfter401 = true;
                        var renewed = await Tokens.RenewAfterRejectionAsync(token, cancellationToken).ConfigureAwait(false);
                        if (renewed != null)
                        {
                            observer.Verbose($"{request.Method} {shownUrl} → 401; renewed the token and trying again.");
                            continue;
                        }
                    }

                    if (RetryPolicy.IsTransient(status) && retries < retryPolicy.MaxRetries && (request.IsIdempotent || RetryPolicy.ProvesNotProcessed(status)))
                    {
                        retries++;
                        var wait = retryPolicy.DelayFor(retries, attempt.Response, Clock());
                        observer.Verbose($"{request.Method} {shownUrl} → {(int)status} {Reason(attempt.Response)}; retry {retries} of {retryPolicy.MaxRetries} in {Seconds(wait)}.");
                        Interlocked.Increment(ref retryCount);
                        await DelayAsync(wait, cancellationToken).ConfigureAwait(false);
                        continue;
                    }

                    var body = attempt.Body;
                    observer.Verbose($"{request.Method} {shownUrl} → {(int)status} {Reason(attempt.Response)} in {watch.ElapsedMilliseconds} ms" + (retries > 0 ? $" after {retries} retries." : "."));
                    if (body.Length > 0)
                    {
                        observer.Debug($"{request.Method} {shownUrl} response body: {Redactor.Redact(body)}");
                    }

                    if ((int)status >= 300 && (int)status < 400)
                    {
                        throw Redirect(request, shownUrl, attempt.Response);
                    }

                    if ((int)status >= 400)
                    {
                        var error = ErrorMapper.FromResponse(status, Reason(attempt.Response), body, request.Method.Method, shownUrl, Redactor, retries);
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

        private async Task<Attempt> SendOnceAsync(ApiRequest request, Uri url, string shownUrl, AccessToken token, CancellationToken cancellationToken)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Settings.RequestTimeout);
            using var message = new HttpRequestMessage(request.Method, url);
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

            var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            try
            {
                var body = await ReadBodyAsync(response, request, shownUrl, timeout.Token, cancellationToken).ConfigureAwait(false);
                return new Attempt(response, body);
            }
            catch
            {
                response.Dispose();
                throw;
            }
        }

        /// <summary>
        /// Reads the body within the attempt's time and size limits. The server has answered by now, so a body that
        /// is too large or never ends is an invalid response (not retried); a connection lost mid-body is a network failure.
        /// </summary>
        private async Task<string> ReadBodyAsync(HttpResponseMessage response, ApiRequest request, string shownUrl, CancellationToken attemptToken, CancellationToken userToken)
        {
            var limit = Settings.MaxResponseBytes;
            if (response.Content.Headers.ContentLength > limit)
            {
                throw BodyRefused(request, shownUrl, response, $"announced a body of {response.Content.Headers.ContentLength.Value} bytes, more than the {limit / (1024 * 1024)} MB an answer may have");
            }

            using var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            try
            {
                while (true)
                {
                    var read = await stream.ReadAsync(chunk, 0, chunk.Length, attemptToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }

                    if (buffer.Length + read > limit)
                    {
                        throw BodyRefused(request, shownUrl, response, $"sent more than the {limit / (1024 * 1024)} MB an answer may have ({buffer.Length + read} bytes read)");
                    }

                    buffer.Write(chunk, 0, read);
                }
            }
            catch (OperationCanceledException e) when (!userToken.IsCancellationRequested)
            {
                throw BodyRefused(request, shownUrl, response, $"its body did not end within {Settings.RequestTimeout.TotalSeconds:0.#} s ({buffer.Length} bytes read)", e);
            }

            return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }

        private CpException BodyRefused(ApiRequest request, string shownUrl, HttpResponseMessage response, string what, Exception? inner = null)
        {
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
