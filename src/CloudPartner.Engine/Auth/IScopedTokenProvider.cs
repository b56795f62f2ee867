namespace CloudPartner.Engine.Auth
{
    /// <summary>
    /// A sign-in that can get tokens for another API from the same credentials (and, for a user, the same account, so
    /// that nobody signs in twice): every MSAL flow. A token given as text has no such power.
    /// </summary>
    internal interface IScopedTokenProvider
    {
        /// <summary>A provider of tokens for <paramref name="scope"/> (e.g. <c>https://graph.microsoft.com/.default</c>), renewed like this one's.</summary>
        ITokenProvider ForScope(string scope);
    }
}
