using System;
using System.Management.Automation;

namespace CloudPartner.Infrastructure
{
    /// <summary>Lets a SecureString parameter also take a plain string, converting it at once.</summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    internal sealed class SecureStringTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
            return value is string text ? Engine.Security.SecureText.ToSecureString(text) : inputData;
        }
    }
}
