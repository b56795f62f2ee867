using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudPartner.Engine.Errors;

namespace CloudPartner.Engine.Json
{
    /// <summary>
    /// Parsing and writing of offer documents without loss: key order, strings (dates stay strings), number text
    /// (Int64 and beyond) and nesting at any depth survive a read → write round trip. HTML characters are not escaped,
    /// so SAS URLs keep their '&amp;'.
    /// </summary>
    internal static class LosslessJson
    {
        public const int MaxDepth = 1000;

        private static readonly JsonDocumentOptions ReadOptions = new JsonDocumentOptions
        {
            MaxDepth = MaxDepth,
            CommentHandling = JsonCommentHandling.Disallow,
            AllowTrailingCommas = false,
        };

        private static readonly JsonSerializerOptions WriteOptions = new JsonSerializerOptions
        {
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            MaxDepth = MaxDepth,
            WriteIndented = false,
        };

        private static readonly JsonSerializerOptions IndentedOptions = new JsonSerializerOptions
        {
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            MaxDepth = MaxDepth,
            WriteIndented = true,
        };

        /// <summary>Parses JSON text; malformed text raises <see cref="CpErrorKind.InvalidResponse"/> (or the given kind) with where it broke.</summary>
        public static JsonNode? Parse(string text, string what = "The response", CpErrorKind kind = CpErrorKind.InvalidResponse)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                throw new CpException(kind, $"{what} is empty where JSON was expected.");
            }

            if (text.TrimStart().StartsWith("<", StringComparison.Ordinal))
            {
                throw new CpException(kind, $"{what} is an HTML or XML page, not JSON (a proxy or gateway may have answered instead of the service).");
            }

            try
            {
                var node = JsonNode.Parse(text, nodeOptions: null, documentOptions: ReadOptions);
                Validate(node);
                return node;
            }
            catch (JsonException e)
            {
                throw NotJson(what, kind, e);
            }
        }

        /// <summary>
        /// Parses JSON text into a read-only document, for callers that only walk it once (no editing, no tree of
        /// nodes). Same limits and errors as <see cref="Parse"/>, except duplicate keys and lone surrogates, which the
        /// caller checks as it walks (see <see cref="DuplicateKey"/> and <see cref="NotUtf16"/>). Dispose the document.
        /// </summary>
        public static JsonDocument ParseDocument(string text, string what = "The response", CpErrorKind kind = CpErrorKind.InvalidResponse)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                throw new CpException(kind, $"{what} is empty where JSON was expected.");
            }

            if (text.TrimStart().StartsWith("<", StringComparison.Ordinal))
            {
                throw new CpException(kind, $"{what} is an HTML or XML page, not JSON (a proxy or gateway may have answered instead of the service).");
            }

            try
            {
                return JsonDocument.Parse(text, ReadOptions);
            }
            catch (JsonException e)
            {
                throw NotJson(what, kind, e);
            }
        }

        /// <summary>The error for an object that has <paramref name="key"/> twice, as <see cref="Parse"/> reports it.</summary>
        public static CpException DuplicateKey(string path, string key, string what = "The response", CpErrorKind kind = CpErrorKind.InvalidResponse)
        {
            return new CpException(kind, $"{what} is not valid JSON: Duplicate key in the object at {path}: An item with the same key has already been added. Key: {key}");
        }

        /// <summary>The error for a key or string that holds a lone UTF-16 surrogate, as <see cref="Parse"/> reports it.</summary>
        public static CpException NotUtf16(string path, InvalidOperationException e, string what = "The response", CpErrorKind kind = CpErrorKind.InvalidResponse)
        {
            return new CpException(kind, $"{what} is not valid JSON: A key or string at {Shorten(path)} is not valid UTF-16 text: {FirstLine(e.Message)}", inner: e);
        }

        /// <summary>Parses a JSON object; anything else (array, null, number) is an invalid response.</summary>
        public static JsonObject ParseObject(string text, string what = "The response", CpErrorKind kind = CpErrorKind.InvalidResponse)
        {
            return Parse(text, what, kind) as JsonObject
                ?? throw new CpException(kind, $"{what} is JSON but not an object.");
        }

        public static JsonArray ParseArray(string text, string what = "The response", CpErrorKind kind = CpErrorKind.InvalidResponse)
        {
            return Parse(text, what, kind) as JsonArray
                ?? throw new CpException(kind, $"{what} is JSON but not an array.");
        }

        public static string Write(JsonNode? node, bool indented = false)
        {
            if (node is null)
            {
                return "null";
            }

            return node.ToJsonString(indented ? IndentedOptions : WriteOptions);
        }

        /// <summary>
        /// Walks the whole tree once, so that everything a reader may later ask of it is known to work: JsonObject
        /// reports duplicate keys lazily, and System.Text.Json refuses to decode a string or key holding a lone UTF-16
        /// surrogate ("\ud800") only when it is read. Both surface here, at parse time, as a JsonException.
        /// </summary>
        private static void Validate(JsonNode? node)
        {
            // The path is worked out only for an error, so that a clean document costs no strings.
            switch (node)
            {
                case JsonObject obj:
                    try
                    {
                        foreach (var property in obj)
                        {
                            Validate(property.Value);
                        }
                    }
                    catch (ArgumentException e)
                    {
                        throw new JsonException($"Duplicate key in the object at {Shorten(PathOf(obj))}: {e.Message}", e);
                    }
                    catch (InvalidOperationException e)
                    {
                        throw new JsonException($"A key of the object at {Shorten(PathOf(obj))} is not valid UTF-16 text: {e.Message}", e);
                    }

                    break;
                case JsonArray array:
                    for (var i = 0; i < array.Count; i++)
                    {
                        Validate(array[i]);
                    }

                    break;
                case JsonValue value when value.TryGetValue<JsonElement>(out var element) && element.ValueKind == JsonValueKind.String:
                    try
                    {
                        element.GetString();
                    }
                    catch (InvalidOperationException e)
                    {
                        throw new JsonException($"The string at {Shorten(PathOf(value))} is not valid UTF-16 text: {e.Message}", e);
                    }

                    break;
            }
        }

        /// <summary>The path of a node in its document: <c>$</c>, then <c>.key</c> and <c>[index]</c> segments.</summary>
        private static string PathOf(JsonNode node)
        {
            var segments = new List<string>();
            for (var child = node; child.Parent is JsonNode parent; child = parent)
            {
                if (parent is JsonArray array)
                {
                    segments.Add("[" + array.IndexOf(child).ToString(CultureInfo.InvariantCulture) + "]");
                }
                else if (parent is JsonObject obj)
                {
                    foreach (var property in obj)
                    {
                        if (ReferenceEquals(property.Value, child))
                        {
                            segments.Add("." + property.Key);
                            break;
                        }
                    }
                }
            }

            segments.Reverse();
            return "$" + string.Concat(segments);
        }

        private static string Shorten(string path) => path.Length > 120 ? path.Substring(0, 60) + "…" + path.Substring(path.Length - 59) : path;

        private static CpException NotJson(string what, CpErrorKind kind, JsonException e)
        {
            var where = e.LineNumber.HasValue ? $" at line {e.LineNumber + 1}, position {e.BytePositionInLine + 1}" : string.Empty;
            return new CpException(kind, $"{what} is not valid JSON{where}: {FirstLine(e.Message)}", inner: e);
        }

        private static string FirstLine(string message)
        {
            var end = message.IndexOf('\n');
            return end < 0 ? message : message.Substring(0, end).TrimEnd();
        }
    }
}
