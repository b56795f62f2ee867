using System;
using CloudPartner.Engine.Http;
using CloudPartner.Engine.Security;
using Microsoft.Identity.Client;

namespace CloudPartner.Authentication
{
    /// <summary>MSAL's log, without personal data, redacted, to the debug stream of the command running now.</summary>
    internal static class MsalLog
    {
        public const LogLevel Level = LogLevel.Info;

        public static LogCallback To(Redactor redactor, Func<IRequestObserver> commandRunningNow)
        {
            return (level, message, containsPii) =>
            {
                if (!containsPii)
                {
                    commandRunningNow().Debug(redactor.Redact("MSAL " + level + ": " + message));
                }
            };
        }
    }
}
