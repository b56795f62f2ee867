using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using CloudPartner.Emulator;
using CloudPartner.Engine.Cpp;
using CloudPartner.Engine.Auth;
using CloudPartner.Engine.Http;
using CloudPartner.Engine.ProductIngestion;

namespace CloudPartner.Engine.Tests
{
    /// <summary>Starts an emulator for one test and connects the engine to it.</summary>
    internal sealed class EmulatorRig : IAsyncDisposable
    {
        public const string Token = "test-token-1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed";

        private EmulatorRig(EmulatorServer server)
        {
            Server = server;
        }

        public EmulatorServer Server { get; }

        public Uri BaseAddress => Server.BaseAddress;

        /// <summary>Every delay the engine asked for, instead of sleeping.</summary>
        public List<TimeSpan> Delays { get; } = new List<TimeSpan>();

        public static async Task<EmulatorRig> StartAsync(Action<EmulatorOptions>? configure = null)
        {
            var options = new EmulatorOptions();
            configure?.Invoke(options);
            return new EmulatorRig(await EmulatorServer.StartAsync(options));
        }

        /// <summary>
        /// An engine whose waits are recorded, not slept. With <paramref name="advanceEmulatorClock"/> each wait also
        /// advances the emulator's manual clock, so the emulator sees the time pass (a throttled caller is held until its
        /// Retry-After has passed on that clock) while the engine keeps its own clock.
        /// </summary>
        public ApiConnection Connect(Action<ConnectionSettings>? configure = null, ITokenProvider? tokens = null, Func<DateTimeOffset>? clock = null, bool advanceEmulatorClock = false)
        {
            var emulatorClock = advanceEmulatorClock ? Server.ManualClock ?? throw new InvalidOperationException("Start the emulator with a ManualClock.") : null;
            var settings = new ConnectionSettings { Endpoint = BaseAddress, PublisherId = "contoso", MaxRetries = 4 };
            configure?.Invoke(settings);
            return new ApiConnection(
                settings,
                tokens ?? new StaticTokenProvider(Token),
                retryPolicy: new RetryPolicy(settings.MaxRetries, seed: 7),
                delay: (wait, cancel) =>
                {
                    lock (Delays)
                    {
                        Delays.Add(wait);
                    }

                    emulatorClock?.Advance(wait);
                    return Task.CompletedTask;
                },
                clock: clock);
        }

        public PartnerApi Api(Action<ConnectionSettings>? configure = null, ITokenProvider? tokens = null, bool advanceEmulatorClock = false) => new PartnerApi(Connect(configure, tokens, advanceEmulatorClock: advanceEmulatorClock));

        /// <summary>
        /// An engine on simulated time: every wait the engine makes advances the emulator's manual clock instead of
        /// sleeping, and the engine reads the same clock. Needs an emulator started with a ManualClock.
        /// </summary>
        public PartnerApi SimulatedApi(Action<ConnectionSettings>? configure = null, ITokenProvider? tokens = null)
        {
            var settings = new ConnectionSettings { Endpoint = BaseAddress, PublisherId = "contoso", MaxRetries = 4 };
            configure?.Invoke(settings);
            return new PartnerApi(SimulatedConnection(settings, tokens));
        }

        /// <summary>
        /// A Product Ingestion client on the emulator's <c>/rp/product-ingestion</c>, on simulated time like
        /// <see cref="SimulatedApi"/> (needs a ManualClock).
        /// </summary>
        public ProductIngestionApi ProductIngestion(Action<ConnectionSettings>? configure = null, ITokenProvider? tokens = null)
        {
            var settings = new ConnectionSettings
            {
                Endpoint = new Uri(BaseAddress, "rp/product-ingestion"),
                ApiVersion = ProductIngestionApi.DefaultVersion,
                VersionParameter = "$version",
                MaxRetries = 4,
            };
            configure?.Invoke(settings);
            return new ProductIngestionApi(SimulatedConnection(settings, tokens));
        }

        /// <summary>A connection whose every wait advances the emulator's manual clock instead of sleeping, and which reads the same clock.</summary>
        private ApiConnection SimulatedConnection(ConnectionSettings settings, ITokenProvider? tokens)
        {
            var clock = Server.ManualClock ?? throw new InvalidOperationException("Start the emulator with a ManualClock.");
            return new ApiConnection(
                settings,
                tokens ?? new StaticTokenProvider(Token),
                retryPolicy: new RetryPolicy(settings.MaxRetries, seed: 7),
                delay: (wait, cancel) =>
                {
                    cancel.ThrowIfCancellationRequested();
                    lock (Delays)
                    {
                        Delays.Add(wait);
                    }

                    clock.Advance(wait);
                    return Task.CompletedTask;
                },
                clock: () => clock.UtcNow);
        }

        /// <summary>The emulator's request log, read over its admin endpoint.</summary>
        public async Task<IReadOnlyList<JsonElement>> RequestsAsync()
        {
            using var http = new HttpClient { BaseAddress = BaseAddress };
            var text = await http.GetStringAsync("/_emulator/requests");
            using var document = JsonDocument.Parse(text);
            return document.RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
        }

        public async Task ClearRequestsAsync()
        {
            using var http = new HttpClient { BaseAddress = BaseAddress };
            (await http.DeleteAsync("/_emulator/requests")).EnsureSuccessStatusCode();
        }

        public ValueTask DisposeAsync() => Server.DisposeAsync();
    }

    /// <summary>Collects everything the engine writes for the user.</summary>
    internal sealed class RecordingObserver : IRequestObserver
    {
        private readonly List<string> lines = new List<string>();

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (lines)
                {
                    return lines.ToList();
                }
            }
        }

        public IEnumerable<string> VerboseLines => Lines.Where(l => l.StartsWith("VERBOSE: ", StringComparison.Ordinal));

        public IEnumerable<string> WarningLines => Lines.Where(l => l.StartsWith("WARNING: ", StringComparison.Ordinal));

        /// <summary>A command whose one channel is this recorder, as a cmdlet's is its pipeline queue.</summary>
        public static implicit operator CommandContext(RecordingObserver observer) => new CommandContext(observer);

        public bool IsVerboseEnabled { get; set; } = true;

        public bool IsDebugEnabled { get; set; } = true;

        public bool CanBlockCallingThread { get; set; }

        public void Verbose(string message) => Add("VERBOSE: " + message);

        public void Debug(string message) => Add("DEBUG: " + message);

        public void Warning(string message) => Add("WARNING: " + message);

        private void Add(string line)
        {
            lock (lines)
            {
                lines.Add(line);
            }
        }
    }
}
