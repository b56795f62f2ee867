namespace CloudPartner.Engine.Api
{
    public enum OfferSlot
    {
        Draft,
        Preview,
        Production,
    }

    public enum OperationKind
    {
        Publish,
        GoLive,
        Cancel,
    }
}
