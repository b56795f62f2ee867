using System.Management.Automation;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Security;

namespace CloudPartner.Infrastructure
{
    /// <summary>The one place where engine failures become PowerShell error records.</summary>
    internal static class ErrorRecords
    {
        /// <summary>Redacts by shape only (bearer values, JWTs, secret form fields), where no session is known yet.</summary>
        internal static readonly Redactor ShapesOnly = new Redactor();

        /// <summary>
        /// The error record for <paramref name="exception"/>. Its message, advice and a text target (a -Path, an id as
        /// typed) pass <paramref name="redactor"/>, the session's, so no secret reaches $Error, a transcript or a log.
        /// </summary>
        public static ErrorRecord From(CpException exception, object? target, Redactor? redactor = null)
        {
            redactor ??= ShapesOnly;
            var shown = redactor.Redact(exception);
            var about = target ?? exception.Target;
            if (about is string text)
            {
                about = redactor.Redact(text);
            }

            var record = new ErrorRecord(shown, shown.ErrorId, CategoryFor(shown.Kind), about);
            record.ErrorDetails = new ErrorDetails(shown.Message) { RecommendedAction = shown.RecommendedAction };
            return record;
        }

        /// <summary>
        /// A failure that is not a <see cref="CpException"/> (a defect): reported with its own type and message,
        /// redacted, with how to resume, instead of being lost.
        /// </summary>
        public static ErrorRecord Unexpected(System.Exception exception, object? target, string resume, Redactor redactor)
        {
            var record = new ErrorRecord(exception, "CpUnexpected." + exception.GetType().Name, ErrorCategory.NotSpecified, target);
            record.ErrorDetails = new ErrorDetails(redactor.Redact($"Waiting failed unexpectedly ({exception.GetType().Name}: {exception.Message})."))
            {
                RecommendedAction = $"The operation goes on. Resume with: {resume}",
            };
            return record;
        }

        public static ErrorRecord Create(CpErrorKind kind, string message, object? target, string? recommendedAction = null)
        {
            return From(new CpException(kind, message, recommendedAction), target);
        }

        /// <summary>Usage errors stop the command; failures of one item let the pipeline go on.</summary>
        public static bool IsTerminating(CpErrorKind kind)
        {
            return kind == CpErrorKind.NotConnected || kind == CpErrorKind.InvalidArgument || kind == CpErrorKind.AuthenticationFailed;
        }

        public static ErrorCategory CategoryFor(CpErrorKind kind)
        {
            switch (kind)
            {
                case CpErrorKind.NotConnected: return ErrorCategory.InvalidOperation;
                case CpErrorKind.AuthenticationFailed:
                case CpErrorKind.Unauthorized: return ErrorCategory.AuthenticationError;
                case CpErrorKind.AccessDenied: return ErrorCategory.PermissionDenied;
                case CpErrorKind.NotFound: return ErrorCategory.ObjectNotFound;
                case CpErrorKind.BadRequest: return ErrorCategory.InvalidArgument;
                case CpErrorKind.Conflict: return ErrorCategory.ResourceExists;
                case CpErrorKind.PreconditionFailed: return ErrorCategory.InvalidOperation;
                case CpErrorKind.ValidationFailed: return ErrorCategory.InvalidData;
                case CpErrorKind.Throttled: return ErrorCategory.LimitsExceeded;
                case CpErrorKind.InvalidArgument: return ErrorCategory.InvalidArgument;
                case CpErrorKind.ServiceError: return ErrorCategory.ConnectionError;
                case CpErrorKind.InvalidResponse: return ErrorCategory.InvalidResult;
                case CpErrorKind.OperationFailed: return ErrorCategory.InvalidResult;
                case CpErrorKind.OperationCanceled: return ErrorCategory.OperationStopped;
                case CpErrorKind.OperationTimeout: return ErrorCategory.OperationTimeout;
                case CpErrorKind.UntrustedLocation: return ErrorCategory.SecurityError;
                default: return ErrorCategory.NotSpecified;
            }
        }
    }
}
