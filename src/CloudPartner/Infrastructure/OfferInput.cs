using System;
using System.IO;
using System.Management.Automation;
using System.Text.Json.Nodes;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Json;
using CloudPartner.Engine.Security;

namespace CloudPartner.Infrastructure
{
    /// <summary>The three ways to give New-CpOffer and Set-CpOffer an offer: a CpOffer, -Definition, or -Path.</summary>
    internal static class OfferInput
    {
        public const long MaxFileBytes = 32L * 1024 * 1024;

        public static JsonObject FromDefinition(object definition)
        {
            var value = definition is PSObject wrapped && wrapped.BaseObject is string ? wrapped.BaseObject : definition;
            var node = value is string text
                ? LosslessJson.Parse(text, "-Definition", CpErrorKind.InvalidArgument)
                : PSJson.ToJsonNode(value, "Definition");
            return node as JsonObject
                ?? throw new CpException(CpErrorKind.InvalidArgument, "-Definition must be the whole offer document: a JSON object with offerTypeId, id and definition, as Get-CpOffer -Raw returns.");
        }

        public static JsonObject FromFile(PSCmdlet cmdlet, string path)
        {
            string full;
            try
            {
                full = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
            }
            catch (Exception e) when (e is ItemNotFoundException || e is System.Management.Automation.DriveNotFoundException || e is ProviderNotFoundException || e is NotSupportedException || e is ArgumentException)
            {
                throw new CpException(CpErrorKind.InvalidArgument, $"-Path '{path}' is not a file system path: {e.Message}");
            }

            if (Directory.Exists(full))
            {
                throw new CpException(CpErrorKind.InvalidArgument, $"-Path '{path}' is a directory; give the path of a JSON file.");
            }

            if (!File.Exists(full))
            {
                throw new CpException(CpErrorKind.InvalidArgument, $"-Path '{path}' does not exist.");
            }

            var length = new FileInfo(full).Length;
            if (length > MaxFileBytes)
            {
                throw new CpException(CpErrorKind.InvalidArgument, $"-Path '{path}' is {length / (1024 * 1024)} MB; an offer document is at most {MaxFileBytes / (1024 * 1024)} MB.");
            }

            var text = File.ReadAllText(full);
            return LosslessJson.Parse(text, $"-Path '{path}'", CpErrorKind.InvalidArgument) as JsonObject
                ?? throw new CpException(CpErrorKind.InvalidArgument, $"-Path '{path}' holds JSON that is not an object; it must hold the whole offer document.");
        }

        /// <summary>Checks the document names the offer it is sent to, filling id and publisherId when absent.</summary>
        public static void Align(JsonObject document, string publisherId, string offerId)
        {
            AlignField(document, "id", offerId, "OfferId");
            AlignField(document, "publisherId", publisherId, "PublisherId");
        }

        private static void AlignField(JsonObject document, string field, string expected, string parameter)
        {
            var actual = JsonFields.String(document, field);
            if (string.IsNullOrEmpty(actual))
            {
                document[field] = expected;
            }
            else if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
            {
                throw new CpException(CpErrorKind.InvalidArgument, $"The document's '{field}' is '{Ids.Printable(actual!)}' but -{parameter} is '{expected}'.");
            }
        }
    }
}
