using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading;

namespace CloudPartner.Emulator
{
    /// <summary>What a fault rule does to a matching request.</summary>
    public enum FaultKind
    {
        /// <summary>429 Too Many Requests with <c>Retry-After</c> (seconds, or an HTTP date).</summary>
        Throttle,

        /// <summary>A 5xx answer (500 by default) with the CPP error body, its code the status's own name (e.g. ServiceUnavailable).</summary>
        Status,

        /// <summary>Waits (fixed or min–max milliseconds), then handles the request normally.</summary>
        Latency,

        /// <summary>Aborts the connection without a response.</summary>
        Drop,

        /// <summary>A malformed or hostile response; see <see cref="HostileVariants"/>.</summary>
        Hostile,
    }

    /// <summary>When a fault is applied.</summary>
    public enum FaultPhase
    {
        /// <summary>Instead of handling the request (it has no effect on the state).</summary>
        Before,

        /// <summary>After the request was fully handled (e.g. the operation IS created); the response is replaced (a latency
        /// fault delays the answer instead: the service has acted, the client is still waiting).</summary>
        After,
    }

    /// <summary>Variant names of <see cref="FaultKind.Hostile"/> faults (case-insensitive).</summary>
    public static class HostileVariants
    {
        /// <summary>The real response, cut in the middle (valid HTTP framing, invalid JSON). Always handles the request.</summary>
        public const string TruncatedJson = "truncatedJson";

        /// <summary>An HTML gateway error page (502 unless <see cref="FaultRule.StatusCode"/> says otherwise), <c>text/html</c>.</summary>
        public const string HtmlGateway = "htmlGateway";

        /// <summary>200 with an empty body.</summary>
        public const string Empty200 = "empty200";

        /// <summary>200 with the body <c>null</c>.</summary>
        public const string NullBody = "null";

        /// <summary>200 with a huge (valid) JSON body of <see cref="FaultRule.HugeBodyBytes"/> bytes.</summary>
        public const string HugeBody = "hugeBody";

        /// <summary>200 with a body that never ends (until the client gives up or the server stops).</summary>
        public const string NeverEndingBody = "neverEndingBody";

        /// <summary>The real response with its <c>Location</c>/<c>Operation-Location</c> (and a Product Ingestion page's
        /// <c>@nextLink</c>) pointing to <see cref="FaultRule.ForeignHost"/>. Always handles the request.</summary>
        public const string ForeignLocation = "foreignLocation";

        /// <summary>A redirect (302 unless <see cref="FaultRule.StatusCode"/> gives another 3xx) to the same path and query on
        /// <see cref="FaultRule.ForeignHost"/>. The request is not handled (unless the phase is After).</summary>
        public const string Redirect = "redirect";

        /// <summary>The real response with its <c>Location</c>/<c>Operation-Location</c> climbing out of the operation path with
        /// <c>..</c> segments (to <c>/_emulator/reset</c>). Always handles the request.</summary>
        public const string DotDotLocation = "dotDotLocation";

        /// <summary>The real response with its <c>Location</c>/<c>Operation-Location</c> turned into a <c>javascript:</c> URL.
        /// Always handles the request.</summary>
        public const string JavascriptLocation = "javascriptLocation";

        /// <summary>The real response with every top-level field (of the object, or of each object in a top-level array) given
        /// a value of the wrong JSON type: strings become arrays, numbers and booleans words, objects strings, arrays numbers.
        /// Always handles the request.</summary>
        public const string WrongTypes = "wrongTypes";

        /// <summary>The real response with a <c>Retry-After</c> header of <see cref="FaultRule.HeaderValue"/>, as given (such as
        /// <c>1e400</c>, <c>Infinity</c> or <c>99999999999999</c>). Always handles the request.</summary>
        public const string RetryAfter = "retryAfter";

        /// <summary>All variant names.</summary>
        public static IReadOnlyList<string> All { get; } = new[] { TruncatedJson, HtmlGateway, Empty200, NullBody, HugeBody, NeverEndingBody, ForeignLocation, Redirect, DotDotLocation, JavascriptLocation, WrongTypes, RetryAfter };

        internal static string? Normalize(string? name)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                return null;
            }

            var key = name.Replace("-", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal).Trim().ToLowerInvariant();
            return key switch
            {
                "truncatedjson" or "truncated" => TruncatedJson,
                "htmlgateway" or "html" or "gateway" => HtmlGateway,
                "empty200" or "empty" or "emptybody" => Empty200,
                "null" or "nullbody" => NullBody,
                "hugebody" or "huge" => HugeBody,
                "neverendingbody" or "neverending" or "endless" or "infinite" => NeverEndingBody,
                "foreignlocation" or "otherhostlocation" or "locationotherhost" => ForeignLocation,
                "redirect" or "redirectotherhost" or "foreignredirect" => Redirect,
                "dotdotlocation" or "dotdot" or "traversallocation" => DotDotLocation,
                "javascriptlocation" or "javascript" => JavascriptLocation,
                "wrongtypes" or "wrongtype" => WrongTypes,
                "retryafter" => RetryAfter,
                _ => null,
            };
        }
    }

    /// <summary>A fault injection rule. Matching is by HTTP method (optional) and path (prefix or regex, on the path
    /// without query). With <see cref="Count"/> it applies to the next N matching requests; with <see cref="Rate"/> each
    /// matching request is hit with that probability (seeded RNG, repeatable); with neither it applies to every match.</summary>
    public sealed class FaultRule
    {
        /// <summary>Assigned when the rule is added (unless given).</summary>
        public string? Id { get; set; }

        /// <summary>What the fault does.</summary>
        public FaultKind Kind { get; set; }

        /// <summary>HTTP method to match (any when null).</summary>
        public string? Method { get; set; }

        /// <summary>Case-insensitive path prefix to match, e.g. <c>/api/publishers/contoso/offers/contoso-vm/publish</c>.</summary>
        public string? Path { get; set; }

        /// <summary>Regular expression matched against the path (case-insensitive).</summary>
        public string? PathRegex { get; set; }

        /// <summary>Apply to the next N matching requests only. When read back from the state: how many are left.</summary>
        public int? Count { get; set; }

        /// <summary>The raw header value a header-rewriting hostile variant sends (<see cref="HostileVariants.RetryAfter"/>).</summary>
        public string? HeaderValue { get; set; }

        /// <summary>Let this many matching requests through before the rule applies. When read back: how many are left to let through.</summary>
        public int Skip { get; set; }

        /// <summary>Probability (0..1] of applying to a matching request.</summary>
        public double? Rate { get; set; }

        /// <summary>Seed of the rule's random generator (for <see cref="Rate"/> and latency ranges).</summary>
        public int Seed { get; set; } = 1;

        /// <summary>Before handling (default) or after handling.</summary>
        public FaultPhase Phase { get; set; }

        /// <summary>Status code for <see cref="FaultKind.Status"/> (default 500), the HTML gateway page (default 502) or a redirect (default 302).</summary>
        public int? StatusCode { get; set; }

        /// <summary>Retry-After for <see cref="FaultKind.Throttle"/> (default 1 s); also sent with Status faults when set explicitly.</summary>
        public int? RetryAfterSeconds { get; set; }

        /// <summary>The Retry-After of a throttle rule that sets none.</summary>
        internal const int DefaultThrottleSeconds = 1;

        /// <summary>Send Retry-After as an HTTP date instead of seconds.</summary>
        public bool RetryAfterAsHttpDate { get; set; }

        /// <summary>Latency in milliseconds (the minimum when <see cref="LatencyMaxMs"/> is set).</summary>
        public int LatencyMs { get; set; }

        /// <summary>Maximum latency; a value in [LatencyMs, LatencyMaxMs] is drawn per request.</summary>
        public int? LatencyMaxMs { get; set; }

        /// <summary>Variant of a <see cref="FaultKind.Hostile"/> fault (see <see cref="HostileVariants"/>).</summary>
        public string? Variant { get; set; }

        /// <summary>Body size of the <see cref="HostileVariants.HugeBody"/> variant. Default 16 MiB.</summary>
        public long HugeBodyBytes { get; set; } = 16L * 1024 * 1024;

        /// <summary>Scheme and host used by <see cref="HostileVariants.ForeignLocation"/> and <see cref="HostileVariants.Redirect"/>.</summary>
        public string ForeignHost { get; set; } = "https://attacker.example.com";

        /// <summary>How many times the rule has been applied (read back from the state).</summary>
        public int Hits { get; set; }

        /// <summary>A rule from its JSON description (admin endpoint and <c>--fault</c>); throws <see cref="ArgumentException"/>.</summary>
        internal static FaultRule Parse(JsonObject body)
        {
            if (!body.Any(p => string.Equals(p.Key, "kind", StringComparison.OrdinalIgnoreCase)))
            {
                throw new ArgumentException("A fault needs a kind: throttle, status, latency, drop or hostile.");
            }

            try
            {
                return body.Deserialize<FaultRule>(Http.Json.Admin)!;
            }
            catch (JsonException ex)
            {
                throw new ArgumentException($"Invalid fault rule: {ex.Message}", ex);
            }
        }

        /// <summary>A copy of this rule.</summary>
        public FaultRule Clone() => (FaultRule)MemberwiseClone();

        /// <summary>True when the request is handled even in the Before phase (variants that transform the real response).</summary>
        internal bool AlwaysHandles => Kind == FaultKind.Hostile
            && (Variant == HostileVariants.TruncatedJson || Variant == HostileVariants.ForeignLocation || Variant == HostileVariants.DotDotLocation
                || Variant == HostileVariants.JavascriptLocation || Variant == HostileVariants.WrongTypes || Variant == HostileVariants.RetryAfter);

        /// <summary>Set on the copy a request meets while its caller is still throttled by this rule.</summary>
        internal bool Held { get; set; }

        internal string Describe() => Kind switch
        {
            FaultKind.Hostile => "hostile:" + Variant,
            FaultKind.Throttle when Held => "throttle:held",
            _ => Kind.ToString().ToLowerInvariant(),
        };

        /// <summary>Checks the rule and normalises it; throws <see cref="ArgumentException"/> with a clear message when invalid.</summary>
        internal void Validate()
        {
            if (!Enum.IsDefined(Kind))
            {
                throw new ArgumentException($"Unknown fault kind '{Kind}'.");
            }

            if (Count is < 1)
            {
                throw new ArgumentException("count must be 1 or more.");
            }

            if (Skip < 0)
            {
                throw new ArgumentException("skip must be 0 or more.");
            }

            if (Rate is not null && (double.IsNaN(Rate.Value) || Rate <= 0 || Rate > 1))
            {
                throw new ArgumentException("rate must be in (0, 1].");
            }

            if (PathRegex is not null)
            {
                try
                {
                    _ = new Regex(PathRegex, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
                }
                catch (ArgumentException ex)
                {
                    throw new ArgumentException($"pathRegex is not a valid regular expression: {ex.Message}");
                }
            }

            switch (Kind)
            {
                case FaultKind.Status:
                    if (StatusCode is { } s && (s < 500 || s > 599))
                    {
                        throw new ArgumentException("statusCode of a Status fault must be a 5xx code (500, 502, 503, 504).");
                    }

                    break;
                case FaultKind.Throttle:
                    if (RetryAfterSeconds is < 0)
                    {
                        throw new ArgumentException("retryAfterSeconds must not be negative.");
                    }

                    break;
                case FaultKind.Latency:
                    if (LatencyMs < 0 || (LatencyMaxMs is { } max && max < LatencyMs))
                    {
                        throw new ArgumentException("latencyMs must be >= 0 and latencyMaxMs >= latencyMs.");
                    }

                    break;
                case FaultKind.Hostile:
                    var variant = HostileVariants.Normalize(Variant);
                    if (variant is null)
                    {
                        throw new ArgumentException($"variant of a Hostile fault must be one of: {string.Join(", ", HostileVariants.All)}.");
                    }

                    Variant = variant;
                    if (HugeBodyBytes < 4)
                    {
                        throw new ArgumentException("hugeBodyBytes must be at least 4.");
                    }

                    if (!Uri.TryCreate(ForeignHost, UriKind.Absolute, out _))
                    {
                        throw new ArgumentException("foreignHost must be an absolute URI such as https://attacker.example.com.");
                    }

                    if (Variant == HostileVariants.Redirect && StatusCode is { } redirect && (redirect < 300 || redirect > 399))
                    {
                        throw new ArgumentException("statusCode of a redirect must be a 3xx code (301, 302, 303, 307, 308).");
                    }

                    break;
            }
        }
    }

    /// <summary>The decision for one request.</summary>
    internal readonly struct FaultDecision
    {
        public FaultDecision(int latencyMs, int latencyAfterMs, FaultRule? terminal, string? latencyRule)
        {
            LatencyMs = latencyMs;
            LatencyAfterMs = latencyAfterMs;
            Terminal = terminal;
            LatencyRule = latencyRule;
        }

        /// <summary>Delay before the request is handled.</summary>
        public int LatencyMs { get; }

        /// <summary>Delay after it was handled, before the answer is sent (latency rules with phase "after").</summary>
        public int LatencyAfterMs { get; }

        public FaultRule? Terminal { get; }

        public string? LatencyRule { get; }
    }

    /// <summary>Thread-safe set of active fault rules.</summary>
    internal sealed class FaultEngine
    {
        private readonly object gate = new();
        private readonly List<Active> rules = new();

        /// <summary>Until when each caller stays throttled by each throttle rule, keyed by rule id and caller.</summary>
        private readonly Dictionary<(string Rule, string Caller), DateTimeOffset> throttledUntil = new();
        private int nextId;
        private volatile int count;

        public FaultRule Add(FaultRule rule)
        {
            ArgumentNullException.ThrowIfNull(rule);
            var copy = rule.Clone();
            copy.Validate();
            copy.Hits = 0;
            lock (gate)
            {
                copy.Id ??= "fault-" + (++nextId).ToString(CultureInfo.InvariantCulture);
                if (rules.Exists(r => string.Equals(r.Rule.Id, copy.Id, StringComparison.Ordinal)))
                {
                    throw new ArgumentException($"A fault with id '{copy.Id}' already exists.");
                }

                var regex = copy.PathRegex is null ? null : new Regex(copy.PathRegex, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
                rules.Add(new Active(copy, regex));
                count = rules.Count;
                return copy.Clone();
            }
        }

        public bool Remove(string id)
        {
            lock (gate)
            {
                var removed = rules.RemoveAll(r => string.Equals(r.Rule.Id, id, StringComparison.Ordinal)) > 0;
                foreach (var key in throttledUntil.Keys.Where(k => k.Rule == id).ToList())
                {
                    throttledUntil.Remove(key);
                }

                count = rules.Count;
                return removed;
            }
        }

        public void Clear()
        {
            lock (gate)
            {
                rules.Clear();
                throttledUntil.Clear();
                count = 0;
            }
        }

        public IReadOnlyList<FaultRule> Snapshot()
        {
            lock (gate)
            {
                return rules.ConvertAll(r => r.Rule.Clone());
            }
        }

        /// <summary>
        /// The faults <paramref name="caller"/>'s request meets at <paramref name="now"/>. A caller a throttle rule answered
        /// stays throttled by it until that answer's Retry-After has passed (whatever is left of the rule's count), so a
        /// client that retries too early is caught, as a rate limiter would.
        /// </summary>
        public FaultDecision Evaluate(string method, string path, string caller, DateTimeOffset now)
        {
            if (count == 0)
            {
                return default;
            }

            var latency = 0;
            var latencyAfter = 0;
            string? latencyRule = null;
            lock (gate)
            {
                foreach (var active in rules)
                {
                    var rule = active.Rule;
                    if (rule.Method is not null && !string.Equals(rule.Method, method, StringComparison.OrdinalIgnoreCase))
                    {
                        continue;
                    }

                    if (rule.Path is not null && !path.StartsWith(rule.Path, StringComparison.OrdinalIgnoreCase))
                    {
                        continue;
                    }

                    if (active.Regex is not null && !active.Regex.IsMatch(path))
                    {
                        continue;
                    }

                    if (rule.Kind == FaultKind.Throttle && throttledUntil.TryGetValue((rule.Id!, caller), out var until))
                    {
                        if (now < until)
                        {
                            var held = rule.Clone();
                            held.Held = true;
                            held.RetryAfterSeconds = (int)Math.Ceiling((until - now).TotalSeconds);
                            return new FaultDecision(latency, latencyAfter, held, latencyRule);
                        }

                        throttledUntil.Remove((rule.Id!, caller));
                    }

                    if (rule.Count is <= 0)
                    {
                        continue;
                    }

                    if (rule.Rate is { } rate && rate < 1 && active.Random.NextDouble() >= rate)
                    {
                        continue;
                    }

                    if (rule.Skip > 0)
                    {
                        rule.Skip--;
                        continue;
                    }

                    if (rule.Count is not null)
                    {
                        rule.Count--;
                    }

                    rule.Hits++;
                    if (rule.Kind == FaultKind.Latency)
                    {
                        var ms = rule.LatencyMs;
                        if (rule.LatencyMaxMs is { } max && max > ms)
                        {
                            ms = active.Random.Next(ms, max + 1);
                        }

                        if (rule.Phase == FaultPhase.After)
                        {
                            latencyAfter += ms;
                        }
                        else
                        {
                            latency += ms;
                        }

                        latencyRule ??= rule.Id;
                        continue;
                    }

                    if (rule.Kind == FaultKind.Throttle)
                    {
                        throttledUntil[(rule.Id!, caller)] = now.AddSeconds(rule.RetryAfterSeconds ?? FaultRule.DefaultThrottleSeconds);
                    }

                    return new FaultDecision(latency, latencyAfter, rule.Clone(), latencyRule);
                }
            }

            return new FaultDecision(latency, latencyAfter, null, latencyRule);
        }

        private sealed class Active
        {
            public Active(FaultRule rule, Regex? regex)
            {
                Rule = rule;
                Regex = regex;
                Random = new Random(rule.Seed);
            }

            public FaultRule Rule { get; }

            public Regex? Regex { get; }

            public Random Random { get; }
        }
    }
}
