namespace CloudPartner
{
    /// <summary>
    /// The state of an offer or operation, normalized from the service's words: complete/completed/succeeded are
    /// Succeeded; canceled/cancelled Canceled; a running operation waiting at publisher sign-off is
    /// WaitingForPublisherReview; anything unknown is Unknown (the raw word stays in Status).
    /// </summary>
    public enum CpOperationState
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
