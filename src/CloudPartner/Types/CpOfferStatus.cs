using System.Linq;
using CloudPartner.Engine.Models;

namespace CloudPartner
{
    /// <summary>The publishing status of an offer: its latest submission's steps and messages.</summary>
    public sealed class CpOfferStatus
    {
        internal CpOfferStatus(OfferStatusInfo status)
        {
            PublisherId = status.PublisherId;
            OfferId = status.OfferId;
            Status = status.Status;
            State = Types.Convert(status.State);
            Steps = status.Steps.Select(s => new CpStep(s)).ToArray();
            Messages = status.Messages.Select(m => new CpMessage(m)).ToArray();
            PreviewLinks = status.PreviewLinks.ToArray();
            LiveLinks = status.LiveLinks.ToArray();
            NotificationEmails = status.NotificationEmails.ToArray();
        }

        public string PublisherId { get; }

        public string OfferId { get; }

        /// <summary>The service's own status word.</summary>
        public string? Status { get; }

        public CpOperationState State { get; }

        public CpStep[] Steps { get; }

        public CpMessage[] Messages { get; }

        public string[] PreviewLinks { get; }

        public string[] LiveLinks { get; }

        public string[] NotificationEmails { get; }

        public override string ToString() => $"{OfferId}: {State}";
    }
}
