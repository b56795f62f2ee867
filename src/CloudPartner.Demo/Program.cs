using System;
using System.Diagnostics;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using CloudPartner.Emulator;
using CloudPartner.Engine.Api;
using CloudPartner.Engine.Auth;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Http;
using CloudPartner.Engine.Models;
using CloudPartner.Engine.Operations;

namespace CloudPartner.Demo
{
    /// <summary>
    /// Rehearses a release against the local emulator: read an offer, edit it, publish, wait for sign-off,
    /// go live, wait until live. Options: --endpoint URL (use a running emulator instead of an embedded one),
    /// --offer ID (default contoso-vm), --time-scale N (default 100000: days of certification pass in seconds).
    /// </summary>
    public static class Program
    {
        public static async Task<int> Main(string[] args)
        {
            var endpoint = Option(args, "--endpoint");
            var offerId = Option(args, "--offer") ?? "contoso-vm";
            var timeScale = double.Parse(Option(args, "--time-scale") ?? "100000", System.Globalization.CultureInfo.InvariantCulture);
            using var cancel = new CancellationTokenSource();
            Console.CancelKeyPress += (_, e) =>
            {
                e.Cancel = true;
                cancel.Cancel();
            };

            EmulatorServer? emulator = null;
            try
            {
                if (endpoint is null)
                {
                    emulator = await EmulatorServer.StartAsync(new EmulatorOptions { TimeScale = timeScale });
                    endpoint = emulator.BaseAddress.ToString();
                    Console.WriteLine($"Started the CPP emulator at {endpoint} (time x{timeScale:N0}).");
                }

                await RunAsync(new Uri(endpoint), offerId, cancel.Token);
                return 0;
            }
            catch (CpException e)
            {
                Console.Error.WriteLine($"{e.ErrorId}: {e.Message}");
                Console.Error.WriteLine($"  {e.RecommendedAction}");
                return 1;
            }
            catch (OperationCanceledException)
            {
                Console.Error.WriteLine("Stopped.");
                return 130;
            }
            finally
            {
                if (emulator != null)
                {
                    await emulator.DisposeAsync();
                }
            }
        }

        private static async Task RunAsync(Uri endpoint, string offerId, CancellationToken cancel)
        {
            var watch = Stopwatch.StartNew();
            var settings = new ConnectionSettings { Endpoint = endpoint, PublisherId = "contoso" };
            using var connection = new ApiConnection(settings, new StaticTokenProvider("demo-token"));
            var api = new PartnerApi(connection);

            Console.WriteLine();
            Console.WriteLine("1. Offers of publisher contoso:");
            foreach (var offer in await api.ListOffersAsync("contoso", null, null, cancel))
            {
                Console.WriteLine($"   {offer.Id,-16} {offer.OfferTypeId,-34} {offer.Status}");
            }

            Console.WriteLine($"2. Read {offerId}, change its title, write it back with its ETag (lossless):");
            var current = await api.GetOfferAsync("contoso", offerId, null, null, null, cancel);
            var document = (JsonObject)current.Document.DeepClone();
            if (document["definition"]?["offer"] is JsonObject listing)
            {
                listing["microsoft-azure-marketplace.title"] = "Contoso App " + DateTime.UtcNow.ToString("yyyy.MM.dd", System.Globalization.CultureInfo.InvariantCulture);
            }

            var (written, _, stripped) = await api.PutOfferAsync("contoso", offerId, document, current.ETag ?? "*", null, cancel);
            Console.WriteLine($"   written; new ETag {written.ETag ?? "(none)"}" + (stripped.Count > 0 ? $"; left out read-only keys {string.Join(", ", stripped)}" : string.Empty));

            var waiter = new OperationWaiter(api);
            var options = new WaitOptions { PollingInterval = TimeSpan.FromMilliseconds(250), Timeout = TimeSpan.FromMinutes(2) };
            Console.WriteLine("3. Publish, and wait for publisher sign-off:");
            var publish = await api.StartOperationAsync("contoso", offerId, OperationKind.Publish, null, null, cancel);
            Console.WriteLine($"   operation {publish.Id}");
            Console.WriteLine($"   location  {publish.Location}");
            Report(await waiter.WaitAsync(publish, options, Progress, null, cancel), options);

            Console.WriteLine("4. Go live, and wait until the offer is live:");
            var goLive = await api.StartOperationAsync("contoso", offerId, OperationKind.GoLive, null, null, cancel);
            Report(await waiter.WaitAsync(goLive, options, Progress, null, cancel), options);

            var status = await api.GetOfferStatusAsync("contoso", offerId, null, cancel);
            Console.WriteLine($"5. Offer status: {status.State} ({status.Status}). Done in {watch.Elapsed.TotalSeconds:0.0} s, {connection.RequestCount} requests, {connection.RetryCount} retries.");
        }

        private static string? lastLine;

        private static void Progress(OperationInfo operation)
        {
            var step = operation.CurrentStep;
            var line = $"   {operation.PercentComplete,3}%  {operation.State,-26} {step?.DisplayName ?? string.Empty} {(step?.EstimatedTimeFrame is string estimate ? "(" + estimate + ")" : string.Empty)}";
            if (line != lastLine)
            {
                Console.WriteLine(line);
                lastLine = line;
            }
        }

        private static void Report(WaitResult result, WaitOptions options)
        {
            if (result.Outcome != WaitOutcome.Completed)
            {
                throw OperationWaiter.ErrorFor(result, options.Timeout);
            }

            Console.WriteLine($"   → {result.Operation.State} after {result.Polls} polls");
        }

        private static string? Option(string[] args, string name)
        {
            var index = Array.FindIndex(args, a => string.Equals(a, name, StringComparison.OrdinalIgnoreCase));
            return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
        }
    }
}
