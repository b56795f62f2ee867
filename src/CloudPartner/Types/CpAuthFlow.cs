namespace CloudPartner
{
    /// <summary>How a session gets its tokens.</summary>
    public enum CpAuthFlow
    {
        AccessToken,
        ClientSecret,
        Certificate,
        FederatedToken,
        ManagedIdentity,
        DeviceCode,
        Interactive,
    }
}
