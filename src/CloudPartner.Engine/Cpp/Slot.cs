namespace CloudPartner.Engine.Cpp
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
