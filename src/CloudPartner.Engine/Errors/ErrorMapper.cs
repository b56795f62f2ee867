using System;
using System.Net;
using System.Net.Http;
using CloudPartner.Engine.Http;
using CloudPartner.Engine.Security;

namespace CloudPartner.Engine.Errors
{
    /// <summary>The one place that turns an HTTP failure into a <see cref="CpException"/>.</summary>
    internal static class ErrorMapper
    {
        public static CpErrorKind KindFor(HttpStatusCode status)
        {
            switch ((int)status)
            {
                case 400: return CpErrorKind.BadRequest;
                case 401: return CpErrorKind.Unauthorized;
                case 403: return CpErrorKind.AccessDenied;
                case 404: return CpErrorKind.NotFound;
                case 409: return CpErrorKind.Conflict;
                case 412: return CpErrorKind.PreconditionFailed;
                case 422: return CpErrorKind.ValidationFailed;
                case 429: return CpErrorKind.Throttled;
                default: return (int)status >= 500 ? CpErrorKind.ServiceError : CpErrorKind.BadRequest;
            }
        }

        internal static CpException FromResponse(HttpStatusCode status, string? reason, string body, string method, string shownUrl, Redactor redactor, int retries)
        {
            var (rawCode, rawMessage) = ServiceErrorBody.Parse(body);
            var code = Ids.VisibleOrNull(rawCode);
            var message = Ids.VisibleOrNull(rawMessage);
            var text = $"{method} {shownUrl} failed with {(int)status} {reason}";
            if (code != null || message != null)
            {
                text += $": {code ?? "error"}: {message}";
            }
            else if (body.Length > 0)
            {
                var trimmed = body.TrimStart();
                text += trimmed.StartsWith("<", System.StringComparison.Ordinal)
                    ? " (the body was an HTML page, not the service's JSON; a gateway or proxy may have answered)"
                    : ": " + Ids.Visible(body.Length > 200 ? body.Substring(0, 200) + "…" : body);
            }

            if (retries > 0)
            {
                text += $" (after {retries} retries)";
            }

            return new CpException(KindFor(status), redactor.Redact(text.TrimEnd() + (text.EndsWith(".") ? string.Empty : ".")))
            {
                StatusCode = status,
                ServiceCode = code,
                ServiceMessage = message is null ? null : redactor.Redact(message),
                HttpMethod = method,
                RequestUri = shownUrl,
            };
        }

        /// <summary>The reason phrase, as the server sent it but redacted and printable (it is shown in messages).</summary>
        public static string Reason(HttpResponseMessage response, Redactor redactor) => redactor.Redact(Ids.Printable(response.ReasonPhrase ?? string.Empty));

        /// <summary>The command's -Timeout ran out during a request (or before one could start).</summary>
        public static CpException OutOfTime(ApiRequest request, string shownUrl, bool sent, int retries)
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

        /// <summary>A response refused after the server answered; the URL is redacted here, on this error path only.</summary>
        public static CpException BodyRefused(ApiRequest request, Uri url, HttpResponseMessage response, string what, Exception? inner, Redactor redactor)
        {
            var shownUrl = redactor.Redact(url.ToString());
            var status = (int)response.StatusCode;
            return new CpException(
                CpErrorKind.InvalidResponse,
                $"{request.Method} {shownUrl} answered {status} {Reason(response, redactor)}, but {what}; the response was refused.",
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

        public static CpException Redirect(ApiRequest request, string shownUrl, HttpResponseMessage response, Uri endpoint, Redactor redactor)
        {
            var location = response.Headers.Location;
            var target = location is null ? null : (location.IsAbsoluteUri ? location : new Uri(endpoint, location));
            if (target != null && !EndpointPolicy.IsSameOrigin(endpoint, target))
            {
                return new CpException(
                    CpErrorKind.UntrustedLocation,
                    $"{request.Method} {shownUrl} redirected to {redactor.Redact(target.GetLeftPart(UriPartial.Authority))}, outside the session's endpoint; the redirect was not followed.")
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
    }
}
