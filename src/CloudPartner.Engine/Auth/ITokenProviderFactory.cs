namespace CloudPartner.Engine.Auth
{
    /// <summary>
    /// Makes token providers for the identity-provider flows. Implemented by the authentication assembly, which is loaded
    /// (with MSAL) in its own AssemblyLoadContext on PowerShell 7; this interface lives in the engine so both sides share it.
    /// </summary>
    internal interface ITokenProviderFactory
    {
        /// <summary>Validates the request and returns a provider; no request is sent until the provider is asked for a token.</summary>
        ITokenProvider Create(AuthenticationRequest request);
    }
}
