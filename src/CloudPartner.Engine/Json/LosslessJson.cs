using System;
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
    public static class LosslessJson
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

            try
            {
                var node = JsonNode.Parse(text, nodeOptions: null, documentOptions: ReadOptions);
                CheckDuplicateKeys(node, "$");
                return node;
            }
            catch (JsonException e)
            {
                var where = e.LineNumber.HasValue ? $" at line {e.LineNumber + 1}, position {e.BytePositionInLine + 1}" : string.Empty;
                throw new CpException(kind, $"{what} is not valid JSON{where}: {FirstLine(e.Message)}", inner: e);
            }
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

        private static void CheckDuplicateKeys(JsonNode? node, string path)
        {
            // JsonObject reports duplicate keys lazily; walking the tree surfaces them here, at parse time.
            switch (node)
            {
                case JsonObject obj:
                    try
                    {
                        foreach (var property in obj)
                        {
                            CheckDuplicateKeys(property.Value, path + "." + property.Key);
                        }
                    }
                    catch (ArgumentException e)
                    {
                        throw new JsonException($"Duplicate key in the object at {path}: {e.Message}", e);
                    }

                    break;
                case JsonArray array:
                    for (var i = 0; i < array.Count; i++)
                    {
                        CheckDuplicateKeys(array[i], path + "[" + i + "]");
                    }

                    break;
            }
        }

        private static string FirstLine(string message)
        {
            var end = message.IndexOf('\n');
            return end < 0 ? message : message.Substring(0, end).TrimEnd();
        }
    }
}
