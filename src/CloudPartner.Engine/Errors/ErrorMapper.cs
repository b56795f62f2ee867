using System.Net;
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
    }
}
