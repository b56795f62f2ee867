namespace CloudPartner.Engine.Api
{
    internal enum OfferSlot
    {
        Draft,
        Preview,
        Production,
    }

    internal enum OperationKind
    {
        Publish,
        GoLive,
        Cancel,
    }
}
