using System;
using System.IO;
using System.Text;
using System.Text.Json.Nodes;
using CloudPartner.Engine.Json;

namespace CloudPartner.Engine.Offers
{
    /// <summary>
    /// An offer document as a file in a repository: stable indented text (LF line ends, a final newline, every key,
    /// key order and number as read), so an unchanged offer exports to the same bytes and git shows only real edits.
    /// </summary>
    internal static class OfferFile
    {
        private static readonly UTF8Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

        public static string ToText(JsonNode document)
        {
            // Line breaks inside strings are escaped in JSON text, so every CR LF left is indentation's own.
            return LosslessJson.Write(document, indented: true).Replace("\r\n", "\n") + "\n";
        }

        /// <summary>
        /// Writes <paramref name="text"/> to <paramref name="path"/> atomically: to a temporary file beside it, then a
        /// rename, so a reader (or an interrupted export) never sees half a file. A file that already holds these
        /// bytes is left untouched. Returns whether the file was written.
        /// </summary>
        public static bool WriteAtomically(string path, string text)
        {
            var bytes = Utf8.GetBytes(text);
            if (File.Exists(path) && SameBytes(path, bytes))
            {
                return false;
            }

            var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
            Directory.CreateDirectory(directory);
            var temporary = Path.Combine(directory, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N") + ".tmp");
            try
            {
                using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    stream.Write(bytes, 0, bytes.Length);
                    stream.Flush(flushToDisk: true);
                }

                if (File.Exists(path))
                {
                    File.Replace(temporary, path, destinationBackupFileName: null);
                }
                else
                {
                    File.Move(temporary, path);
                }

                return true;
            }
            finally
            {
                if (File.Exists(temporary))
                {
                    File.Delete(temporary);
                }
            }
        }

        private static bool SameBytes(string path, byte[] bytes)
        {
            var info = new FileInfo(path);
            return info.Length == bytes.Length && File.ReadAllBytes(path).AsSpan().SequenceEqual(bytes);
        }
    }
}
