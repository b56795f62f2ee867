using System;
using System.Linq;
using CloudPartner.Engine.Models;
using CloudPartner.Engine.Security;

namespace CloudPartner
{
    /// <summary>A long-running publish, go-live or cancel operation on an offer.</summary>
    public sealed class CpOperation
    {
        /// <param name="redactor">The session's: the Location shown passes it (a -Location given with a secret in its
        /// query must not be echoed); polling uses the operation's own, unredacted address.</param>
        internal CpOperation(OperationInfo operation, Redactor redactor)
        {
            Info = operation;
            Api = (CpApi)Enum.Parse(typeof(CpApi), operation.Api.ToString());
            ProductId = operation.ProductId;
            JobId = operation.JobId;
            SubmissionId = operation.SubmissionId;
            Id = operation.Id;
            PublisherId = operation.PublisherId;
            OfferId = operation.OfferId;
            SubmissionType = operation.SubmissionType;
            Status = operation.Status;
            State = Types.Convert(operation.State);
            Slot = operation.Slot;
            OfferVersion = operation.OfferVersion;
            PublishingVersion = operation.PublishingVersion;
            CreatedDateTime = operation.CreatedDateTime;
            LastActionDateTime = operation.LastActionDateTime;
            CancellationRequestState = operation.CancellationRequestState;
            Steps = operation.Steps.Select(s => new CpStep(s)).ToArray();
            Messages = operation.Messages.Select(m => new CpMessage(m)).ToArray();
            var current = operation.CurrentStep;
            CurrentStep = current is null ? null : Steps[IndexOf(operation, current)];
            PercentComplete = operation.PercentComplete;
            Location = operation.Location is null ? null : Shown(operation.Location.Uri, redactor);
            IsTerminal = operation.IsTerminal;
            Error = operation.Error;
        }

        public string? Id { get; }

        /// <summary>The API the operation is on; commands it is piped to work on the same API.</summary>
        public CpApi Api { get; }

        /// <summary>Product Ingestion: the product's durable id.</summary>
        public string? ProductId { get; }

        /// <summary>Product Ingestion: the configure job that Wait-CpOperation follows and Stop-CpOperation cancels.</summary>
        public string? JobId { get; }

        /// <summary>Product Ingestion: the submission's durable id, once known.</summary>
        public string? SubmissionId { get; }

        public string PublisherId { get; }

        public string OfferId { get; }

        public string? SubmissionType { get; }

        /// <summary>The service's own status word.</summary>
        public string? Status { get; }

        public CpOperationState State { get; }

        public string? Slot { get; }

        public long? OfferVersion { get; }

        public long? PublishingVersion { get; }

        public DateTimeOffset? CreatedDateTime { get; }

        public DateTimeOffset? LastActionDateTime { get; }

        public string? CancellationRequestState { get; }

        public CpStep[] Steps { get; }

        public CpMessage[] Messages { get; }

        public CpStep? CurrentStep { get; }

        public int PercentComplete { get; }

        /// <summary>The absolute URL of the operation; Get-CpOperation -Location takes it back.</summary>
        public Uri? Location { get; }

        public bool IsTerminal { get; }

        public string? Error { get; }

        internal OperationInfo Info { get; }

        public override string ToString() => $"{SubmissionType} {OfferId} {State}";

        private static Uri Shown(Uri uri, Redactor redactor)
        {
            var text = uri.OriginalString;
            var redacted = redactor.Redact(text);
            return redacted == text ? uri : new Uri(redacted, UriKind.RelativeOrAbsolute);
        }

        private static int IndexOf(OperationInfo operation, StepInfo step)
        {
            for (var i = 0; i < operation.Steps.Count; i++)
            {
                if (ReferenceEquals(operation.Steps[i], step))
                {
                    return i;
                }
            }

            return 0;
        }
    }
}
