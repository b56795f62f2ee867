using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace CloudPartner.Emulator
{
    /// <summary>
    /// The settings that can change while the emulator runs: one type, read by the command line (<c>--time-scale 100</c>),
    /// the admin endpoint (<c>GET/PUT /_emulator/settings</c>, with the JSON names of these properties) and
    /// <see cref="EmulatorState.Settings"/> alike. Immutable: change one with <c>with</c> and assign it back, which validates it.
    /// </summary>
    public sealed record EmulatorSettings
    {
        private const double MaxStepSeconds = 1e10;
        private static readonly string[] SuccessWords = { "succeeded", "complete", "completed" };

        /// <summary>Final status of a successful operation: <c>succeeded</c> (default), <c>complete</c> or <c>completed</c>.</summary>
        public string SuccessWord { get; init; } = "succeeded";

        /// <summary>A token is refused (401) this many seconds of emulator time after the emulator first saw it (null: never).</summary>
        public double? TokenLifetimeSeconds { get; init; }

        /// <summary>Answer publish, go-live and cancel with <c>Operation-Location</c> in the 2018 documentation's per-request forms.</summary>
        public bool LegacyOperationLocation { get; init; }

        /// <summary>Answer operations with only the fields the documentation's samples show (no <c>id</c>, <c>submissionType</c>,
        /// dates or <c>error</c> on an operation; no <c>createdDateTime</c> on list items).</summary>
        public bool Strict { get; init; }

        /// <summary>How publisher sign-off shows while a publish waits for it (sources disagree; see the README).</summary>
        public SignoffShape SignoffShape { get; init; }

        /// <summary>Operation GETs carry this <c>Retry-After</c> (whole seconds; null: none).</summary>
        public double? OperationRetryAfterSeconds { get; init; }

        /// <summary>Cancel answers 200 with the canceled operation, instead of 202 with the cancellation's own operation.</summary>
        public bool SynchronousCancel { get; init; }

        /// <summary>A publish or go-live repeated while one of its kind runs gets 409 Conflict, instead of the 2018
        /// documentation's idempotent 202 with the running operation's location.</summary>
        public bool RepeatConflict { get; init; }

        /// <summary>Speed-up of operation steps: real duration = step duration / TimeScale (applies to operations started afterwards).</summary>
        public double TimeScale { get; init; } = 1;

        /// <summary>No timed step is shorter than this after scaling. A floor at least as long as a client's back-off keeps its
        /// retries in the same step as in production, where every step takes minutes or more.</summary>
        public double MinimumStepSeconds { get; init; }

        /// <summary>Offers created through PUT are marked migrated to Partner Center.</summary>
        public bool NewOffersMigrated { get; init; }

        /// <summary>Accept any non-empty bearer token (default); otherwise only tokens the emulator issued or was given.</summary>
        public bool AcceptAnyToken { get; init; } = true;

        /// <summary>Step durations in seconds of emulator time, before the time scale, by step id (see <see cref="EmulatorSteps"/>).</summary>
        public IReadOnlyDictionary<string, double> StepDurations { get; init; } =
            EmulatorSteps.DefaultDurations.ToDictionary(p => p.Key, p => p.Value.TotalSeconds, StringComparer.OrdinalIgnoreCase);

        internal static JsonSerializerOptions JsonOptions { get; } = ReadOnly(new(JsonSerializerDefaults.Web)
        {
            Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            WriteIndented = true,
        });

        internal TimeSpan? TokenLifetime => TokenLifetimeSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null;

        /// <summary>A copy with one step's duration changed.</summary>
        public EmulatorSettings WithStepDuration(string stepId, TimeSpan duration)
        {
            return this with { StepDurations = new Dictionary<string, double>(StepDurations, StringComparer.OrdinalIgnoreCase) { [stepId] = duration.TotalSeconds } };
        }

        /// <summary>This, checked and normalized; throws <see cref="ArgumentException"/> naming the setting at fault.</summary>
        public EmulatorSettings Validated()
        {
            var word = SuccessWords.FirstOrDefault(w => string.Equals(w, SuccessWord?.Trim(), StringComparison.OrdinalIgnoreCase))
                ?? throw new ArgumentException($"successWord must be one of: {string.Join(", ", SuccessWords)}.");
            Require(double.IsFinite(TimeScale) && TimeScale > 0, "timeScale must be a positive number.");
            Require(double.IsFinite(MinimumStepSeconds) && MinimumStepSeconds >= 0, "minimumStepSeconds must not be negative.");
            Require(TokenLifetimeSeconds is null or >= 0, "tokenLifetimeSeconds must not be negative.");
            Require(OperationRetryAfterSeconds is null or >= 0, "operationRetryAfterSeconds must not be negative.");
            Require(Enum.IsDefined(SignoffShape), "signoffShape must be status or step.");
            var steps = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
            foreach (var (id, seconds) in StepDurations)
            {
                var known = EmulatorSteps.DefaultDurations.Keys.FirstOrDefault(k => string.Equals(k, id, StringComparison.OrdinalIgnoreCase))
                    ?? throw new ArgumentException($"Unknown step '{id}' in stepDurations. Steps with a duration: {string.Join(", ", EmulatorSteps.DefaultDurations.Keys)}.");
                Require(double.IsFinite(seconds) && seconds is >= 0 and <= MaxStepSeconds, $"The duration of step '{id}' must be from 0 to {MaxStepSeconds:0} seconds (about 300 years).");
                steps[known] = seconds;
            }

            return this with { SuccessWord = word, StepDurations = steps };

            static void Require(bool condition, string message)
            {
                if (!condition)
                {
                    throw new ArgumentException(message);
                }
            }
        }

        /// <summary>
        /// These settings with the members of <paramref name="changes"/> applied by their JSON names (case-insensitive);
        /// <c>stepDurations</c> is merged step by step. An unknown name or a value of the wrong type is refused.
        /// </summary>
        public EmulatorSettings Merge(JsonObject changes)
        {
            var merged = JsonSerializer.SerializeToNode(this, JsonOptions)!.AsObject();
            foreach (var (key, value) in changes)
            {
                var name = merged.Select(p => p.Key).FirstOrDefault(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase))
                    ?? throw new ArgumentException($"Unknown setting '{key}'. Settings: {string.Join(", ", merged.Select(p => p.Key))}.");
                if (name == "stepDurations" && value is JsonObject steps)
                {
                    foreach (var (step, seconds) in steps)
                    {
                        merged[name]!.AsObject()[step] = seconds?.DeepClone();
                    }
                }
                else
                {
                    merged[name] = value?.DeepClone();
                }
            }

            try
            {
                return (merged.Deserialize<EmulatorSettings>(JsonOptions) ?? this).Validated();
            }
            catch (JsonException ex)
            {
                throw new ArgumentException($"Invalid value for setting '{ex.Path?.TrimStart('$', '.')}': {ex.Message}", ex);
            }
        }

        /// <summary>The JSON names of the settings with their value types (for the command line).</summary>
        internal static IEnumerable<(string Name, Type Type)> Names()
        {
            return JsonOptions.GetTypeInfo(typeof(EmulatorSettings)).Properties.Select(p => (p.Name, p.PropertyType));
        }

        private static JsonSerializerOptions ReadOnly(JsonSerializerOptions options)
        {
            options.MakeReadOnly(populateMissingResolver: true);
            return options;
        }

        /// <summary>The six step durations on the real clock for an operation starting now.</summary>
        internal TimeSpan[] ScaledDurations()
        {
            return EmulatorSteps.All.Select(id => StepDurations.TryGetValue(id, out var seconds) ? Scaled(TimeSpan.FromSeconds(seconds)) : TimeSpan.Zero).ToArray();
        }

        /// <summary>A duration of emulator time on the real clock: divided by the time scale, no shorter than the floor.</summary>
        internal TimeSpan Scaled(TimeSpan duration)
        {
            var scaled = TimeSpan.FromTicks((long)Math.Round(duration.Ticks / TimeScale));
            var floor = TimeSpan.FromSeconds(MinimumStepSeconds);
            return scaled > TimeSpan.Zero && scaled < floor ? floor : scaled;
        }
    }
}
