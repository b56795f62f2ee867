using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using CloudPartner.Emulator;
using CloudPartner.Engine.Cpp;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Http;

namespace CloudPartner.Engine.Tests
{
    public class RetryTests
    {
        private const string OffersPath = "/api/publishers/contoso/offers";

        [Theory]
        [InlineData(500)]
        [InlineData(502)]
        [InlineData(503)]
        [InlineData(504)]
        public async Task Retries_server_errors_until_success(int status)
        {
            await using var rig = await EmulatorRig.StartAsync(o => o.Faults.Add(new FaultRule { Kind = FaultKind.Status, StatusCode = status, Method = "GET", Path = OffersPath, Count = 2 }));
            var observer = new RecordingObserver();

            var offers = await rig.Api().ListOffersAsync("contoso", null, observer, default);

            Assert.NotEmpty(offers);
            Assert.Equal(3, await CountAsync(rig, OffersPath));
            Assert.Equal(2, rig.Delays.Count);
            Assert.Equal(2, observer.VerboseLines.Count(l => l.Contains("retry")));
        }

        [Fact]
        public async Task Retries_dropped_connections()
        {
            await using var rig = await EmulatorRig.StartAsync(o => o.Faults.Add(new FaultRule { Kind = FaultKind.Drop, Method = "GET", Path = OffersPath, Count = 1 }));

            var offers = await rig.Api().ListOffersAsync("contoso", null, null, default);

            Assert.NotEmpty(offers);
            Assert.Single(rig.Delays);
        }

        [Fact]
        public async Task Obeys_Retry_After_in_seconds()
        {
            await using var rig = await EmulatorRig.StartAsync(o =>
            {
                o.Clock = new ManualClock(new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero));
                o.Faults.Add(new FaultRule { Kind = FaultKind.Throttle, RetryAfterSeconds = 7, Path = OffersPath, Count = 1 });
            });

            await rig.SimulatedApi().ListOffersAsync("contoso", null, null, default);

            Assert.Equal(TimeSpan.FromSeconds(7), Assert.Single(rig.Delays));
            Assert.Equal(2, await CountAsync(rig, OffersPath));
        }

        [Fact]
        public async Task Obeys_Retry_After_as_an_http_date()
        {
            await using var rig = await EmulatorRig.StartAsync(o =>
            {
                o.Clock = new ManualClock(new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero));
                o.Faults.Add(new FaultRule { Kind = FaultKind.Throttle, RetryAfterSeconds = 30, RetryAfterAsHttpDate = true, Path = OffersPath, Count = 1 });
            });

            await rig.SimulatedApi().ListOffersAsync("contoso", null, null, default);

            // An HTTP date has one-second precision, so the wait is 30 s give or take the second boundary.
            var wait = Assert.Single(rig.Delays);
            Assert.InRange(wait.TotalSeconds, 28, 31);
        }

        [Fact]
        public async Task Gives_up_after_MaxRetries_with_a_throttled_error()
        {
            await using var rig = await EmulatorRig.StartAsync(o => o.Faults.Add(new FaultRule { Kind = FaultKind.Throttle, RetryAfterSeconds = 1, Path = OffersPath }));
            var api = rig.Api(s => s.MaxRetries = 3);

            var error = await Assert.ThrowsAsync<CpException>(() => api.ListOffersAsync("contoso", null, null, default));

            Assert.Equal(CpErrorKind.Throttled, error.Kind);
            Assert.Equal(HttpStatusCode.TooManyRequests, error.StatusCode);
            Assert.Contains("after 3 retries", error.Message);
            Assert.Equal(4, await CountAsync(rig, OffersPath));
        }

        [Theory]
        [InlineData("api-version", 400, CpErrorKind.BadRequest)]
        [InlineData("forbidden", 403, CpErrorKind.AccessDenied)]
        [InlineData("missing", 404, CpErrorKind.NotFound)]
        [InlineData("no-if-match", 409, CpErrorKind.Conflict)]
        [InlineData("stale-etag", 412, CpErrorKind.PreconditionFailed)]
        public async Task Never_retries_client_errors(string scenario, int status, object kind)
        {
            await using var rig = await EmulatorRig.StartAsync(o => o.AccessList[EmulatorRig.Token] = new[] { "contoso" });
            var connection = rig.Connect(s => s.ApiVersion = scenario == "api-version" ? "2016-08-01-preview" : ConnectionSettings.DefaultApiVersion);
            var current = scenario == "api-version" ? null : await new Cpp.PartnerApi(connection).GetOfferAsync("contoso", "contoso-vm", null, null, null, default);
            await rig.ClearRequestsAsync();

            ApiRequest request = scenario switch
            {
                "api-version" => ApiRequest.Create(HttpMethod.Get, OffersPath),
                "forbidden" => ApiRequest.Create(HttpMethod.Get, "/api/publishers/fabrikam/offers"),
                "missing" => ApiRequest.Create(HttpMethod.Get, OffersPath + "/no-such-offer"),
                _ => ApiRequest.Create(HttpMethod.Put, OffersPath + "/contoso-vm", current!.Document.ToJsonString()),
            };
            if (scenario == "stale-etag")
            {
                request.SetHeader("If-Match", "W/\"datetime'2001-01-01T00%3A00%3A00.0000000Z'\"");
            }

            var error = await Assert.ThrowsAsync<CpException>(() => connection.SendAsync(request, null, default));

            Assert.Equal((CpErrorKind)kind, error.Kind);
            Assert.Equal(status, (int)error.StatusCode!.Value);
            Assert.Single(await rig.RequestsAsync());
            Assert.Empty(rig.Delays);
        }

        [Fact]
        public async Task A_POST_is_not_repeated_after_a_server_error_once_the_operation_exists()
        {
            const string publish = "/api/publishers/contoso/offers/contoso-vm/publish";
            await using var rig = await EmulatorRig.StartAsync(o => o.Faults.Add(new FaultRule { Kind = FaultKind.Status, StatusCode = 500, Method = "POST", Path = publish, Phase = FaultPhase.After, Count = 1 }));
            var observer = new RecordingObserver();

            var before = await CountOperationsAsync(rig, "contoso-vm");

            var operation = await rig.Api().StartOperationAsync("contoso", "contoso-vm", Cpp.OperationKind.Publish, null, observer, default);

            Assert.Equal("publish", operation.SubmissionType, ignoreCase: true);
            Assert.Equal(1, await CountAsync(rig, publish));
            Assert.Equal(before + 1, await CountOperationsAsync(rig, "contoso-vm"));
            Assert.Contains(observer.VerboseLines, l => l.Contains("not sending the Publish request again"));
        }

        [Fact]
        public async Task A_POST_dropped_before_the_server_acted_is_sent_again_once()
        {
            const string publish = "/api/publishers/contoso/offers/contoso-vm/publish";
            await using var rig = await EmulatorRig.StartAsync(o => o.Faults.Add(new FaultRule { Kind = FaultKind.Drop, Method = "POST", Path = publish, Count = 1 }));

            var before = await CountOperationsAsync(rig, "contoso-vm");

            var operation = await rig.Api().StartOperationAsync("contoso", "contoso-vm", Cpp.OperationKind.Publish, null, null, default);

            Assert.NotNull(operation.Id);
            Assert.Equal(2, await CountAsync(rig, publish));
            Assert.Equal(before + 1, await CountOperationsAsync(rig, "contoso-vm"));
        }

        [Fact]
        public async Task A_POST_dropped_after_the_server_acted_adopts_the_operation()
        {
            const string publish = "/api/publishers/contoso/offers/contoso-vm/publish";
            await using var rig = await EmulatorRig.StartAsync(o => o.Faults.Add(new FaultRule { Kind = FaultKind.Drop, Method = "POST", Path = publish, Phase = FaultPhase.After, Count = 1 }));

            var before = await CountOperationsAsync(rig, "contoso-vm");

            var operation = await rig.Api().StartOperationAsync("contoso", "contoso-vm", Cpp.OperationKind.Publish, null, null, default);

            Assert.NotNull(operation.Id);
            Assert.Equal(1, await CountAsync(rig, publish));
            Assert.Equal(before + 1, await CountOperationsAsync(rig, "contoso-vm"));
        }

        [Fact]
        public void Backoff_grows_exponentially_with_jitter_and_a_cap()
        {
            var policy = new RetryPolicy(maxRetries: 10, baseDelay: TimeSpan.FromSeconds(1), maxDelay: TimeSpan.FromSeconds(20), seed: 3);
            var now = DateTimeOffset.UtcNow;

            for (var retry = 1; retry <= 8; retry++)
            {
                var ceiling = Math.Min(20, Math.Pow(2, retry - 1));
                Assert.InRange(policy.DelayFor(retry, null, now).TotalSeconds, ceiling / 2, ceiling);
            }
        }

        [Theory]
        [InlineData(429, true)]
        [InlineData(500, true)]
        [InlineData(503, true)]
        [InlineData(501, false)]
        [InlineData(400, false)]
        [InlineData(401, false)]
        [InlineData(403, false)]
        [InlineData(404, false)]
        [InlineData(409, false)]
        [InlineData(412, false)]
        [InlineData(422, false)]
        public void Only_throttling_and_server_errors_are_transient(int status, bool transient)
        {
            Assert.Equal(transient, RetryPolicy.IsTransient((HttpStatusCode)status));
        }

        [Theory]
        [InlineData("1e400")]
        [InlineData("Infinity")]
        [InlineData("NaN")]
        [InlineData("-5")]
        [InlineData("99999999999999")]
        [InlineData("999999999")]
        public void An_unusable_Retry_After_is_ignored_or_capped(string value)
        {
            using var response = new HttpResponseMessage(HttpStatusCode.Accepted);
            response.Headers.TryAddWithoutValidation("Retry-After", value);

            var wait = RetryPolicy.RetryAfter(response, DateTimeOffset.UtcNow);

            Assert.True(wait is null || (wait >= TimeSpan.Zero && wait <= RetryPolicy.LongestRetryAfter), $"{value} read as {wait}");
            Assert.True(new RetryPolicy(4).DelayFor(1, response, DateTimeOffset.UtcNow) <= TimeSpan.FromMinutes(10));
        }

        [Theory]
        [InlineData("1e400")]
        [InlineData("Infinity")]
        [InlineData("99999999999999")]
        public async Task A_publish_answered_with_an_unusable_Retry_After_is_reported_and_can_be_followed(string value)
        {
            // The defect: System.OverflowException; the publish ran on the service but the user got no Location.
            await using var rig = await EmulatorRig.StartAsync(o => o.Faults.Add(new FaultRule
            {
                Kind = FaultKind.Hostile, Variant = HostileVariants.RetryAfter, HeaderValue = value, PathRegex = "/(publish|operations/.*)$",
            }));
            var api = rig.Api();

            var operation = await api.StartOperationAsync("contoso", "contoso-app", OperationKind.Publish, null, null, default);
            var polled = await api.GetOperationAsync(operation.Location!, null, default);

            Assert.NotEqual(Models.OperationState.Unknown, operation.State);
            Assert.Equal(operation.Id, polled.Id);
            Assert.True(polled.RetryAfter is null || polled.RetryAfter <= RetryPolicy.LongestRetryAfter);
        }

        internal static async Task<int> CountAsync(EmulatorRig rig, string path)
        {
            return (await rig.RequestsAsync()).Count(r => string.Equals(r.GetProperty("path").GetString(), path, StringComparison.OrdinalIgnoreCase));
        }

        /// <summary>Operations the emulator holds for the offer.</summary>
        internal static Task<int> CountOperationsAsync(EmulatorRig rig, string offerId)
        {
            return Task.FromResult(rig.Server.State.GetOperations().Count(o => o.PublisherId == "contoso" && o.OfferId == offerId));
        }
    }
}
