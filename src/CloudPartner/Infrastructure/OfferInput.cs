using System;
using System.IO;
using System.Management.Automation;
using System.Text;
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

        /// <summary>The document of an offer read whole; a summary from the offers list would erase the definition it lacks.</summary>
        public static JsonObject FromOffer(CpOffer offer)
        {
            if (offer.IsSummary)
            {
                throw new CpException(
                    CpErrorKind.InvalidArgument,
                    $"Offer '{offer.OfferId}' came from the offers list, which holds only a summary of its definition; writing it would erase the rest.",
                    $"Read the whole offer first: Get-CpOffer -OfferId '{offer.OfferId}'.");
            }

            return offer.ToDocument();
        }

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
            ProviderInfo provider;
            try
            {
                full = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _);
            }
            catch (Exception e) when (e is ItemNotFoundException || e is System.Management.Automation.DriveNotFoundException || e is ProviderNotFoundException || e is NotSupportedException || e is ArgumentException || e is PSInvalidOperationException)
            {
                throw new CpException(CpErrorKind.InvalidArgument, $"-Path '{Ids.Printable(path)}' is not a file system path: {e.Message}");
            }

            if (!string.Equals(provider.Name, "FileSystem", StringComparison.OrdinalIgnoreCase))
            {
                throw new CpException(CpErrorKind.InvalidArgument, $"-Path '{Ids.Printable(path)}' is on the {provider.Name} provider, not a file system path; give the path of a JSON file.");
            }

            if (Directory.Exists(full))
            {
                throw new CpException(CpErrorKind.InvalidArgument, $"-Path '{Ids.Printable(path)}' is a directory; give the path of a JSON file.");
            }

            if (!File.Exists(full))
            {
                throw new CpException(CpErrorKind.InvalidArgument, $"-Path '{Ids.Printable(path)}' does not exist.");
            }

            string text;
            try
            {
                text = ReadBounded(full, path);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is System.Security.SecurityException)
            {
                throw new CpException(CpErrorKind.InvalidArgument, $"-Path '{Ids.Printable(path)}' cannot be read: {e.Message}");
            }

            return LosslessJson.Parse(text, $"-Path '{Ids.Printable(path)}'", CpErrorKind.InvalidArgument) as JsonObject
                ?? throw new CpException(CpErrorKind.InvalidArgument, $"-Path '{Ids.Printable(path)}' holds JSON that is not an object; it must hold the whole offer document.");
        }

        /// <summary>
        /// Reads at most <see cref="MaxFileBytes"/>: the length is checked first, and the read itself stops at the limit,
        /// for files whose length says nothing (a device such as /dev/zero, a pipe).
        /// </summary>
        private static string ReadBounded(string full, string path)
        {
            using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            if (stream.CanSeek && stream.Length > MaxFileBytes)
            {
                throw new CpException(CpErrorKind.InvalidArgument, $"-Path '{Ids.Printable(path)}' is {stream.Length / (1024 * 1024)} MB; an offer document is at most {MaxFileBytes / (1024 * 1024)} MB.");
            }

            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
            {
                if (buffer.Length + read > MaxFileBytes)
                {
                    throw new CpException(CpErrorKind.InvalidArgument, $"-Path '{Ids.Printable(path)}' holds more than {MaxFileBytes / (1024 * 1024)} MB; an offer document is at most {MaxFileBytes / (1024 * 1024)} MB.");
                }

                buffer.Write(chunk, 0, read);
            }

            // Like File.ReadAllText: a BOM picks the encoding, UTF-8 otherwise.
            using var reader = new StreamReader(new MemoryStream(buffer.GetBuffer(), 0, (int)buffer.Length), new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true);
            return reader.ReadToEnd();
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
