using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Text;
using System.Threading;

namespace CloudPartner.Emulator
{
    /// <summary>One API request as the emulator saw it. Secrets are masked: the Authorization header is logged as
    /// <c>Bearer sha256:&lt;first 12 hex of SHA-256 of the token&gt;</c>, form fields such as client_secret likewise.</summary>
    public sealed class RequestLogEntry
    {
        /// <summary>Arrival order, starting at 1.</summary>
        public long Sequence { get; init; }

        /// <summary>Emulator-clock time of arrival.</summary>
        public DateTimeOffset Time { get; init; }

        /// <summary>HTTP method.</summary>
        public string Method { get; init; } = string.Empty;

        /// <summary>Path (decoded, as routed).</summary>
        public string Path { get; init; } = string.Empty;

        /// <summary>Raw query string including the leading <c>?</c>, or empty.</summary>
        public string Query { get; init; } = string.Empty;

        /// <summary>Request headers (values joined with a comma), secrets masked.</summary>
        public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

        /// <summary>Request body as text (null when empty), secrets masked.</summary>
        public string? Body { get; init; }

        /// <summary>Status code answered; 0 when the connection was dropped.</summary>
        public int Status { get; init; }

        /// <summary>The fault applied, if any (e.g. <c>throttle</c>, <c>drop</c>, <c>hostile:null</c>, <c>latency</c>).</summary>
        public string? Fault { get; init; }
    }

    /// <summary>Bounded, thread-safe ring of request log entries.</summary>
    internal sealed class RequestLog
    {
        private const int MaxBodyChars = 256 * 1024;
        private static readonly string[] SecretFormFields = { "client_secret", "client_assertion", "assertion", "password", "refresh_token", "code", "access_token", "device_code", "code_verifier" };

        private readonly object gate = new();
        private readonly Queue<RequestLogEntry> entries = new();
        private int capacity;
        private long sequence;

        public RequestLog(int capacity)
        {
            this.capacity = Math.Max(1, capacity);
        }

        public long NextSequence() => Interlocked.Increment(ref sequence);

        public void Add(RequestLogEntry entry)
        {
            lock (gate)
            {
                entries.Enqueue(entry);
                while (entries.Count > capacity)
                {
                    entries.Dequeue();
                }
            }
        }

        public IReadOnlyList<RequestLogEntry> Snapshot()
        {
            lock (gate)
            {
                var list = new List<RequestLogEntry>(entries);
                list.Sort(static (a, b) => a.Sequence.CompareTo(b.Sequence));
                return list;
            }
        }

        public void Clear()
        {
            lock (gate)
            {
                entries.Clear();
            }
        }

        public void Reset(int capacity)
        {
            lock (gate)
            {
                entries.Clear();
                this.capacity = Math.Max(1, capacity);
                Interlocked.Exchange(ref sequence, 0);
            }
        }

        /// <summary>The masked form of a secret: <c>sha256:</c> and the first 12 hex digits of its SHA-256.</summary>
        public static string Fingerprint(string secret)
        {
            Span<byte> hash = stackalloc byte[32];
            SHA256.HashData(Encoding.UTF8.GetBytes(secret), hash);
            return "sha256:" + Convert.ToHexStringLower(hash[..6]);
        }

        public static string MaskAuthorization(string value)
        {
            var trimmed = value.Trim();
            var space = trimmed.IndexOf(' ', StringComparison.Ordinal);
            if (space > 0)
            {
                var scheme = trimmed[..space];
                var credential = trimmed[(space + 1)..].Trim();
                return scheme + " " + Fingerprint(credential);
            }

            return Fingerprint(trimmed);
        }

        /// <summary>The body as logged. A request to the identity provider has its secrets masked whatever its Content-Type
        /// claims (a client may send a form, or JSON, labelled as anything); elsewhere form bodies are masked.</summary>
        public static string? BodyText(byte[] body, string? contentType, bool identityRequest = false)
        {
            if (body.Length == 0)
            {
                return null;
            }

            var text = Encoding.UTF8.GetString(body);
            if (identityRequest)
            {
                text = MaskJson(MaskForm(text));
            }
            else if (contentType is not null && contentType.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
            {
                text = MaskForm(text);
            }

            if (text.Length > MaxBodyChars)
            {
                text = string.Concat(text.AsSpan(0, MaxBodyChars), "...(truncated)");
            }

            return text;
        }

        private static string MaskJson(string json)
        {
            foreach (var field in SecretFormFields)
            {
                json = System.Text.RegularExpressions.Regex.Replace(
                    json,
                    "(\"" + field + "\"\\s*:\\s*\")((?:[^\"\\\\]|\\\\.)*)\"",
                    m => m.Groups[1].Value + Fingerprint(m.Groups[2].Value) + "\"",
                    System.Text.RegularExpressions.RegexOptions.IgnoreCase);
            }

            return json;
        }

        private static string MaskForm(string form)
        {
            var parts = form.Split('&');
            for (var i = 0; i < parts.Length; i++)
            {
                var eq = parts[i].IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0)
                {
                    continue;
                }

                var name = Uri.UnescapeDataString(parts[i][..eq]);
                if (Array.Exists(SecretFormFields, f => string.Equals(f, name, StringComparison.OrdinalIgnoreCase)))
                {
                    parts[i] = parts[i][..eq] + "=" + Fingerprint(Uri.UnescapeDataString(parts[i][(eq + 1)..]));
                }
            }

            return string.Join('&', parts);
        }
    }
}
