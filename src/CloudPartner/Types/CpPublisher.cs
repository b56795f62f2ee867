using System.Linq;
using CloudPartner.Engine.Models;

namespace CloudPartner
{
    /// <summary>A publisher account the session can reach.</summary>
    public sealed class CpPublisher
    {
        internal CpPublisher(PublisherInfo publisher)
        {
            Id = publisher.Id;
            DisplayText = publisher.DisplayText;
            OfferTypeCategories = publisher.OfferTypeCategories.ToArray();
            SellerId = publisher.SellerId;
        }

        public string? Id { get; }

        public string? DisplayText { get; }

        public string[] OfferTypeCategories { get; }

        public long? SellerId { get; }

        /// <summary>Lets Get-CpOffer and others bind -PublisherId from a publisher in the pipeline.</summary>
        [System.Management.Automation.Hidden]
        public string? PublisherId => Id;

        public override string ToString() => Id ?? string.Empty;
    }
}
