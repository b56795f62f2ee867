using System.Management.Automation;
using CloudPartner.Engine.Errors;

namespace CloudPartner.Infrastructure
{
    /// <summary>The one place where engine failures become PowerShell error records.</summary>
    internal static class ErrorRecords
    {
        public static ErrorRecord From(CpException exception, object? target)
        {
            var record = new ErrorRecord(exception, exception.ErrorId, CategoryFor(exception.Kind), target ?? exception.Target);
            record.ErrorDetails = new ErrorDetails(exception.Message) { RecommendedAction = exception.RecommendedAction };
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
