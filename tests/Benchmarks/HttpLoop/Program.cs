using System;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading.Tasks;

namespace CloudPartner.Benchmarks
{
    /// <summary>
    /// The raw-HttpClient baseline of the REST benchmarks: one HttpClient, sequential GETs, each response read as a
    /// string. It reads commands from stdin, one per line, and answers each with one line, so that a script can
    /// interleave its runs with PowerShell's in one process lifetime (warm JIT, warm connection):
    ///   run N URL    N sequential GETs of URL; answers "ok ELAPSED_MS CPU_MS JIT_MS BYTES" (or "error MESSAGE"):
    ///                this process's processor time and time spent compiling methods over the run
    ///   quit         exits
    /// Options: --token T (Authorization: Bearer T), --user-agent UA.
    /// </summary>
    internal static class Program
    {
        public static async Task<int> Main(string[] args)
        {
            var token = "benchmark-token";
            var userAgent = "CloudPartner/0.1.0";
            for (var i = 0; i + 1 < args.Length; i += 2)
            {
                switch (args[i])
                {
                    case "--token":
                        token = args[i + 1];
                        break;
                    case "--user-agent":
                        userAgent = args[i + 1];
                        break;
                    default:
                        await Console.Error.WriteLineAsync("Unknown option " + args[i]).ConfigureAwait(false);
                        return 2;
                }
            }

            // The same handler settings as the module's session (no redirects, decompression on, no cookies).
            using var handler = new HttpClientHandler
            {
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
                UseCookies = false,
            };
            using var http = new HttpClient(handler);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            http.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", userAgent);

            using var process = Process.GetCurrentProcess();
            Console.Out.WriteLine("ready");
            Console.Out.Flush();
            string? line;
            while ((line = Console.In.ReadLine()) != null)
            {
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length == 0)
                {
                    continue;
                }

                if (parts[0] == "quit")
                {
                    break;
                }

                if (parts[0] != "run" || parts.Length != 3 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count))
                {
                    Console.Out.WriteLine("error expected: run COUNT URL | quit");
                    Console.Out.Flush();
                    continue;
                }

                try
                {
                    var url = new Uri(parts[2]);
                    var cpu = process.TotalProcessorTime;
                    var jit = System.Runtime.JitInfo.GetCompilationTime();
                    var watch = Stopwatch.StartNew();
                    long bytes = 0;
                    for (var n = 0; n < count; n++)
                    {
                        using var response = await http.GetAsync(url).ConfigureAwait(false);
                        var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                        if (!response.IsSuccessStatusCode)
                        {
                            throw new InvalidOperationException($"{(int)response.StatusCode} from {url}");
                        }

                        bytes += body.Length;
                    }

                    watch.Stop();
                    process.Refresh();
                    var cpuMs = (process.TotalProcessorTime - cpu).TotalMilliseconds;
                    var jitMs = (System.Runtime.JitInfo.GetCompilationTime() - jit).TotalMilliseconds;
                    Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ok {watch.Elapsed.TotalMilliseconds:0.###} {cpuMs:0.###} {jitMs:0.###} {bytes}"));
                }
                catch (Exception e) when (e is HttpRequestException || e is InvalidOperationException || e is UriFormatException || e is TaskCanceledException)
                {
                    Console.Out.WriteLine("error " + e.Message.Replace('\n', ' '));
                }

                Console.Out.Flush();
            }

            return 0;
        }
    }
}
