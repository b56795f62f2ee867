namespace CloudPartner.Engine.Models
{
    /// <summary>The two APIs an offer can be on: the Cloud Partner Portal API and the Partner Center Product Ingestion API.</summary>
    internal enum ApiKind
    {
        Cpp,
        ProductIngestion,
    }
}
