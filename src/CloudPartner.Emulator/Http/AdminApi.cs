using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudPartner.Emulator.OAuth;

namespace CloudPartner.Emulator.Http
{
    /// <summary>The loopback-only admin endpoint under <c>/_emulator/</c> (no auth, no api-version).</summary>
    internal sealed class AdminApi
    {
        private static readonly string[] Routes =
        {
            "GET    /_emulator/requests                 logged API requests (tokens masked)",
            "DELETE /_emulator/requests                 clear the request log",
            "GET    /_emulator/faults                   fault rules with remaining counts and hits",
            "POST   /_emulator/faults                   add a rule, e.g. {\"kind\":\"throttle\",\"path\":\"/api/publishers\",\"count\":2}",
            "DELETE /_emulator/faults[/{id}]            remove all rules (or one)",
            "GET    /_emulator/clock                    emulator time",
            "POST   /_emulator/clock/advance            {\"seconds\": n}",
            "POST   /_emulator/clock/set                {\"time\": \"2030-01-01T00:00:00Z\"} (manual clock only)",
            "GET    /_emulator/operations               all operations of all offers",
            "POST   /_emulator/reset                    reseed and reset everything",
            "GET    /_emulator/settings                 global settings",
            "PUT    /_emulator/settings                 {successWord, tokenLifetimeSeconds, legacyOperationLocation, operationRetryAfterSeconds, synchronousCancel, timeScale, newOffersMigrated, acceptAnyToken, stepDurations}",
            "GET    /_emulator/offers/{p}/{o}/settings  per-offer switches",
            "PUT    /_emulator/offers/{p}/{o}/settings  {migrated, etagOnGet, failCertification, rejectPublishMessage}",
            "GET    /_emulator/access                   access list (tokens masked)",
            "PUT    /_emulator/access                   {\"<token>\": [\"contoso\"]} replaces the access list",
            "POST   /_emulator/tokens                   {\"token\":\"…\",\"expiresOn\":\"…\" or \"expiresInSeconds\":n,\"publishers\":[…]}",
        };

        private readonly OAuthAdmin oauth;

        private readonly EmulatorState state;

        public AdminApi(EmulatorState state)
        {
            this.state = state;
            this.oauth = new OAuthAdmin(state);
        }

        public ApiResponse Handle(string method, string path, byte[] body)
        {
            try
            {
                return Route(method, path, body);
            }
            catch (Exception ex) when (ex is ArgumentException or JsonException or FormatException or InvalidOperationException or OverflowException)
            {
                return ApiResponse.Error(400, "BadRequest", ex.Message);
            }
        }

        private ApiResponse Route(string method, string path, byte[] body)
        {
            var rest = path.Length > "/_emulator".Length ? path["/_emulator".Length..].Trim('/') : string.Empty;
            var s = rest.Length == 0 ? Array.Empty<string>() : rest.Split('/');
            if (s.Length == 0)
            {
                return Is(method, "GET") ? Ok(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("name", "CloudPartner CPP emulator admin endpoint");
                    w.WriteStartArray("routes");
                    foreach (var route in Routes)
                    {
                        w.WriteStringValue(route);
                    }

                    foreach (var route in OAuthAdmin.Routes)
                    {
                        w.WriteStringValue(route);
                    }

                    w.WriteEndArray();
                    w.WriteEndObject();
                }) : NotAllowed(method);
            }

            switch (s[0].ToLowerInvariant())
            {
                case "oauth":
                    return this.oauth.Handle(method, s[1..], () => body.Length == 0 ? new JsonObject() : ParseObject(body));

                case "requests" when s.Length == 1:
                    if (Is(method, "GET"))
                    {
                        return Ok(WriteRequests);
                    }

                    if (Is(method, "DELETE"))
                    {
                        state.ClearRequests();
                        return ApiResponse.Empty(204);
                    }

                    return NotAllowed(method);

                case "faults" when s.Length == 1:
                    if (Is(method, "GET"))
                    {
                        return Ok(w => WriteFaults(w, state.GetFaults()));
                    }

                    if (Is(method, "POST"))
                    {
                        var added = state.AddFault(ParseFault(ParseObject(body)));
                        return JsonResult(201, w => WriteFault(w, added));
                    }

                    if (Is(method, "DELETE"))
                    {
                        state.ClearFaults();
                        return ApiResponse.Empty(204);
                    }

                    return NotAllowed(method);

                case "faults" when s.Length == 2:
                    if (!Is(method, "DELETE"))
                    {
                        return NotAllowed(method);
                    }

                    return state.RemoveFault(s[1]) ? ApiResponse.Empty(204) : ApiResponse.Error(404, "NotFound", $"Fault '{s[1]}' was not found.");

                case "clock" when s.Length == 1:
                    return Is(method, "GET") ? Ok(WriteClock) : NotAllowed(method);

                case "clock" when s.Length == 2 && Is(s[1], "advance"):
                    {
                        if (!Is(method, "POST"))
                        {
                            return NotAllowed(method);
                        }

                        var obj = ParseObject(body);
                        var seconds = obj["seconds"]?.GetValue<double>() ?? throw new ArgumentException("Send {\"seconds\": n}.");
                        state.AdvanceClock(TimeSpan.FromSeconds(seconds));
                        return Ok(WriteClock);
                    }

                case "clock" when s.Length == 2 && Is(s[1], "set"):
                    {
                        if (!Is(method, "POST"))
                        {
                            return NotAllowed(method);
                        }

                        if (state.Clock is not ManualClock manual)
                        {
                            return ApiResponse.Error(409, "Conflict", "The clock can only be set when the emulator runs on a manual clock; use /_emulator/clock/advance.");
                        }

                        var text = Json.GetString(ParseObject(body)["time"]);
                        if (!Json.TryParseTime(text, out var time))
                        {
                            throw new ArgumentException("Send {\"time\": \"<ISO-8601 time>\"}.");
                        }

                        manual.Set(time);
                        return Ok(WriteClock);
                    }

                case "operations" when s.Length == 1:
                    return Is(method, "GET") ? Ok(WriteOperations) : NotAllowed(method);

                case "reset" when s.Length == 1:
                    if (!Is(method, "POST"))
                    {
                        return NotAllowed(method);
                    }

                    state.Reset();
                    return ApiResponse.Empty(204);

                case "settings" when s.Length == 1:
                    if (Is(method, "PUT"))
                    {
                        ApplySettings(ParseObject(body));
                        return Ok(WriteSettings);
                    }

                    return Is(method, "GET") ? Ok(WriteSettings) : NotAllowed(method);

                case "offers" when s.Length == 4 && Is(s[3], "settings"):
                    {
                        if (state.GetOfferJson(s[1], s[2]) is null)
                        {
                            return ApiResponse.Error(404, "NotFound", $"Offer '{s[1]}/{s[2]}' was not found.");
                        }

                        if (Is(method, "PUT"))
                        {
                            var obj = ParseObject(body);
                            state.UpdateOfferSettings(s[1], s[2], Bool(obj, "migrated"), Bool(obj, "etagOnGet"), Bool(obj, "failCertification"));
                            if (obj.ContainsKey("rejectPublishMessage"))
                            {
                                state.SetPublishRejection(s[1], s[2], Json.GetString(obj["rejectPublishMessage"]));
                            }
                        }
                        else if (!Is(method, "GET"))
                        {
                            return NotAllowed(method);
                        }

                        var settings = state.GetOfferSettings(s[1], s[2]);
                        return Ok(w =>
                        {
                            w.WriteStartObject();
                            w.WriteBoolean("migrated", settings.Migrated);
                            w.WriteBoolean("etagOnGet", settings.EtagOnGet);
                            w.WriteBoolean("failCertification", settings.FailCertification);
                            w.WriteString("rejectPublishMessage", settings.RejectPublishMessage);
                            w.WriteEndObject();
                        });
                    }

                case "access" when s.Length == 1:
                    if (Is(method, "PUT"))
                    {
                        var obj = ParseObject(body);
                        var entries = new List<KeyValuePair<string, IReadOnlyList<string>>>();
                        foreach (var pair in obj)
                        {
                            if (pair.Value is not JsonArray array)
                            {
                                throw new ArgumentException($"The value for a token must be an array of publisher ids.");
                            }

                            var list = new List<string>();
                            foreach (var item in array)
                            {
                                list.Add(Json.GetString(item) ?? throw new ArgumentException("Publisher ids must be strings."));
                            }

                            entries.Add(new KeyValuePair<string, IReadOnlyList<string>>(pair.Key, list));
                        }

                        state.SetAccessList(entries);
                    }
                    else if (!Is(method, "GET"))
                    {
                        return NotAllowed(method);
                    }

                    return Ok(w =>
                    {
                        w.WriteStartObject();
                        foreach (var pair in state.GetAccessList())
                        {
                            w.WriteStartArray(RequestLog.Fingerprint(pair.Key));
                            foreach (var publisher in pair.Value)
                            {
                                w.WriteStringValue(publisher);
                            }

                            w.WriteEndArray();
                        }

                        w.WriteEndObject();
                    });

                case "tokens" when s.Length == 1:
                    {
                        if (!Is(method, "POST"))
                        {
                            return NotAllowed(method);
                        }

                        var obj = ParseObject(body);
                        var token = Json.GetString(obj["token"]) ?? throw new ArgumentException("Send {\"token\": \"…\"}.");
                        DateTimeOffset expires;
                        if (obj["expiresInSeconds"] is { } seconds)
                        {
                            expires = state.UtcNow.AddSeconds(seconds.GetValue<double>());
                        }
                        else if (!Json.TryParseTime(Json.GetString(obj["expiresOn"]), out expires))
                        {
                            throw new ArgumentException("Send expiresOn (ISO-8601) or expiresInSeconds.");
                        }

                        List<string>? publishers = null;
                        if (obj["publishers"] is JsonArray array)
                        {
                            publishers = new List<string>();
                            foreach (var item in array)
                            {
                                publishers.Add(Json.GetString(item) ?? throw new ArgumentException("Publisher ids must be strings."));
                            }
                        }

                        state.RegisterToken(token, expires, publishers);
                        return ApiResponse.Empty(204);
                    }
            }

            return ApiResponse.Error(404, "NotFound", $"Unknown admin route '{path}'. GET /_emulator/ lists the routes.");
        }

        private void ApplySettings(JsonObject obj)
        {
            foreach (var pair in obj)
            {
                var value = pair.Value;
                switch (pair.Key.ToLowerInvariant())
                {
                    case "successword":
                        state.SuccessWord = Json.GetString(value) ?? throw new ArgumentException("successWord must be a string.");
                        break;
                    case "tokenlifetimeseconds":
                        state.TokenLifetime = value is null ? null : TimeSpan.FromSeconds(value.GetValue<double>());
                        break;
                    case "legacyoperationlocation":
                        state.LegacyOperationLocation = value?.GetValue<bool>() ?? false;
                        break;
                    case "strict":
                        state.Strict = value?.GetValue<bool>() ?? false;
                        break;
                    case "signoffshape":
                        state.SignoffShape = ParseEnum<SignoffShape>(Json.GetString(value), "signoffShape");
                        break;
                    case "operationretryafterseconds":
                        state.OperationRetryAfter = value is null ? null : TimeSpan.FromSeconds(value.GetValue<double>());
                        break;
                    case "synchronouscancel":
                        state.SynchronousCancel = value?.GetValue<bool>() ?? false;
                        break;
                    case "repeatconflict":
                        state.RepeatConflict = value?.GetValue<bool>() ?? false;
                        break;
                    case "timescale":
                        state.TimeScale = value?.GetValue<double>() ?? 1;
                        break;
                    case "minimumstepseconds":
                        state.MinimumStepDuration = TimeSpan.FromSeconds(value?.GetValue<double>() ?? 0);
                        break;
                    case "newoffersmigrated":
                        state.NewOffersMigrated = value?.GetValue<bool>() ?? false;
                        break;
                    case "acceptanytoken":
                        state.AcceptAnyToken = value?.GetValue<bool>() ?? true;
                        break;
                    case "stepdurations":
                        if (value is not JsonObject durations)
                        {
                            throw new ArgumentException("stepDurations must be an object of step id to seconds.");
                        }

                        foreach (var step in durations)
                        {
                            state.SetStepDuration(step.Key, TimeSpan.FromSeconds(step.Value?.GetValue<double>() ?? 0));
                        }

                        break;
                    default:
                        throw new ArgumentException($"Unknown setting '{pair.Key}'.");
                }
            }
        }

        internal static FaultRule ParseFault(JsonObject obj)
        {
            var rule = new FaultRule();
            foreach (var pair in obj)
            {
                var value = pair.Value;
                switch (pair.Key.ToLowerInvariant())
                {
                    case "id":
                        rule.Id = Json.GetString(value);
                        break;
                    case "kind":
                        rule.Kind = ParseEnum<FaultKind>(Json.GetString(value), "kind");
                        break;
                    case "method":
                        rule.Method = Json.GetString(value);
                        break;
                    case "path":
                        rule.Path = Json.GetString(value);
                        break;
                    case "pathregex":
                        rule.PathRegex = Json.GetString(value);
                        break;
                    case "count":
                        rule.Count = value?.GetValue<int>();
                        break;
                    case "skip":
                        rule.Skip = value?.GetValue<int>() ?? 0;
                        break;
                    case "headervalue":
                        rule.HeaderValue = Json.GetString(value);
                        break;
                    case "rate":
                        rule.Rate = value?.GetValue<double>();
                        break;
                    case "seed":
                        rule.Seed = value?.GetValue<int>() ?? 1;
                        break;
                    case "phase":
                        rule.Phase = ParseEnum<FaultPhase>(Json.GetString(value), "phase");
                        break;
                    case "statuscode":
                    case "status":
                        rule.StatusCode = value?.GetValue<int>();
                        break;
                    case "retryafterseconds":
                        rule.RetryAfterSeconds = value?.GetValue<int>();
                        break;
                    case "retryafterashttpdate":
                        rule.RetryAfterAsHttpDate = value?.GetValue<bool>() ?? false;
                        break;
                    case "latencyms":
                        rule.LatencyMs = value?.GetValue<int>() ?? 0;
                        break;
                    case "latencymaxms":
                        rule.LatencyMaxMs = value?.GetValue<int>();
                        break;
                    case "variant":
                        rule.Variant = Json.GetString(value);
                        break;
                    case "hugebodybytes":
                        rule.HugeBodyBytes = value?.GetValue<long>() ?? rule.HugeBodyBytes;
                        break;
                    case "foreignhost":
                        rule.ForeignHost = Json.GetString(value) ?? rule.ForeignHost;
                        break;
                    case "hits":
                        break;
                    default:
                        throw new ArgumentException($"Unknown fault property '{pair.Key}'.");
                }
            }

            if (!obj.ContainsKey("kind") && !obj.ContainsKey("Kind"))
            {
                throw new ArgumentException("A fault needs a kind: throttle, status, latency, drop or hostile.");
            }

            return rule;
        }

        private static T ParseEnum<T>(string? text, string name)
            where T : struct, Enum
        {
            if (text is not null && Enum.TryParse<T>(text, ignoreCase: true, out var value) && Enum.IsDefined(value))
            {
                return value;
            }

            throw new ArgumentException($"Invalid {name} '{text}'. Allowed: {string.Join(", ", Enum.GetNames<T>())}.");
        }

        private static bool? Bool(JsonObject obj, string name)
        {
            foreach (var pair in obj)
            {
                if (string.Equals(pair.Key, name, StringComparison.OrdinalIgnoreCase))
                {
                    return pair.Value?.GetValue<bool>();
                }
            }

            return null;
        }

        private static JsonObject ParseObject(byte[] body)
        {
            if (body.Length == 0)
            {
                throw new ArgumentException("A JSON object body is required.");
            }

            return Json.Parse(body) as JsonObject ?? throw new ArgumentException("The body must be a JSON object.");
        }

        private void WriteRequests(Utf8JsonWriter w)
        {
            w.WriteStartArray();
            foreach (var entry in state.GetRequests())
            {
                w.WriteStartObject();
                w.WriteNumber("sequence", entry.Sequence);
                w.WriteString("time", Json.Z7(entry.Time));
                w.WriteString("method", entry.Method);
                w.WriteString("path", entry.Path);
                w.WriteString("query", entry.Query);
                w.WriteStartObject("headers");
                foreach (var header in entry.Headers)
                {
                    w.WriteString(header.Key, header.Value);
                }

                w.WriteEndObject();
                w.WriteString("body", entry.Body);
                w.WriteNumber("status", entry.Status);
                w.WriteString("fault", entry.Fault);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        private static void WriteFaults(Utf8JsonWriter w, IReadOnlyList<FaultRule> rules)
        {
            w.WriteStartArray();
            foreach (var rule in rules)
            {
                WriteFault(w, rule);
            }

            w.WriteEndArray();
        }

        private static void WriteFault(Utf8JsonWriter w, FaultRule rule)
        {
            w.WriteStartObject();
            w.WriteString("id", rule.Id);
            w.WriteString("kind", Camel(rule.Kind.ToString()));
            w.WriteString("method", rule.Method);
            w.WriteString("path", rule.Path);
            w.WriteString("pathRegex", rule.PathRegex);
            WriteNullable(w, "count", rule.Count);
            w.WriteNumber("skip", rule.Skip);
            if (rule.Rate is { } rate)
            {
                w.WriteNumber("rate", rate);
            }
            else
            {
                w.WriteNull("rate");
            }

            w.WriteNumber("seed", rule.Seed);
            w.WriteString("phase", Camel(rule.Phase.ToString()));
            WriteNullable(w, "statusCode", rule.StatusCode);
            WriteNullable(w, "retryAfterSeconds", rule.RetryAfterSeconds);
            w.WriteBoolean("retryAfterAsHttpDate", rule.RetryAfterAsHttpDate);
            w.WriteNumber("latencyMs", rule.LatencyMs);
            WriteNullable(w, "latencyMaxMs", rule.LatencyMaxMs);
            w.WriteString("variant", rule.Variant);
            w.WriteString("headerValue", rule.HeaderValue);
            w.WriteNumber("hits", rule.Hits);
            w.WriteEndObject();
        }

        private void WriteClock(Utf8JsonWriter w)
        {
            w.WriteStartObject();
            w.WriteString("now", Json.Z7(state.UtcNow));
            w.WriteBoolean("manual", state.Clock is ManualClock);
            w.WriteEndObject();
        }

        private void WriteOperations(Utf8JsonWriter w)
        {
            w.WriteStartArray();
            foreach (var op in state.GetOperations())
            {
                w.WriteStartObject();
                w.WriteString("publisherId", op.PublisherId);
                w.WriteString("offerId", op.OfferId);
                w.WriteString("id", op.Id);
                w.WriteString("legacyId", op.LegacyId);
                w.WriteString("submissionType", op.SubmissionType);
                w.WriteString("status", op.Status);
                w.WriteBoolean("waitingForPublisherReview", op.WaitingForPublisherReview);
                w.WriteString("slot", op.Slot);
                w.WriteNumber("publishingVersion", op.PublishingVersion);
                w.WriteNumber("offerVersion", op.OfferVersion);
                w.WriteString("createdDateTime", Json.Z7(op.CreatedDateTime));
                w.WriteString("lastActionDateTime", Json.Z7(op.LastActionDateTime));
                w.WriteString("location", op.Location);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        private void WriteSettings(Utf8JsonWriter w)
        {
            w.WriteStartObject();
            w.WriteString("successWord", state.SuccessWord);
            WriteSeconds(w, "tokenLifetimeSeconds", state.TokenLifetime);
            w.WriteBoolean("legacyOperationLocation", state.LegacyOperationLocation);
            w.WriteBoolean("strict", state.Strict);
            w.WriteString("signoffShape", Camel(state.SignoffShape.ToString()));
            WriteSeconds(w, "operationRetryAfterSeconds", state.OperationRetryAfter);
            w.WriteBoolean("synchronousCancel", state.SynchronousCancel);
            w.WriteBoolean("repeatConflict", state.RepeatConflict);
            w.WriteNumber("timeScale", state.TimeScale);
            w.WriteNumber("minimumStepSeconds", state.MinimumStepDuration.TotalSeconds);
            w.WriteBoolean("newOffersMigrated", state.NewOffersMigrated);
            w.WriteBoolean("acceptAnyToken", state.AcceptAnyToken);
            w.WriteStartObject("stepDurations");
            foreach (var pair in state.StepDurations)
            {
                w.WriteNumber(pair.Key, pair.Value.TotalSeconds);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        private static void WriteSeconds(Utf8JsonWriter w, string name, TimeSpan? value)
        {
            if (value is { } v)
            {
                w.WriteNumber(name, v.TotalSeconds);
            }
            else
            {
                w.WriteNull(name);
            }
        }

        private static void WriteNullable(Utf8JsonWriter w, string name, long? value)
        {
            if (value is { } v)
            {
                w.WriteNumber(name, v);
            }
            else
            {
                w.WriteNull(name);
            }
        }

        private static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];

        private static ApiResponse Ok(Action<Utf8JsonWriter> write) => JsonResult(200, write);

        private static ApiResponse JsonResult(int status, Action<Utf8JsonWriter> write) => ApiResponse.Json(status, Http.Json.Write(write, indented: true));

        private static ApiResponse NotAllowed(string method) => ApiResponse.Error(405, "MethodNotAllowed", $"The admin route does not support http method '{method}'.");

        private static bool Is(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

        internal static string FormatSeconds(double seconds) => seconds.ToString(CultureInfo.InvariantCulture);
    }
}
