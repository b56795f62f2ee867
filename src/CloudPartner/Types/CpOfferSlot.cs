namespace CloudPartner
{
    /// <summary>
    /// Where a version of an offer lives: the editable draft, the preview published for testing, or production.
    /// (The cmdlets' own type, so that importing the module does not load the engine assembly.)
    /// </summary>
    public enum CpOfferSlot
    {
        Draft,
        Preview,
        Production,
    }
}
