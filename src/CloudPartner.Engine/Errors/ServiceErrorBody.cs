using System.Text.Json;
using System.Text.Json.Nodes;
using CloudPartner.Engine.Json;

namespace CloudPartner.Engine.Errors
{
    /// <summary>Reads the service's error envelope: <c>{"error":{"code","message"}}</c>, or <c>{"Message":…}</c> on 401.</summary>
    internal static class ServiceErrorBody
    {
        /// <summary>The code and message, or nulls for a body that is not such an envelope (this never throws).</summary>
        public static (string? Code, string? Message) Parse(string? body)
        {
            if (string.IsNullOrWhiteSpace(body))
            {
                return (null, null);
            }

            JsonNode? node;
            try
            {
                // The validating parser: a body it accepts can be read anywhere without surprises (lone surrogates…).
                node = LosslessJson.Parse(body!, "The error body");
            }
            catch (CpException)
            {
                return (null, null);
            }

            if (!(node is JsonObject root))
            {
                return (null, null);
            }

            var error = JsonFields.Get(root, "error");
            if (error is JsonObject envelope)
            {
                return (Text(envelope, "code"), Text(envelope, "message"));
            }

            if (IsString(error))
            {
                // OAuth shape: {"error":"invalid_client","error_description":"AADSTS…"}
                return (error!.GetValue<JsonElement>().GetString(), Text(root, "error_description"));
            }

            return (Text(root, "code"), Text(root, "message"));
        }

        private static string? Text(JsonObject obj, string name)
        {
            var node = JsonFields.Get(obj, name);
            return IsString(node) ? node!.GetValue<JsonElement>().GetString() : null;
        }

        private static bool IsString(JsonNode? node)
        {
            return node is JsonValue value && value.TryGetValue<JsonElement>(out var element) && element.ValueKind == JsonValueKind.String;
        }
    }
}
