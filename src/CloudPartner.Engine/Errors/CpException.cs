using System;
using System.Net;

namespace CloudPartner.Engine.Errors
{
    /// <summary>
    /// A failure with a stable kind, the HTTP facts that caused it, and what the user should do next. Public because
    /// scripts inspect it in a catch block (about_CloudPartner, ERRORS); only the engine creates one.
    /// </summary>
    public class CpException : Exception
    {
        internal CpException(CpErrorKind kind, string message, string? recommendedAction = null, Exception? inner = null)
            : base(message, inner)
        {
            Kind = kind;
            RecommendedAction = recommendedAction ?? ErrorAdvice.For(kind);
        }

        public CpErrorKind Kind { get; }

        public string ErrorId => "Cp" + Kind;

        public HttpStatusCode? StatusCode { get; internal set; }

        /// <summary>The service's <c>error.code</c>, when it sent one.</summary>
        public string? ServiceCode { get; internal set; }

        /// <summary>The service's <c>error.message</c> (or <c>Message</c> on 401 bodies), when it sent one.</summary>
        public string? ServiceMessage { get; internal set; }

        /// <summary>The request URL with secrets redacted.</summary>
        public string? RequestUri { get; internal set; }

        public string? HttpMethod { get; internal set; }

        public string RecommendedAction { get; internal set; }

        /// <summary>
        /// True when a request that starts something (a POST) may or may not have been acted on: the connection dropped
        /// or the server failed after receiving it. Callers look for the operation before trying again.
        /// </summary>
        public bool OutcomeUnknown { get; internal set; }

        /// <summary>What the failure is about (offer id, operation), for the PowerShell error record.</summary>
        public object? Target { get; internal set; }

        /// <summary>
        /// A failure that may not happen again (the service failed or throttled after retries, or its answer could not
        /// be read): a poll or a look-up is worth trying again after a backoff. Every other kind will not change by waiting.
        /// </summary>
        public bool IsTransient => Kind == CpErrorKind.ServiceError || Kind == CpErrorKind.Throttled || Kind == CpErrorKind.InvalidResponse;
    }

    internal static class ErrorAdvice
    {
        public static string For(CpErrorKind kind)
        {
            switch (kind)
            {
                case CpErrorKind.NotConnected: return "Run Connect-CpAccount first, or pass -Session.";
                case CpErrorKind.AuthenticationFailed: return "Check the tenant id, client id and credential, then run Connect-CpAccount again.";
                case CpErrorKind.Unauthorized: return "The token was refused. Run Connect-CpAccount again to get a new one.";
                case CpErrorKind.AccessDenied: return "Add the service principal to the publisher account in Partner Center, and check -PublisherId.";
                case CpErrorKind.NotFound: return "Check the publisher id, offer id, version, slot or operation id (Get-CpOffer lists offers).";
                case CpErrorKind.BadRequest: return "Fix the request as the service's message says; do not retry it unchanged.";
                case CpErrorKind.Conflict: return "Another operation or offer is in the way: check Get-CpOperation, or use Set-CpOffer to modify an existing offer.";
                case CpErrorKind.PreconditionFailed: return "The offer changed since it was read. Read it again with Get-CpOffer, re-apply the change, then Set-CpOffer (or use -Force to overwrite).";
                case CpErrorKind.ValidationFailed: return "The offer failed validation: fix the offer definition, then publish again.";
                case CpErrorKind.Throttled: return "The service is throttling. Wait, or raise -MaxRetries on Connect-CpAccount.";
                case CpErrorKind.InvalidArgument: return "Correct the parameter value and run the command again.";
                case CpErrorKind.ServiceError: return "The service failed after retries. Try again later; check Get-CpOperation before repeating a publish or go-live.";
                case CpErrorKind.InvalidResponse: return "The service answered with something that is not the expected JSON. Run with -Debug to see the body, and try again later.";
                case CpErrorKind.OperationFailed: return "Read the failing step's messages, fix the offer, then publish again.";
                case CpErrorKind.OperationCanceled: return "The operation was canceled. Start it again when ready.";
                case CpErrorKind.OperationTimeout: return "The operation is still running. Resume waiting with Get-CpOperation -Location '<location>' | Wait-CpOperation.";
                case CpErrorKind.UntrustedLocation: return "The service pointed to a location outside the session's endpoint; the module will not follow it or send the token there.";
                default: return "See the error message.";
            }
        }
    }
}
