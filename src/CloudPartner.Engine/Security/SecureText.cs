using System.Net;
using System.Security;

namespace CloudPartner.Engine.Security
{
    /// <summary>Conversions between text and SecureString, in one place.</summary>
    internal static class SecureText
    {
        public static SecureString ToSecureString(string text)
        {
            var secure = new SecureString();
            foreach (var c in text)
            {
                secure.AppendChar(c);
            }

            secure.MakeReadOnly();
            return secure;
        }

        /// <summary>The text of <paramref name="secure"/>, for the moment it must be handed to an API that takes a string.</summary>
        public static string ToPlainText(SecureString secure) => new NetworkCredential(string.Empty, secure).Password;
    }
}
