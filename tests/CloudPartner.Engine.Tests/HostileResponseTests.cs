using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using CloudPartner.Emulator;
using CloudPartner.Engine.Cpp;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Http;
using CloudPartner.Engine.Operations;

namespace CloudPartner.Engine.Tests
{
    /// <summary>
    /// Every read and every operation start against each hostile answer the emulator can give: the outcome is a
    /// CpException of a stated kind, within the request timeout, and a second emulator standing for "another host"
    /// receives nothing, so the token never leaves the endpoint's host.
    /// </summary>
    public class HostileResponseTests
    {
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

        /// <summary>Each read the module makes, by name.</summary>
        private static readonly IReadOnlyDictionary<string, Func<PartnerApi, Task>> Reads = new Dictionary<string, Func<PartnerApi, Task>>
        {
            ["publishers"] = api => api.GetPublishersAsync(null, default),
            ["offers"] = api => api.ListOffersAsync("contoso", null, null, default),
            ["offer"] = api => api.GetOfferAsync("contoso", "contoso-vm", null, null, null, default),
            ["version"] = api => api.GetOfferAsync("contoso", "contoso-vm", 5, null, null, default),
            ["status"] = api => api.GetOfferStatusAsync("contoso", "contoso-vm", null, default),
            ["submissions"] = api => api.ListOperationsAsync("contoso", "contoso-vm", null, null, default),
            ["operation"] = async api =>
            {
                var operations = await api.ListOperationsAsync("contoso", "contoso-vm", null, null, default);
                await api.GetOperationAsync(operations[0].Location!, null, default);
            },
        };

        public static TheoryData<string, string, object> ReadCases()
        {
            var data = new TheoryData<string, string, object>();
            foreach (var read in Reads.Keys)
            {
                data.Add(read, HostileVariants.TruncatedJson, CpErrorKind.InvalidResponse);
                data.Add(read, HostileVariants.Empty200, CpErrorKind.InvalidResponse);
                data.Add(read, HostileVariants.NullBody, CpErrorKind.InvalidResponse);
                data.Add(read, HostileVariants.WrongTypes, CpErrorKind.InvalidResponse);
                data.Add(read, HostileVariants.HugeBody, CpErrorKind.InvalidResponse);
                data.Add(read, HostileVariants.NeverEndingBody, CpErrorKind.InvalidResponse);
                data.Add(read, "htmlGateway200", CpErrorKind.InvalidResponse);

                // A 5xx page from a gateway is a server failure (CpServiceError after retries, per the contract); its message says it was HTML.
                data.Add(read, HostileVariants.HtmlGateway, CpErrorKind.ServiceError);
                data.Add(read, HostileVariants.Redirect, CpErrorKind.UntrustedLocation);
            }

            return data;
        }

        [Theory]
        [MemberData(nameof(ReadCases))]
        public async Task Every_read_turns_a_hostile_answer_into_a_typed_error_in_time_without_leaving_the_host(string read, string variant, object expected)
        {
            await using var other = await EmulatorServer.StartAsync();
            await using var rig = await EmulatorRig.StartAsync();
            var api = rig.Api(s =>
            {
                s.MaxRetries = 1;
                s.RequestTimeout = Timeout;
            });
            var rule = Rule(variant, "/api/", other.BaseAddress);
            if (read == "operation")
            {
                // Only the operation GET itself, not the submissions list read to find it.
                rule.Path = null;
                rule.PathRegex = "/operations/";
            }

            rig.Server.State.AddFault(rule);
            var watch = Stopwatch.StartNew();

            var error = await Assert.ThrowsAsync<CpException>(() => Reads[read](api));

            watch.Stop();
            Assert.Equal((CpErrorKind)expected, error.Kind);
            Assert.False(string.IsNullOrWhiteSpace(error.Message));
            Assert.False(string.IsNullOrWhiteSpace(error.RecommendedAction));
            Assert.DoesNotContain(EmulatorRig.Token, error.ToString());

            // Two attempts at most (MaxRetries 1), each bounded by the request timeout.
            Assert.True(watch.Elapsed < Timeout + Timeout + TimeSpan.FromSeconds(3), $"took {watch.Elapsed}");
            Assert.Empty(other.State.GetRequests());
            if (variant.StartsWith("htmlGateway", StringComparison.Ordinal))
            {
                Assert.Contains("HTML", error.Message);
            }

            if (variant == HostileVariants.WrongTypes)
            {
                Assert.Contains("should be", error.Message);
            }
        }

        [Fact]
        public async Task A_body_that_never_ends_is_refused_once_the_timeout_passes_and_not_retried()
        {
            await using var rig = await EmulatorRig.StartAsync(o => o.Faults.Add(new FaultRule { Kind = FaultKind.Hostile, Variant = HostileVariants.NeverEndingBody, Path = "/api/publishers" }));
            var api = rig.Api(s => s.RequestTimeout = TimeSpan.FromSeconds(1));
            var watch = Stopwatch.StartNew();

            var error = await Assert.ThrowsAsync<CpException>(() => api.GetPublishersAsync(null, default));

            Assert.Equal(CpErrorKind.InvalidResponse, error.Kind);
            Assert.Contains("did not end within 1 s", error.Message);
            Assert.InRange(watch.Elapsed.TotalSeconds, 0.9, 4);
            Assert.Single(await rig.RequestsAsync());
            Assert.Empty(rig.Delays);
        }

        [Fact]
        public async Task A_50MB_body_is_refused_without_reading_it_whole()
        {
            await using var rig = await EmulatorRig.StartAsync(o => o.Faults.Add(new FaultRule { Kind = FaultKind.Hostile, Variant = HostileVariants.HugeBody, HugeBodyBytes = 50L * 1024 * 1024, Path = "/api/publishers" }));
            var before = GC.GetTotalMemory(forceFullCollection: true);
            var watch = Stopwatch.StartNew();

            var error = await Assert.ThrowsAsync<CpException>(() => rig.Api().GetPublishersAsync(null, default));

            Assert.Equal(CpErrorKind.InvalidResponse, error.Kind);
            Assert.Contains("52428800 bytes", error.Message);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
            Assert.True(GC.GetTotalMemory(forceFullCollection: true) - before < 16L * 1024 * 1024);
        }

        public static TheoryData<string> LocationVariants => new TheoryData<string>
        {
            HostileVariants.ForeignLocation, HostileVariants.DotDotLocation, HostileVariants.JavascriptLocation,
        };

        [Theory]
        [MemberData(nameof(LocationVariants))]
        public async Task A_hostile_Location_after_a_publish_is_refused_and_says_the_operation_may_run(string variant)
        {
            await using var other = await EmulatorServer.StartAsync();
            await using var rig = await EmulatorRig.StartAsync();
            rig.Server.State.AddFault(Rule(variant, "/api/publishers/contoso/offers/contoso-app/publish", other.BaseAddress));

            var error = await Assert.ThrowsAsync<CpException>(() => rig.Api().StartOperationAsync("contoso", "contoso-app", OperationKind.Publish, null, null, default));

            Assert.Equal(CpErrorKind.UntrustedLocation, error.Kind);
            Assert.Contains("Get-CpOperation -OfferId 'contoso-app'", error.RecommendedAction);
            Assert.Single(rig.Server.State.GetOperations(), o => o.OfferId == "contoso-app");

            // The read of the offer's operations that precedes every POST, and the POST: the Location is not followed.
            Assert.Equal(new[] { "GET", "POST" }, (await rig.RequestsAsync()).Select(r => r.GetProperty("method").GetString()));
            Assert.Empty(other.State.GetRequests());
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public async Task A_hostile_legacy_Operation_Location_is_refused_too(bool dotDot)
        {
            await using var other = await EmulatorServer.StartAsync();
            await using var rig = await EmulatorRig.StartAsync(o => o.Settings = o.Settings with { LegacyOperationLocation = true });
            rig.Server.State.AddFault(Rule(dotDot ? HostileVariants.DotDotLocation : HostileVariants.ForeignLocation, "/api/publishers/contoso/offers/contoso-app/publish", other.BaseAddress));

            var error = await Assert.ThrowsAsync<CpException>(() => rig.Api().StartOperationAsync("contoso", "contoso-app", OperationKind.Publish, null, null, default));

            Assert.Equal(CpErrorKind.UntrustedLocation, error.Kind);
            Assert.Empty(other.State.GetRequests());
        }

        [Fact]
        public async Task A_redirect_of_a_publish_to_another_host_is_not_followed()
        {
            await using var other = await EmulatorServer.StartAsync();
            await using var rig = await EmulatorRig.StartAsync();
            rig.Server.State.AddFault(Rule(HostileVariants.Redirect, "/api/publishers/contoso/offers/contoso-app/publish", other.BaseAddress));

            var error = await Assert.ThrowsAsync<CpException>(() => rig.Api().StartOperationAsync("contoso", "contoso-app", OperationKind.Publish, null, null, default));

            Assert.Equal(CpErrorKind.UntrustedLocation, error.Kind);
            Assert.Contains(other.BaseAddress.GetLeftPart(UriPartial.Authority), error.Message);
            Assert.DoesNotContain(rig.Server.State.GetOperations(), o => o.OfferId == "contoso-app");
            Assert.Empty(other.State.GetRequests());
        }

        [Fact]
        public async Task A_redirect_within_the_endpoint_is_an_invalid_response_and_is_not_followed()
        {
            await using var rig = await EmulatorRig.StartAsync();
            rig.Server.State.AddFault(Rule(HostileVariants.Redirect, "/api/publishers", rig.BaseAddress));

            var error = await Assert.ThrowsAsync<CpException>(() => rig.Api().GetPublishersAsync(null, default));

            Assert.Equal(CpErrorKind.InvalidResponse, error.Kind);
            Assert.Contains("redirect", error.Message);
            Assert.Single(await rig.RequestsAsync());
        }

        [Fact]
        public async Task A_publish_answered_200_without_Location_and_without_a_new_operation_is_not_mistaken_for_an_old_one()
        {
            // contoso-vm has a failed publish from a day ago; an empty 200 (the request never handled) must not adopt it.
            await using var rig = await EmulatorRig.StartAsync(o => o.Faults.Add(new FaultRule { Kind = FaultKind.Hostile, Variant = HostileVariants.Empty200, Method = "POST", Count = 1 }));

            var error = await Assert.ThrowsAsync<CpException>(() => rig.Api().StartOperationAsync("contoso", "contoso-vm", OperationKind.Publish, null, null, default));

            Assert.Equal(CpErrorKind.InvalidResponse, error.Kind);
            Assert.Contains("no Location", error.Message);
            Assert.Contains("Get-CpOperation -OfferId 'contoso-vm'", error.RecommendedAction);
        }

        [Fact]
        public async Task A_publish_answered_200_without_Location_after_acting_adopts_the_new_operation()
        {
            await using var rig = await EmulatorRig.StartAsync(o => o.Faults.Add(new FaultRule { Kind = FaultKind.Hostile, Variant = HostileVariants.Empty200, Method = "POST", Phase = FaultPhase.After, Count = 1 }));
            var before = rig.Server.State.GetOperations().Count(o => o.OfferId == "contoso-vm");

            var operation = await rig.Api().StartOperationAsync("contoso", "contoso-vm", OperationKind.Publish, null, null, default);

            Assert.Equal(before + 1, rig.Server.State.GetOperations().Count(o => o.OfferId == "contoso-vm"));
            Assert.False(operation.IsTerminal);
            Assert.Equal("publish", operation.SubmissionType, ignoreCase: true);
        }

        [Theory]
        [InlineData(HostileVariants.TruncatedJson)]
        [InlineData(HostileVariants.WrongTypes)]
        [InlineData(HostileVariants.NullBody)]
        public async Task A_wait_rides_out_hostile_operation_answers_and_ends_normally(string variant)
        {
            await using var rig = await EmulatorRig.StartAsync(o =>
            {
                o.Clock = new ManualClock(new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero));
                o.Faults.Add(new FaultRule { Kind = FaultKind.Hostile, Variant = variant, Method = "GET", PathRegex = "/operations/", Count = 3 });
            });
            var api = rig.SimulatedApi();
            var started = await api.StartOperationAsync("contoso", "contoso-app", OperationKind.Publish, null, null, default);

            var result = await new OperationWaiter(api).WaitAsync(started, new WaitOptions { PollingInterval = TimeSpan.FromHours(6) }, null, null, default);

            Assert.Equal(WaitOutcome.Completed, result.Outcome);
            Assert.Equal(Models.OperationState.WaitingForPublisherReview, result.Operation.State);
        }

        [Fact]
        public async Task A_wait_on_answers_that_stay_hostile_ends_at_its_timeout()
        {
            await using var rig = await EmulatorRig.StartAsync(o =>
            {
                o.Clock = new ManualClock(new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero));
                o.Faults.Add(new FaultRule { Kind = FaultKind.Hostile, Variant = HostileVariants.NullBody, Method = "GET", PathRegex = "/operations/" });
            });
            var api = rig.SimulatedApi();
            var started = await api.StartOperationAsync("contoso", "contoso-app", OperationKind.Publish, null, null, default);

            var result = await new OperationWaiter(api).WaitAsync(started, new WaitOptions { PollingInterval = TimeSpan.FromMinutes(10), Timeout = TimeSpan.FromHours(2) }, null, null, default);

            Assert.Equal(WaitOutcome.TimedOut, result.Outcome);
            Assert.Equal(CpErrorKind.OperationTimeout, OperationWaiter.ErrorFor(result, TimeSpan.FromHours(2)).Kind);
        }

        [Fact]
        public async Task A_disconnected_session_refuses_to_send_and_a_call_in_flight_ends_with_CpNotConnected()
        {
            await using var rig = await EmulatorRig.StartAsync(o => o.Faults.Add(new FaultRule { Kind = FaultKind.Latency, LatencyMs = 1500, Path = "/api/publishers" }));
            var connection = rig.Connect();
            var api = new PartnerApi(connection);

            var inFlight = api.GetPublishersAsync(null, default);
            await Task.Delay(300);
            connection.Dispose();

            Assert.Equal(CpErrorKind.NotConnected, (await Assert.ThrowsAsync<CpException>(() => inFlight)).Kind);
            Assert.Equal(CpErrorKind.NotConnected, (await Assert.ThrowsAsync<CpException>(() => api.GetPublishersAsync(null, default))).Kind);
            Assert.Empty(rig.Delays);
        }

        private static FaultRule Rule(string variant, string path, Uri foreignHost)
        {
            if (variant == "htmlGateway200")
            {
                return new FaultRule { Kind = FaultKind.Hostile, Variant = HostileVariants.HtmlGateway, StatusCode = 200, Path = path };
            }

            return new FaultRule
            {
                Kind = FaultKind.Hostile,
                Variant = variant,
                Path = path,
                HugeBodyBytes = 50L * 1024 * 1024,
                ForeignHost = foreignHost.GetLeftPart(UriPartial.Authority),
            };
        }
    }
}
