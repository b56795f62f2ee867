using System.Collections.Generic;

namespace CloudPartner.Engine.Auth
{
    /// <summary>
    /// Implemented by a token provider that holds secrets from the start (a token passed in, a client secret): the
    /// session registers them with its redactor at once, before any request or error could show them.
    /// </summary>
    internal interface IKnownSecrets
    {
        IEnumerable<string> KnownSecrets { get; }
    }
}
