using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Json;

namespace CloudPartner.Infrastructure
{
    /// <summary>
    /// Converts between JSON and PowerShell objects without the losses of ConvertFrom-Json/ConvertTo-Json:
    /// objects become PSCustomObjects with properties in document order, strings stay strings (no date parsing),
    /// integers stay Int64 (or decimal beyond), decimals keep their digits, and there is no depth limit short of
    /// <see cref="LosslessJson.MaxDepth"/>.
    /// </summary>
    public static class PSJson
    {
        public static object? ToPSObject(JsonNode? node)
        {
            switch (node)
            {
                case null:
                    return null;
                case JsonObject obj:
                    var result = new PSObject();
                    foreach (var property in obj)
                    {
                        result.Properties.Add(new PSNoteProperty(property.Key, ToPSObject(property.Value)));
                    }

                    return result;
                case JsonArray array:
                    var items = new object?[array.Count];
                    for (var i = 0; i < array.Count; i++)
                    {
                        items[i] = ToPSObject(array[i]);
                    }

                    return items;
                case JsonValue value:
                    return ToScalar(JsonFields.AsElement(value));
                default:
                    return null;
            }
        }

        /// <summary>
        /// Converts a PowerShell value (PSCustomObject, hashtable, array, scalar, or JSON node) to JSON. When the value
        /// was made from <paramref name="original"/>, numbers whose value did not change keep their original text
        /// (1E+3 stays 1E+3, -0.0 stays -0.0), which the PowerShell number types alone cannot remember.
        /// </summary>
        public static JsonNode? ToJsonNode(object? value, string parameterName, JsonNode? original = null)
        {
            return Convert(value, parameterName, "$", new HashSet<object>(ReferenceComparer.Instance), 0, original);
        }

        private static object? ToScalar(JsonElement element)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    return element.GetString();
                case JsonValueKind.True:
                    return true;
                case JsonValueKind.False:
                    return false;
                case JsonValueKind.Number:
                    var text = element.GetRawText();
                    if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
                    {
                        return integer;
                    }

                    if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var exact)
                        && exact.ToString(CultureInfo.InvariantCulture) == text)
                    {
                        return exact;
                    }

                    return element.GetDouble();
                default:
                    return null;
            }
        }

        private static JsonNode? Convert(object? value, string parameterName, string path, HashSet<object> ancestors, int depth, JsonNode? original)
        {
            if (depth > LosslessJson.MaxDepth)
            {
                throw new CpException(CpErrorKind.InvalidArgument, $"-{parameterName} is nested more than {LosslessJson.MaxDepth} levels deep at {path}.");
            }

            if (value is PSObject wrapped)
            {
                if (wrapped.BaseObject is PSCustomObject)
                {
                    return Enter(wrapped, parameterName, path, ancestors, () =>
                    {
                        var obj = new JsonObject();
                        foreach (var property in wrapped.Properties)
                        {
                            if (property.MemberType == PSMemberTypes.NoteProperty || property.MemberType == PSMemberTypes.Property)
                            {
                                obj[property.Name] = Convert(property.Value, parameterName, path + "." + property.Name, ancestors, depth + 1, Child(original, property.Name));
                            }
                        }

                        return obj;
                    });
                }

                value = wrapped.BaseObject;
            }

            switch (value)
            {
                case null:
                    return null;
                case JsonNode node:
                    return node.DeepClone();
                case string text:
                    return JsonValue.Create(text);
                case char c:
                    return JsonValue.Create(c.ToString());
                case bool b:
                    return JsonValue.Create(b);
                case byte _:
                case sbyte _:
                case short _:
                case ushort _:
                case int _:
                case uint _:
                case long _:
                    var integer = System.Convert.ToInt64(value, CultureInfo.InvariantCulture);
                    return KeepText(original, integer) ?? JsonValue.Create(integer);
                case ulong u:
                    return KeepText(original, u) ?? JsonValue.Create(u);
                case decimal d:
                    return KeepText(original, d) ?? JsonValue.Create(d);
                case double dbl:
                    return Finite(dbl, parameterName, path) ? KeepText(original, (decimal?)ToDecimal(dbl), dbl) ?? JsonValue.Create(dbl) : null;
                case float f:
                    return Finite(f, parameterName, path) ? KeepText(original, (decimal?)ToDecimal(f), f) ?? JsonValue.Create(f) : null;
                case System.Numerics.BigInteger big:
                    return JsonNode.Parse(big.ToString(CultureInfo.InvariantCulture));
                case DateTime date:
                    return JsonValue.Create(date.ToString("o", CultureInfo.InvariantCulture));
                case DateTimeOffset offset:
                    return JsonValue.Create(offset.ToString("o", CultureInfo.InvariantCulture));
                case Guid guid:
                    return JsonValue.Create(guid.ToString("D"));
                case Uri uri:
                    return JsonValue.Create(uri.OriginalString);
                case Enum e:
                    return JsonValue.Create(e.ToString());
                case IDictionary dictionary:
                    return Enter(dictionary, parameterName, path, ancestors, () =>
                    {
                        var obj = new JsonObject();
                        foreach (DictionaryEntry entry in dictionary)
                        {
                            var key = System.Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty;
                            obj[key] = Convert(entry.Value, parameterName, path + "." + key, ancestors, depth + 1, Child(original, key));
                        }

                        return obj;
                    });
                case IEnumerable enumerable:
                    return Enter(enumerable, parameterName, path, ancestors, () =>
                    {
                        var array = new JsonArray();
                        var index = 0;
                        var originalArray = original as JsonArray;
                        foreach (var item in enumerable)
                        {
                            var originalItem = originalArray != null && index < originalArray.Count ? originalArray[index] : null;
                            array.Add(Convert(item, parameterName, path + "[" + index + "]", ancestors, depth + 1, originalItem));
                            index++;
                        }

                        return array;
                    });
                default:
                    throw new CpException(
                        CpErrorKind.InvalidArgument,
                        $"-{parameterName} holds a {value.GetType().FullName} at {path}, which has no JSON form. Use PSCustomObjects, hashtables, arrays, strings, numbers and booleans.");
            }
        }

        private static JsonNode? Child(JsonNode? original, string key)
        {
            return original is JsonObject obj && obj.TryGetPropertyValue(key, out var child) ? child : null;
        }

        /// <summary>The original number node when it holds the same value as <paramref name="value"/>, else null.</summary>
        private static JsonNode? KeepText(JsonNode? original, decimal? value, double? asDouble = null)
        {
            if (!(original is JsonValue originalValue))
            {
                return null;
            }

            var element = JsonFields.AsElement(originalValue);
            if (element.ValueKind != JsonValueKind.Number)
            {
                return null;
            }

            var text = element.GetRawText();
            if (value.HasValue && decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var originalDecimal))
            {
                return originalDecimal == value.Value ? original.DeepClone() : null;
            }

            if (asDouble.HasValue && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var originalDouble))
            {
                return originalDouble.Equals(asDouble.Value) ? original.DeepClone() : null;
            }

            return null;
        }

        private static decimal? ToDecimal(double value)
        {
            return value >= (double)decimal.MinValue && value <= (double)decimal.MaxValue ? (decimal?)(decimal)value : null;
        }

        private static JsonNode Enter(object container, string parameterName, string path, HashSet<object> ancestors, Func<JsonNode> build)
        {
            if (!ancestors.Add(container))
            {
                throw new CpException(CpErrorKind.InvalidArgument, $"-{parameterName} contains a cycle: the object at {path} contains itself.");
            }

            try
            {
                return build();
            }
            finally
            {
                ancestors.Remove(container);
            }
        }

        private static bool Finite(double value, string parameterName, string path)
        {
            if (double.IsNaN(value) || double.IsInfinity(value))
            {
                throw new CpException(CpErrorKind.InvalidArgument, $"-{parameterName} holds {value} at {path}, which JSON cannot represent.");
            }

            return true;
        }

        private sealed class ReferenceComparer : IEqualityComparer<object>
        {
            public static readonly ReferenceComparer Instance = new ReferenceComparer();

            public new bool Equals(object? x, object? y) => ReferenceEquals(x, y);

            public int GetHashCode(object obj) => RuntimeHelpers.GetHashCode(obj);
        }
    }
}
