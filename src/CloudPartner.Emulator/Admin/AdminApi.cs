using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudPartner.Emulator.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;

namespace CloudPartner.Emulator.Admin
{
    /// <summary>The loopback-only admin endpoint under <c>/_emulator</c> (no auth, no api-version): the same powers as
    /// <see cref="EmulatorState"/> in process. Bad input throws; <see cref="EmulatorTraffic"/> answers it with 400.</summary>
    internal sealed class AdminApi
    {
        private readonly EmulatorState state;

        public AdminApi(EmulatorState state)
        {
            this.state = state;
        }

        public void Map(IEndpointRouteBuilder app)
        {
            var admin = app.MapGroup("/_emulator");
            admin.MapGet("/", () => Ok(new { name = "CloudPartner CPP emulator admin endpoint", routes = Routes(app) }));
            admin.MapGet("/requests", () => Ok(state.GetRequests())).WithSummary("logged API requests (tokens masked)");
            admin.MapDelete("/requests", () => Done(state.ClearRequests)).WithSummary("clear the request log");
            admin.MapGet("/faults", () => Ok(state.GetFaults())).WithSummary("fault rules with remaining counts and hits");
            admin.MapPost("/faults", (HttpContext c) => Ok(state.AddFault(FaultRule.Parse(Body(c))), 201))
                .WithSummary("add a rule, e.g. {\"kind\":\"throttle\",\"path\":\"/api/publishers\",\"count\":2}");
            admin.MapDelete("/faults", () => Done(state.Faults.Clear)).WithSummary("remove all rules");
            admin.MapDelete("/faults/{id}", (string id) => state.Faults.Remove(id) ? ApiResponse.Empty(204) : ApiResponse.Error(404, "NotFound", $"Fault '{id}' was not found."))
                .WithSummary("remove one rule");
            admin.MapGet("/clock", Clock).WithSummary("emulator time");
            admin.MapPost("/clock/advance", (HttpContext c) =>
            {
                state.AdvanceClock(TimeSpan.FromSeconds(Read<ClockChange>(c).Seconds ?? throw new ArgumentException("Send {\"seconds\": n}.")));
                return Clock();
            }).WithSummary("{\"seconds\": n}");
            admin.MapPost("/clock/set", (HttpContext c) =>
            {
                if (state.Clock is not ManualClock manual)
                {
                    return ApiResponse.Error(409, "Conflict", "The clock can only be set when the emulator runs on a manual clock; use /_emulator/clock/advance.");
                }

                manual.Set(Read<ClockChange>(c).Time ?? throw new ArgumentException("Send {\"time\": \"<ISO-8601 time>\"}."));
                return Clock();
            }).WithSummary("{\"time\": \"2030-01-01T00:00:00Z\"} (manual clock only)");
            admin.MapGet("/operations", () => Ok(state.GetOperations())).WithSummary("all publish and go-live operations of all offers");
            admin.MapGet("/jobs", () => Ok(state.GetJobs())).WithSummary("all Product Ingestion configure jobs, oldest first");
            admin.MapPost("/reset", () => Done(state.Reset)).WithSummary("reseed and reset everything");
            admin.MapGet("/settings", () => Ok(state.Settings)).WithSummary("the settings in force");
            admin.MapPut("/settings", (HttpContext c) => Ok(state.Settings = state.Settings.Merge(Body(c))))
                .WithSummary("change some settings, e.g. {\"timeScale\": 100000, \"stepDurations\": {\"displaycertify\": 60}}");
            admin.MapGet("/offers/{publisherId}/{offerId}/settings", (string publisherId, string offerId) => WithOffer(publisherId, offerId, () => state.GetOfferSettings(publisherId, offerId)))
                .WithSummary("per-offer switches");
            admin.MapPut("/offers/{publisherId}/{offerId}/settings", (HttpContext c, string publisherId, string offerId) => WithOffer(publisherId, offerId, () => ChangeOfferSettings(publisherId, offerId, Body(c))))
                .WithSummary("{migrated, etagOnGet, failCertification, rejectPublishMessage}");
            admin.MapGet("/access", AccessList).WithSummary("access list (tokens masked)");
            admin.MapPut("/access", (HttpContext c) =>
            {
                state.Tokens.SetAccess(Read<Dictionary<string, string[]>>(c).Select(p => KeyValuePair.Create(p.Key, (IReadOnlyList<string>)p.Value)));
                return AccessList();
            }).WithSummary("{\"<token>\": [\"contoso\"]} replaces the access list");
            admin.MapPost("/tokens", (HttpContext c) =>
            {
                var token = Read<TokenRegistration>(c);
                var expires = token.ExpiresInSeconds is { } seconds ? state.UtcNow.AddSeconds(seconds)
                    : token.ExpiresOn ?? throw new ArgumentException("Send expiresOn (ISO-8601) or expiresInSeconds.");
                state.RegisterToken(token.Token ?? throw new ArgumentException("Send {\"token\": \"…\"}."), expires, token.Publishers);
                return ApiResponse.Empty(204);
            }).WithSummary("{\"token\":\"…\",\"expiresOn\":\"…\" or \"expiresInSeconds\":n,\"publishers\":[…]}");
            new OAuthAdmin(state.OAuth).Map(admin.MapGroup("/oauth"));
        }

        /// <summary>A typed answer, indented, every member shown.</summary>
        internal static ApiResponse Ok<T>(T value, int status = 200) => ApiResponse.Json(status, JsonSerializer.SerializeToUtf8Bytes(value, Json.Admin));

        /// <summary>The request body as a JSON object (required).</summary>
        internal static JsonObject Body(HttpContext context)
        {
            var body = ApiRequest.Of(context).Body;
            return body.Length == 0
                ? throw new ArgumentException("A JSON object body is required.")
                : Json.Parse(body) as JsonObject ?? throw new ArgumentException("The body must be a JSON object.");
        }

        /// <summary>The request body read into <typeparamref name="T"/>; unknown members are refused.</summary>
        internal static T Read<T>(HttpContext context) => Body(context).Deserialize<T>(Json.Admin) ?? throw new ArgumentException("A JSON object body is required.");

        private static ApiResponse Done(Action action)
        {
            action();
            return ApiResponse.Empty(204);
        }

        private static IEnumerable<string> Routes(IEndpointRouteBuilder app)
        {
            return app.DataSources.SelectMany(source => source.Endpoints).OfType<RouteEndpoint>()
                .Where(e => e.RoutePattern.RawText?.StartsWith("/_emulator", StringComparison.Ordinal) == true && e.Metadata.GetMetadata<IEndpointSummaryMetadata>() is not null)
                .Select(e => $"{string.Join(",", e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []),-7}{e.RoutePattern.RawText,-42} {e.Metadata.GetMetadata<IEndpointSummaryMetadata>()!.Summary}");
        }

        private ApiResponse Clock() => Ok(new { now = Json.Z7(state.UtcNow), manual = state.Clock is ManualClock });

        private ApiResponse AccessList() => Ok(state.Tokens.AccessSnapshot().ToDictionary(p => EmulatorState.MaskToken(p.Key), p => p.Value));

        private ApiResponse WithOffer(string publisherId, string offerId, Func<OfferSettings> settings)
        {
            return state.GetOfferJson(publisherId, offerId) is null ? ApiResponse.Error(404, "NotFound", $"Offer '{publisherId}/{offerId}' was not found.") : Ok(settings());
        }

        private OfferSettings ChangeOfferSettings(string publisherId, string offerId, JsonObject body)
        {
            var change = body.Deserialize<OfferSettingsChange>(Json.Admin)!;
            state.UpdateOfferSettings(publisherId, offerId, change.Migrated, change.EtagOnGet, change.FailCertification);
            if (body.Any(p => string.Equals(p.Key, "rejectPublishMessage", StringComparison.OrdinalIgnoreCase)))
            {
                state.SetPublishRejection(publisherId, offerId, change.RejectPublishMessage);
            }

            return state.GetOfferSettings(publisherId, offerId);
        }

        private sealed record ClockChange(double? Seconds, DateTimeOffset? Time);

        private sealed record OfferSettingsChange(bool? Migrated, bool? EtagOnGet, bool? FailCertification, string? RejectPublishMessage);

        private sealed record TokenRegistration(string? Token, DateTimeOffset? ExpiresOn, double? ExpiresInSeconds, string[]? Publishers);
    }
}
