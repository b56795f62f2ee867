using System;
using System.Linq;
using CloudPartner.Engine.Models;

namespace CloudPartner
{
    /// <summary>A long-running publish, go-live or cancel operation on an offer.</summary>
    public sealed class CpOperation
    {
        internal CpOperation(OperationInfo operation)
        {
            Info = operation;
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
            Location = operation.Location?.Uri;
            IsTerminal = operation.IsTerminal;
            Error = operation.Error;
        }

        public string? Id { get; }

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
