namespace CloudPartner
{
    /// <summary>The API a command works on: the Cloud Partner Portal API (offers integrated before Partner Center) or the
    /// Partner Center Product Ingestion API (every new product).</summary>
    public enum CpApi
    {
        /// <summary>The Cloud Partner Portal API, <c>https://cloudpartner.azure.com</c>.</summary>
        Cpp,

        /// <summary>The Product Ingestion API, <c>https://graph.microsoft.com/rp/product-ingestion</c>.</summary>
        ProductIngestion,
    }
}
