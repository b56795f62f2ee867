using System;
using System.Globalization;
using System.Management.Automation;

namespace CloudPartner.Infrastructure
{
    /// <summary>
    /// Reads a bare number given to a TimeSpan parameter as seconds (PowerShell alone would read it as ticks, so
    /// -PollingInterval 60 would mean 6 µs). Strings such as '00:01:30' and TimeSpans pass through.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    internal sealed class SecondsTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
            switch (value)
            {
                case int _:
                case long _:
                case short _:
                case byte _:
                case double _:
                case float _:
                case decimal _:
                    return TimeSpan.FromSeconds(Convert.ToDouble(value, CultureInfo.InvariantCulture));
                default:
                    return inputData;
            }
        }
    }
}
