using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudPartner.Engine.Errors;

namespace CloudPartner.Engine.Json
{
    /// <summary>
    /// Lenient, typed reads of known fields: absent or null gives null, a value of the wrong kind gives a clear
    /// <see cref="CpErrorKind.InvalidResponse"/> naming the field, never another exception.
    /// </summary>
    internal static class JsonFields
    {
        public static JsonNode? Get(JsonObject obj, string name)
        {
            if (obj.TryGetPropertyValue(name, out var exact))
            {
                return exact;
            }

            foreach (var property in obj)
            {
                if (string.Equals(property.Key, name, StringComparison.OrdinalIgnoreCase))
                {
                    return property.Value;
                }
            }

            return null;
        }

        public static string? String(JsonObject obj, string name)
        {
            var node = Get(obj, name);
            if (node is null)
            {
                return null;
            }

            if (node is JsonValue value)
            {
                var element = AsElement(value);
                switch (element.ValueKind)
                {
                    case JsonValueKind.String: return element.GetString();
                    case JsonValueKind.Number: return element.GetRawText();
                    case JsonValueKind.True: return "true";
                    case JsonValueKind.False: return "false";
                    case JsonValueKind.Null: return null;
                }
            }

            throw WrongType(name, "a string", node);
        }

        public static long? Int64(JsonObject obj, string name)
        {
            var node = Get(obj, name);
            if (node is null)
            {
                return null;
            }

            if (node is JsonValue value)
            {
                var element = AsElement(value);
                if (element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out var number))
                {
                    return number;
                }

                if (element.ValueKind == JsonValueKind.Number && element.TryGetDouble(out var real) && Math.Abs(real) < 9.2e18 && Math.Floor(real) == real)
                {
                    return (long)real;
                }

                if (element.ValueKind == JsonValueKind.String && long.TryParse(element.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed))
                {
                    return parsed;
                }

                if (element.ValueKind == JsonValueKind.Null || (element.ValueKind == JsonValueKind.String && string.IsNullOrEmpty(element.GetString())))
                {
                    return null;
                }
            }

            throw WrongType(name, "an integer", node);
        }

        public static bool? Boolean(JsonObject obj, string name)
        {
            var node = Get(obj, name);
            if (node is JsonValue value)
            {
                var element = AsElement(value);
                if (element.ValueKind == JsonValueKind.True || element.ValueKind == JsonValueKind.False)
                {
                    return element.GetBoolean();
                }

                if (element.ValueKind == JsonValueKind.String && bool.TryParse(element.GetString(), out var parsed))
                {
                    return parsed;
                }

                if (element.ValueKind == JsonValueKind.Null)
                {
                    return null;
                }
            }

            return node is null ? (bool?)null : throw WrongType(name, "true or false", node);
        }

        /// <summary>Timestamps with or without 'Z' and with 0–7 fractional digits; a timestamp without offset is UTC.</summary>
        public static DateTimeOffset? Timestamp(JsonObject obj, string name)
        {
            var text = String(obj, name);
            return ParseTimestamp(text);
        }

        public static DateTimeOffset? ParseTimestamp(string? text)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                return null;
            }

            return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
                ? parsed
                : (DateTimeOffset?)null;
        }

        public static JsonObject? Object(JsonObject obj, string name)
        {
            var node = Get(obj, name);
            return node switch
            {
                null => null,
                JsonObject o => o,
                _ => throw WrongType(name, "an object", node),
            };
        }

        public static JsonArray? Array(JsonObject obj, string name)
        {
            var node = Get(obj, name);
            return node switch
            {
                null => null,
                JsonArray a => a,
                _ => throw WrongType(name, "an array", node),
            };
        }

        /// <summary>The objects in an array field; a non-object element is an invalid response.</summary>
        public static IEnumerable<JsonObject> Objects(JsonObject obj, string name)
        {
            var array = Array(obj, name);
            if (array is null)
            {
                yield break;
            }

            foreach (var item in array)
            {
                if (item is JsonObject element)
                {
                    yield return element;
                }
                else if (item != null)
                {
                    throw WrongType(name + "[]", "an object", item);
                }
            }
        }

        public static IReadOnlyList<string> Strings(JsonObject obj, string name)
        {
            var node = Get(obj, name);
            var list = new List<string>();
            switch (node)
            {
                case null:
                    break;
                case JsonArray array:
                    foreach (var item in array)
                    {
                        if (item is JsonValue v && AsElement(v).ValueKind == JsonValueKind.String)
                        {
                            list.Add(AsElement(v).GetString()!);
                        }
                        else if (item is JsonObject o)
                        {
                            // Link objects ({displayText, uri}) have no documented shape; keep their JSON text.
                            list.Add(LosslessJson.Write(o));
                        }
                    }

                    break;
                default:
                    var text = String(obj, name);
                    if (!string.IsNullOrEmpty(text))
                    {
                        foreach (var part in text!.Split(new[] { ',', ';' }, StringSplitOptions.RemoveEmptyEntries))
                        {
                            list.Add(part.Trim());
                        }
                    }

                    break;
            }

            return list;
        }

        /// <summary>The value as a JsonElement, whether it was parsed or built in memory.</summary>
        public static JsonElement AsElement(JsonValue value)
        {
            if (value.TryGetValue<JsonElement>(out var element))
            {
                return element;
            }

            using var document = JsonDocument.Parse(value.ToJsonString());
            return document.RootElement.Clone();
        }

        private static CpException WrongType(string name, string expected, JsonNode node)
        {
            var kind = node is JsonObject ? "an object" : node is JsonArray ? "an array" : "the value " + Shorten(node.ToJsonString());
            return new CpException(CpErrorKind.InvalidResponse, $"The response's '{name}' should be {expected} but is {kind}.");
        }

        private static string Shorten(string text) => text.Length > 40 ? text.Substring(0, 40) + "…" : text;
    }
}
