using System;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using CloudPartner.Emulator;
using CloudPartner.Engine.Cpp;
using CloudPartner.Engine.Errors;

namespace CloudPartner.Engine.Tests
{
    /// <summary>
    /// Requests that must not be repeated blindly (creating PUT, conditional PUT, the POSTs that start operations): when
    /// their outcome is unknown the engine looks first, adopts what the lost request did, and repeats only otherwise.
    /// </summary>
    public class LookBeforeRepeatingTests
    {
        private const string NewOfferPath = "/api/publishers/contoso/offers/brand-new";

        public static TheoryData<FaultKind, FaultPhase> LostAnswers => new TheoryData<FaultKind, FaultPhase>
        {
            { FaultKind.Status, FaultPhase.After },
            { FaultKind.Drop, FaultPhase.After },
            { FaultKind.Status, FaultPhase.Before },
            { FaultKind.Drop, FaultPhase.Before },
        };

        [Theory]
        [MemberData(nameof(LostAnswers))]
        public async Task A_create_whose_answer_is_lost_creates_the_offer_exactly_once(FaultKind kind, FaultPhase phase)
        {
            await using var rig = await EmulatorRig.StartAsync(o => o.Faults.Add(new FaultRule { Kind = kind, Method = "PUT", Path = NewOfferPath, Phase = phase, Count = 1 }));
            var observer = new RecordingObserver();

            var (offer, created, _) = await rig.Api().PutOfferAsync("contoso", "brand-new", NewOffer("Brand new"), null, observer, default);

            Assert.True(created);
            Assert.Equal("brand-new", offer.Id);
            Assert.Equal("Brand new", offer.DisplayText);
            Assert.Equal(phase == FaultPhase.After ? 1 : 2, await CountAsync(rig, "PUT", NewOfferPath));
            Assert.Contains(observer.VerboseLines, l => l.Contains("checking whether it took effect"));
        }

        [Fact]
        public async Task A_create_that_finds_someone_elses_offer_is_still_a_conflict()
        {
            await using var rig = await EmulatorRig.StartAsync();
            var api = rig.Api();
            await api.PutOfferAsync("contoso", "brand-new", NewOffer("Theirs"), null, null, default);
            rig.Server.State.AddFault(new FaultRule { Kind = FaultKind.Status, Method = "PUT", Path = NewOfferPath, Count = 1 });

            var error = await Assert.ThrowsAsync<CpException>(() => api.PutOfferAsync("contoso", "brand-new", NewOffer("Mine"), null, null, default));

            Assert.Equal(CpErrorKind.Conflict, error.Kind);
            Assert.Equal("Theirs", (await api.GetOfferAsync("contoso", "brand-new", null, null, null, default)).DisplayText);
        }

        [Fact]
        public async Task An_update_with_an_etag_whose_answer_is_lost_is_adopted_not_refused_as_stale()
        {
            await using var rig = await EmulatorRig.StartAsync();
            var api = rig.Api();
            var read = await api.GetOfferAsync("contoso", "contoso-vm", null, null, null, default);
            Assert.NotNull(read.ETag);
            var edited = (JsonObject)read.Document.DeepClone();
            edited["definition"]!["displayText"] = "Edited once";
            rig.Server.State.AddFault(new FaultRule { Kind = FaultKind.Drop, Method = "PUT", Path = "/api/publishers/contoso/offers/contoso-vm", Phase = FaultPhase.After, Count = 1 });

            var (offer, created, _) = await api.PutOfferAsync("contoso", "contoso-vm", edited, read.ETag, null, default);

            Assert.False(created);
            Assert.Equal("Edited once", offer.DisplayText);
            Assert.NotEqual(read.ETag, offer.ETag);
            Assert.Equal(1, await CountAsync(rig, "PUT", "/api/publishers/contoso/offers/contoso-vm"));
        }

        [Fact]
        public async Task An_overwrite_with_If_Match_star_is_simply_retried()
        {
            await using var rig = await EmulatorRig.StartAsync();
            var api = rig.Api();
            var read = await api.GetOfferAsync("contoso", "contoso-vm", null, null, null, default);
            rig.Server.State.AddFault(new FaultRule { Kind = FaultKind.Status, Method = "PUT", Path = "/api/publishers/contoso/offers/contoso-vm", Phase = FaultPhase.After, Count = 1 });
            var observer = new RecordingObserver();

            await api.PutOfferAsync("contoso", "contoso-vm", read.Document, "*", observer, default);

            Assert.DoesNotContain(observer.VerboseLines, l => l.Contains("checking whether it took effect"));
            Assert.Single(rig.Delays);
        }

        [Fact]
        public async Task A_look_up_that_fails_is_tried_again_and_the_POST_is_never_repeated_without_one()
        {
            const string publish = "/api/publishers/contoso/offers/contoso-app/publish";
            await using var rig = await EmulatorRig.StartAsync(o =>
            {
                o.Faults.Add(new FaultRule { Kind = FaultKind.Status, Method = "POST", Path = publish, Phase = FaultPhase.After, Count = 1 });

                // After the read that precedes the POST, the look-up's GET fails three times (its own retries and the
                // look-up's, drawn from one budget of four), then works.
                o.Faults.Add(new FaultRule { Kind = FaultKind.Status, Method = "GET", Path = "/api/publishers/contoso/offers/contoso-app/submissions", Skip = 1, Count = 3 });
            });

            var operation = await rig.Api().StartOperationAsync("contoso", "contoso-app", OperationKind.Publish, null, null, default);

            Assert.Equal("publish", operation.SubmissionType, ignoreCase: true);
            Assert.Equal(1, await RetryTests.CountAsync(rig, publish));
            Assert.Single(rig.Server.State.GetOperations(), o => o.OfferId == "contoso-app");
        }

        [Fact]
        public async Task A_look_up_that_finds_the_operation_adopts_it_even_when_its_detail_cannot_be_read()
        {
            const string publish = "/api/publishers/contoso/offers/contoso-app/publish";
            await using var rig = await EmulatorRig.StartAsync(o =>
            {
                o.Faults.Add(new FaultRule { Kind = FaultKind.Status, Method = "POST", Path = publish, Phase = FaultPhase.After, Count = 1 });

                // The list shows the new operation, but reading it fails more often than the command may retry.
                o.Faults.Add(new FaultRule { Kind = FaultKind.Status, Method = "GET", Path = "/api/publishers/contoso/offers/contoso-app/operations/", Count = 50, StatusCode = 503 });
            });

            var operation = await rig.Api().StartOperationAsync("contoso", "contoso-app", OperationKind.Publish, null, null, default);

            var started = Assert.Single(rig.Server.State.GetOperations(), o => o.OfferId == "contoso-app");
            Assert.Equal(started.Id, operation.Id);
            Assert.Equal(1, await RetryTests.CountAsync(rig, publish));
        }

        [Fact]
        public async Task When_every_look_up_fails_the_error_says_the_outcome_is_unknown()
        {
            const string publish = "/api/publishers/contoso/offers/contoso-app/publish";
            await using var rig = await EmulatorRig.StartAsync(o =>
            {
                o.Faults.Add(new FaultRule { Kind = FaultKind.Status, Method = "POST", Path = publish, Phase = FaultPhase.After, Count = 1 });
                o.Faults.Add(new FaultRule { Kind = FaultKind.Status, Method = "GET", Path = "/api/publishers/contoso/offers/contoso-app/submissions", Skip = 1 });
            });

            var error = await Assert.ThrowsAsync<CpException>(() => rig.Api(s => s.MaxRetries = 2).StartOperationAsync("contoso", "contoso-app", OperationKind.Publish, null, null, default));

            Assert.True(error.OutcomeUnknown);
            Assert.Contains("Get-CpOperation", error.RecommendedAction);
            Assert.Equal(1, await RetryTests.CountAsync(rig, publish));
        }

        [Fact]
        public async Task A_go_live_that_ended_before_the_look_up_is_adopted_not_sent_again()
        {
            // The go-live's answer is lost; the look-up is throttled for long enough that the (1-second) live step ends.
            // The finished go-live is new since the POST, so it is the one the lost request started.
            var clock = new ManualClock(new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero));
            await using var rig = await EmulatorRig.StartAsync(o =>
            {
                o.Clock = clock;
                o.Settings = o.Settings.WithStepDuration("live", TimeSpan.FromSeconds(1));
            });
            var api = rig.SimulatedApi();
            var publish = await api.StartOperationAsync("contoso", "contoso-app", OperationKind.Publish, null, null, default);
            await new Operations.OperationWaiter(api).WaitAsync(publish, new Operations.WaitOptions { PollingInterval = TimeSpan.FromHours(12) }, null, null, default);
            rig.Server.State.AddFault(new FaultRule { Kind = FaultKind.Status, Method = "POST", Path = "/api/publishers/contoso/offers/contoso-app/golive", Phase = FaultPhase.After, Count = 1 });
            rig.Server.State.AddFault(new FaultRule { Kind = FaultKind.Throttle, Method = "GET", Path = "/api/publishers/contoso/offers/contoso-app/submissions", RetryAfterSeconds = 30, Skip = 1, Count = 1 });
            var observer = new RecordingObserver();

            var golive = await api.StartOperationAsync("contoso", "contoso-app", OperationKind.GoLive, null, observer, default);

            Assert.Equal("golive", golive.SubmissionType, ignoreCase: true);
            Assert.True(golive.IsTerminal);
            Assert.Single(rig.Server.State.GetOperations(), o => o.OfferId == "contoso-app" && o.SubmissionType == "golive");
            Assert.Equal(1, await RetryTests.CountAsync(rig, "/api/publishers/contoso/offers/contoso-app/golive"));
            Assert.Contains(observer.VerboseLines, l => l.Contains("It did: operation") && l.Contains("not sending the GoLive request again"));
        }

        [Fact]
        public async Task A_started_operation_that_cannot_be_read_afterwards_is_still_reported()
        {
            // The POST works; the session is disconnected while the new operation is read: the operation is returned
            // (state unknown, with its location) and a warning says so, instead of an error that hides it.
            await using var rig = await EmulatorRig.StartAsync(o => o.Faults.Add(new FaultRule { Kind = FaultKind.Latency, Method = "GET", PathRegex = "/operations/", LatencyMs = 1500 }));
            var connection = rig.Connect();
            var observer = new RecordingObserver();

            var starting = new PartnerApi(connection).StartOperationAsync("contoso", "contoso-app", OperationKind.Publish, null, observer, default);
            await Task.Delay(500);
            connection.Dispose();
            var operation = await starting;

            Assert.Equal(Models.OperationState.Unknown, operation.State);
            Assert.NotNull(operation.Location);
            Assert.Equal("contoso-app", operation.OfferId);
            Assert.Contains(observer.Lines, l => l.StartsWith("WARNING: Publish started", StringComparison.Ordinal) && l.Contains("disconnected"));
            Assert.Single(rig.Server.State.GetOperations(), o => o.OfferId == "contoso-app");
        }

        private static async Task<int> CountAsync(EmulatorRig rig, string method, string path)
        {
            return (await rig.RequestsAsync()).Count(r => r.GetProperty("method").GetString() == method && string.Equals(r.GetProperty("path").GetString(), path, StringComparison.OrdinalIgnoreCase));
        }

        private static JsonObject NewOffer(string title) => new JsonObject
        {
            ["offerTypeId"] = "microsoft-azure-virtualmachines",
            ["publisherId"] = "contoso",
            ["id"] = "brand-new",
            ["definition"] = new JsonObject { ["displayText"] = title, ["offer"] = new JsonObject { ["microsoft-azure-marketplace.title"] = title }, ["plans"] = new JsonArray() },
        };
    }
}
