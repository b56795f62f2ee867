namespace CloudPartner.Engine.Models
{
    /// <summary>The normalized state of an offer or operation; see <see cref="StatusMapper"/>.</summary>
    internal enum OperationState
    {
        NeverPublished,
        NotStarted,
        Running,
        WaitingForPublisherReview,
        Succeeded,
        Failed,
        Canceled,
        Unknown,
    }
}
