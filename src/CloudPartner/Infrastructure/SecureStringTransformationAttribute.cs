using System;
using System.Management.Automation;
using System.Security;

namespace CloudPartner.Infrastructure
{
    /// <summary>Lets a SecureString parameter also take a plain string, converting it at once.</summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class SecureStringTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
            return value is string text ? Secrets.ToSecureString(text) : inputData;
        }
    }

    internal static class Secrets
    {
        public static SecureString ToSecureString(string text) => Engine.Security.SecureText.ToSecureString(text);

        public static string ToPlainText(SecureString secure) => Engine.Security.SecureText.ToPlainText(secure);
    }
}
