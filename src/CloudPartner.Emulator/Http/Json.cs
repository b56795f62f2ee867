using System;
using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CloudPartner.Emulator.Http
{
    /// <summary>Small JSON helpers: writing without HTML escaping, timestamps, error bodies.</summary>
    internal static class Json
    {
        public static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        public static readonly JsonDocumentOptions ParseOptions = new() { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 256 };
        public static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = false };

        /// <summary>How API answers are serialized: camelCase names, no HTML escaping, and a member left out when null (the
        /// fields a mode does not show are null).</summary>
        public static readonly JsonSerializerOptions Api = new(JsonSerializerDefaults.Web)
        {
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        };

        /// <summary>How the admin endpoint answers and reads: indented, every member shown, enums as camelCase words.</summary>
        public static readonly JsonSerializerOptions Admin = new(EmulatorSettings.JsonOptions)
        {
            UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
            Converters = { new Z7Converter() },
        };

        public static byte[] Write(Action<Utf8JsonWriter> write)
        {
            var buffer = new ArrayBufferWriter<byte>(512);
            using (var writer = new Utf8JsonWriter(buffer, Compact))
            {
                write(writer);
            }

            return buffer.WrittenSpan.ToArray();
        }

        /// <summary>Serializes a document verbatim: values that came from a parsed text (strings, numbers, literals) are
        /// written from their original raw text, so escapes and number spellings survive byte for byte.</summary>
        public static byte[] Serialize(JsonNode node) => Write(w => WriteVerbatim(w, node));

        public static void WriteVerbatim(Utf8JsonWriter writer, JsonNode? node)
        {
            switch (node)
            {
                case null:
                    writer.WriteNullValue();
                    break;
                case JsonObject obj:
                    writer.WriteStartObject();
                    foreach (var pair in obj)
                    {
                        writer.WritePropertyName(pair.Key);
                        WriteVerbatim(writer, pair.Value);
                    }

                    writer.WriteEndObject();
                    break;
                case JsonArray array:
                    writer.WriteStartArray();
                    foreach (var item in array)
                    {
                        WriteVerbatim(writer, item);
                    }

                    writer.WriteEndArray();
                    break;
                case JsonValue value when value.TryGetValue<JsonElement>(out var element):
                    writer.WriteRawValue(element.GetRawText(), skipInputValidation: true);
                    break;
                default:
                    node.WriteTo(writer);
                    break;
            }
        }

        public static byte[] Error(string code, string message) => JsonSerializer.SerializeToUtf8Bytes(new { error = new { code, message } }, Api);

        /// <summary>Parses a JSON text into a node; throws <see cref="JsonException"/> (or <see cref="ArgumentException"/> on duplicate keys) when invalid.</summary>
        public static JsonNode? Parse(ReadOnlySpan<byte> utf8)
        {
            var node = JsonNode.Parse(utf8, NodeOptions, ParseOptions);
            Materialize(node);
            return node;
        }

        /// <summary>Forces lazy JsonObjects to build their dictionaries so that duplicate keys fail now, not later.</summary>
        private static void Materialize(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject obj:
                    foreach (var pair in obj)
                    {
                        Materialize(pair.Value);
                    }

                    break;
                case JsonArray array:
                    foreach (var item in array)
                    {
                        Materialize(item);
                    }

                    break;
            }
        }

        public static string? GetString(JsonNode? node)
        {
            return node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
        }

        /// <summary>ISO-8601 with seven fractional digits and Z, as CPP writes most timestamps.</summary>
        public static string Z7(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

        /// <summary>Three fractional digits without Z, as post-migration offer lists show <c>changedTime</c>.</summary>
        public static string Ms3(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff", CultureInfo.InvariantCulture);

        /// <summary>The weak ETag CPP uses: <c>W/"datetime'2017-06-07T06%3A15%3A40.4771399Z'"</c>.</summary>
        public static string ETag(DateTimeOffset time) => "W/\"datetime'" + Z7(time).Replace(":", "%3A", StringComparison.Ordinal) + "'\"";

        /// <summary>Times in the admin endpoint's answers as CPP writes them (see <see cref="Z7"/>).</summary>
        private sealed class Z7Converter : System.Text.Json.Serialization.JsonConverter<DateTimeOffset>
        {
            public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDateTimeOffset();

            public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) => writer.WriteStringValue(Z7(value));
        }

        public static bool TryParseTime(string? text, out DateTimeOffset time)
        {
            if (text is not null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time))
            {
                return true;
            }

            time = default;
            return false;
        }
    }
}
