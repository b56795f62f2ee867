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
    internal static class PSJson
    {
        /// <summary>
        /// The exact text of numbers that neither Int64 nor decimal reproduces (1E+3, -0.0, 1e400). They are shown as a
        /// double, wrapped in a PSObject this table remembers, and written back as read unless the value was replaced.
        /// </summary>
        private static readonly ConditionalWeakTable<PSObject, string> NumberText = new ConditionalWeakTable<PSObject, string>();

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
        /// Converts a parsed document straight to PowerShell objects, as <see cref="ToPSObject(JsonNode?)"/> does from
        /// nodes, without building the nodes first. A key that appears twice in one object is refused as
        /// <see cref="LosslessJson.Parse"/> refuses it.
        /// </summary>
        public static object? ToPSObject(JsonElement element, string what = "The response")
        {
            var walk = new Walk(what);
            try
            {
                return FromElement(element, walk);
            }
            catch (InvalidOperationException e)
            {
                // System.Text.Json refuses a key or string holding a lone UTF-16 surrogate only when it is read.
                throw LosslessJson.NotUtf16(walk.PathText(), e, what);
            }
        }

        /// <summary>Converts a PowerShell value (PSCustomObject, hashtable, array, scalar, or JSON node) to JSON.</summary>
        public static JsonNode? ToJsonNode(object? value, string parameterName)
        {
            return Convert(value, parameterName, "$", new HashSet<object>(ReferenceComparer.Instance), 0);
        }

        private static object? FromElement(JsonElement element, Walk walk)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    var result = new PSObject();
                    var names = walk.EnterObject();
                    foreach (var property in element.EnumerateObject())
                    {
                        var name = property.Name;
                        if (!names.Add(name))
                        {
                            throw LosslessJson.DuplicateKey(walk.PathText(), name, walk.What);
                        }

                        walk.Path.Add(new PathSegment(name, 0));
                        var value = FromElement(property.Value, walk);
                        walk.Path.RemoveAt(walk.Path.Count - 1);
                        result.Properties.Add(new PSNoteProperty(name, value));
                    }

                    walk.LeaveObject();
                    return result;
                case JsonValueKind.Array:
                    var items = new object?[element.GetArrayLength()];
                    var i = 0;
                    foreach (var item in element.EnumerateArray())
                    {
                        walk.Path.Add(new PathSegment(null, i));
                        items[i++] = FromElement(item, walk);
                        walk.Path.RemoveAt(walk.Path.Count - 1);
                    }

                    return items;
                default:
                    return ToScalar(element);
            }
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
                    if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer)
                        && integer.ToString(CultureInfo.InvariantCulture) == text)
                    {
                        return integer;
                    }

                    if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var exact)
                        && exact.ToString(CultureInfo.InvariantCulture) == text)
                    {
                        return exact;
                    }

                    var real = element.TryGetDouble(out var parsed) ? parsed : (text.StartsWith("-", StringComparison.Ordinal) ? double.NegativeInfinity : double.PositiveInfinity);
                    var shown = PSObject.AsPSObject(real);
                    NumberText.Add(shown, text);
                    return shown;
                default:
                    return null;
            }
        }

        private static JsonNode? Convert(object? value, string parameterName, string path, HashSet<object> ancestors, int depth)
        {
            if (depth > LosslessJson.MaxDepth)
            {
                throw new CpException(CpErrorKind.InvalidArgument, $"-{parameterName} is nested more than {LosslessJson.MaxDepth} levels deep at {Shorten(path)}.");
            }

            if (value is PSObject wrapped)
            {
                if (NumberText.TryGetValue(wrapped, out var numberText))
                {
                    return JsonNode.Parse(numberText);
                }

                if (wrapped.BaseObject is PSCustomObject)
                {
                    return Enter(wrapped, parameterName, path, ancestors, () =>
                    {
                        var obj = new JsonObject();
                        foreach (var property in wrapped.Properties)
                        {
                            if (property.MemberType == PSMemberTypes.NoteProperty || property.MemberType == PSMemberTypes.Property)
                            {
                                obj[property.Name] = Convert(property.Value, parameterName, path + "." + property.Name, ancestors, depth + 1);
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
                    return JsonValue.Create(System.Convert.ToInt64(value, CultureInfo.InvariantCulture));
                case ulong u:
                    return JsonValue.Create(u);
                case decimal d:
                    return JsonValue.Create(d);
                case double dbl:
                    return Finite(dbl, parameterName, path) ? JsonValue.Create(dbl) : null;
                case float f:
                    return Finite(f, parameterName, path) ? JsonValue.Create(f) : null;
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
                            obj[key] = Convert(entry.Value, parameterName, path + "." + key, ancestors, depth + 1);
                        }

                        return obj;
                    });
                case IEnumerable enumerable:
                    return Enter(enumerable, parameterName, path, ancestors, () =>
                    {
                        var array = new JsonArray();
                        var index = 0;
                        foreach (var item in enumerable)
                        {
                            array.Add(Convert(item, parameterName, path + "[" + index + "]", ancestors, depth + 1));
                            index++;
                        }

                        return array;
                    });
                default:
                    throw new CpException(
                        CpErrorKind.InvalidArgument,
                        $"-{parameterName} holds a {value.GetType().FullName} at {Shorten(path)}, which has no JSON form. Use PSCustomObjects, hashtables, arrays, strings, numbers and booleans.");
            }
        }

        private static JsonNode Enter(object container, string parameterName, string path, HashSet<object> ancestors, Func<JsonNode> build)
        {
            if (!ancestors.Add(container))
            {
                throw new CpException(CpErrorKind.InvalidArgument, $"-{parameterName} contains a cycle: the object at {Shorten(path)} contains itself.");
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

        private static string Shorten(string path) => path.Length > 120 ? path.Substring(0, 60) + "…" + path.Substring(path.Length - 59) : path;

        private static bool Finite(double value, string parameterName, string path)
        {
            if (double.IsNaN(value) || double.IsInfinity(value))
            {
                throw new CpException(CpErrorKind.InvalidArgument, $"-{parameterName} holds {value} at {Shorten(path)}, which JSON cannot represent.");
            }

            return true;
        }

        /// <summary>
        /// State of one conversion: where it is in the document (for the error only) and the keys seen in each object
        /// being converted, one reusable set per depth.
        /// </summary>
        private sealed class Walk
        {
            private readonly List<HashSet<string>> keySets = new List<HashSet<string>>();
            private int depth;

            public Walk(string what)
            {
                What = what;
            }

            public string What { get; }

            public List<PathSegment> Path { get; } = new List<PathSegment>();

            public HashSet<string> EnterObject()
            {
                if (depth == keySets.Count)
                {
                    keySets.Add(new HashSet<string>(StringComparer.Ordinal));
                }

                var keys = keySets[depth++];
                keys.Clear();
                return keys;
            }

            public void LeaveObject() => depth--;

            public string PathText()
            {
                var text = new System.Text.StringBuilder("$");
                foreach (var segment in Path)
                {
                    if (segment.Name is null)
                    {
                        text.Append('[').Append(segment.Index.ToString(CultureInfo.InvariantCulture)).Append(']');
                    }
                    else
                    {
                        text.Append('.').Append(segment.Name);
                    }
                }

                return text.ToString();
            }
        }

        /// <summary>Where the conversion is in the document: a key, or an index when Name is null.</summary>
        private readonly struct PathSegment
        {
            public PathSegment(string? name, int index)
            {
                Name = name;
                Index = index;
            }

            public string? Name { get; }

            public int Index { get; }
        }

        private sealed class ReferenceComparer : IEqualityComparer<object>
        {
            public static readonly ReferenceComparer Instance = new ReferenceComparer();

            public new bool Equals(object? x, object? y) => ReferenceEquals(x, y);

            public int GetHashCode(object obj) => RuntimeHelpers.GetHashCode(obj);
        }
    }
}
