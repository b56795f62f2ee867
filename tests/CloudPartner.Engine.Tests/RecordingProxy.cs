using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace CloudPartner.Engine.Tests
{
    /// <summary>
    /// A small HTTP proxy on loopback: tunnels CONNECT (https) and forwards absolute-form requests (http), records the
    /// target of each, and can demand Basic proxy credentials (407 first).
    /// </summary>
    internal sealed class RecordingProxy : IDisposable
    {
        private readonly TcpListener listener = new TcpListener(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource stop = new CancellationTokenSource();
        private readonly List<string> requests = new List<string>();
        private readonly string? expectedAuthorization;

        public RecordingProxy(NetworkCredential? required = null)
        {
            if (required != null)
            {
                expectedAuthorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(required.UserName + ":" + required.Password));
            }

            listener.Start();
            Address = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/");
            _ = AcceptAsync();
        }

        public Uri Address { get; }

        /// <summary>"CONNECT host:port" or "GET host:port", one per request that was let through.</summary>
        public IReadOnlyList<string> Requests
        {
            get
            {
                lock (requests)
                {
                    return requests.ToArray();
                }
            }
        }

        public int Refused { get; private set; }

        public void Dispose()
        {
            stop.Cancel();
            listener.Stop();
        }

        private async Task AcceptAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await listener.AcceptTcpClientAsync(stop.Token);
                }
                catch (Exception e) when (e is OperationCanceledException || e is SocketException || e is ObjectDisposedException)
                {
                    return;
                }

                _ = ServeAsync(client);
            }
        }

        private async Task ServeAsync(TcpClient client)
        {
            using (client)
            {
                var stream = client.GetStream();
                try
                {
                    while (true)
                    {
                        var head = await ReadHeadAsync(stream);
                        if (head is null)
                        {
                            return;
                        }

                        var lines = head.Split("\r\n");
                        var parts = lines[0].Split(' ');
                        if (expectedAuthorization != null && !Array.Exists(lines, l => l.StartsWith("Proxy-Authorization:", StringComparison.OrdinalIgnoreCase) && l.Substring(20).Trim() == expectedAuthorization))
                        {
                            Refused++;
                            Record("REFUSED " + head.Replace("\r\n", " | ", StringComparison.Ordinal));
                            await Write(stream, "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\n\r\n");
                            continue;
                        }

                        string authority;
                        if (parts[0] == "CONNECT")
                        {
                            authority = parts[1];
                            Record("CONNECT " + authority);
                            await Write(stream, "HTTP/1.1 200 Connection Established\r\n\r\n");
                            await TunnelAsync(stream, authority, null);
                            return;
                        }

                        var target = new Uri(parts[1]);
                        authority = target.Authority;
                        Record(parts[0] + " " + authority);
                        await TunnelAsync(stream, authority, Encoding.ASCII.GetBytes(head + "\r\n\r\n"));
                        return;
                    }
                }
                catch (Exception e) when (e is IOException || e is SocketException || e is ObjectDisposedException)
                {
                }
            }
        }

        private void Record(string line)
        {
            lock (requests)
            {
                requests.Add(line);
            }
        }

        private async Task TunnelAsync(NetworkStream client, string authority, byte[]? first)
        {
            var colon = authority.LastIndexOf(':');
            using var upstream = new TcpClient();
            await upstream.ConnectAsync(authority.Substring(0, colon), int.Parse(authority.Substring(colon + 1), System.Globalization.CultureInfo.InvariantCulture));
            var server = upstream.GetStream();
            if (first != null)
            {
                await server.WriteAsync(first);
            }

            var up = client.CopyToAsync(server, stop.Token);
            var down = server.CopyToAsync(client, stop.Token);
            await Task.WhenAny(up, down);
        }

        private static async Task<string?> ReadHeadAsync(NetworkStream stream)
        {
            var buffer = new List<byte>();
            var one = new byte[1];
            while (true)
            {
                var read = await stream.ReadAsync(one);
                if (read == 0)
                {
                    return null;
                }

                buffer.Add(one[0]);
                var n = buffer.Count;
                if (n >= 4 && buffer[n - 4] == '\r' && buffer[n - 3] == '\n' && buffer[n - 2] == '\r' && buffer[n - 1] == '\n')
                {
                    return Encoding.ASCII.GetString(buffer.ToArray(), 0, n - 4);
                }
            }
        }

        private static Task Write(NetworkStream stream, string text) => stream.WriteAsync(Encoding.ASCII.GetBytes(text)).AsTask();
    }
}
