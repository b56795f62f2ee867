using System.Text.Json;

namespace CloudPartner.Engine.Errors
{
    /// <summary>Reads the service's error envelope: <c>{"error":{"code","message"}}</c>, or <c>{"Message":…}</c> on 401.</summary>
    internal static class ServiceErrorBody
    {
        public static (string? Code, string? Message) Parse(string? body)
        {
            if (string.IsNullOrWhiteSpace(body))
            {
                return (null, null);
            }

            try
            {
                using var document = JsonDocument.Parse(body!);
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    return (null, null);
                }

                if (TryGet(root, "error", out var error))
                {
                    if (error.ValueKind == JsonValueKind.Object)
                    {
                        return (Text(error, "code"), Text(error, "message"));
                    }

                    if (error.ValueKind == JsonValueKind.String)
                    {
                        // OAuth shape: {"error":"invalid_client","error_description":"AADSTS…"}
                        return (error.GetString(), Text(root, "error_description"));
                    }
                }

                return (Text(root, "code"), Text(root, "message"));
            }
            catch (JsonException)
            {
                return (null, null);
            }
        }

        private static string? Text(JsonElement element, string name)
        {
            return TryGet(element, name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        }

        private static bool TryGet(JsonElement element, string name, out JsonElement value)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (string.Equals(property.Name, name, System.StringComparison.OrdinalIgnoreCase))
                {
                    value = property.Value;
                    return true;
                }
            }

            value = default;
            return false;
        }
    }
}
