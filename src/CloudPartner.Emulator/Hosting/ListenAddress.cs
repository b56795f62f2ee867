using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;

namespace CloudPartner.Emulator.Hosting
{
    /// <summary>A validated loopback listen address.</summary>
    internal sealed record ListenAddress(IPAddress? Address, int Port, bool Localhost)
    {
        /// <summary>Parses a semicolon-separated URL list; throws <see cref="ArgumentException"/> for anything that is not
        /// plain http on a loopback address (127.0.0.0/8, [::1] or localhost).</summary>
        public static IReadOnlyList<ListenAddress> ParseList(string? urls)
        {
            var text = string.IsNullOrWhiteSpace(urls) ? EmulatorOptions.DefaultUrls : urls;
            var result = new List<ListenAddress>();
            foreach (var raw in text.Split(new[] { ';', ',' }, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                result.Add(Parse(raw));
            }

            if (result.Count == 0)
            {
                throw new ArgumentException("No listen URL was given.");
            }

            return result;
        }

        public static ListenAddress Parse(string url)
        {
            var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
            if (schemeEnd < 0)
            {
                throw new ArgumentException($"Invalid listen URL '{url}': expected http://127.0.0.1:<port>.");
            }

            var scheme = url[..schemeEnd];
            if (!string.Equals(scheme, "http", StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"Invalid listen URL '{url}': the emulator only serves plain http on loopback (https is not supported).");
            }

            var rest = url[(schemeEnd + 3)..].TrimEnd('/');
            if (rest.Contains('/', StringComparison.Ordinal))
            {
                throw new ArgumentException($"Invalid listen URL '{url}': a path base is not supported.");
            }

            string host;
            string? portText = null;
            if (rest.StartsWith('['))
            {
                var close = rest.IndexOf(']', StringComparison.Ordinal);
                if (close < 0)
                {
                    throw new ArgumentException($"Invalid listen URL '{url}'.");
                }

                host = rest[1..close];
                if (close + 1 < rest.Length)
                {
                    if (rest[close + 1] != ':')
                    {
                        throw new ArgumentException($"Invalid listen URL '{url}'.");
                    }

                    portText = rest[(close + 2)..];
                }
            }
            else
            {
                var colon = rest.LastIndexOf(':');
                host = colon < 0 ? rest : rest[..colon];
                portText = colon < 0 ? null : rest[(colon + 1)..];
            }

            var port = 80;
            if (portText is not null && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535))
            {
                throw new ArgumentException($"Invalid listen URL '{url}': bad port '{portText}'.");
            }

            if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
            {
                return port == 0 ? new ListenAddress(IPAddress.Loopback, 0, false) : new ListenAddress(null, port, true);
            }

            if (!IPAddress.TryParse(host, out var address) || !IPAddress.IsLoopback(address))
            {
                throw new ArgumentException($"Refusing to listen on '{url}': the emulator only binds to loopback addresses (127.0.0.1, [::1] or localhost), never to '{host}'.");
            }

            // An IPv4-mapped IPv6 loopback ([::ffff:127.0.0.1]) is the IPv4 address; a socket cannot bind the mapped form.
            return new ListenAddress(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address, port, false);
        }
    }
}
