using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using CloudPartner.Emulator;
using CloudPartner.Engine.Cpp;
using CloudPartner.Engine.Auth;
using CloudPartner.Engine.Http;
using CloudPartner.Engine.Models;

namespace CloudPartner.Engine.Tests
{
    /// <summary>
    /// One command never starts two operations, and reports the one it started or canceled: a POST whose answer is lost
    /// is judged against the operations that existed before it, across every outcome of the look-up and every state an
    /// earlier operation of the same kind can be in.
    /// </summary>
    public class NoDuplicateOperationsTests
    {
        private const string Offer = "contoso-app";
        private const string OfferPath = "/api/publishers/contoso/offers/" + Offer;

        public enum LostPost
        {
            /// <summary>The connection dropped before the service saw the POST.</summary>
            NeverStarted,

            /// <summary>The service started the operation, then failed to answer (500).</summary>
            Running,

            /// <summary>The service started it; the answer was lost; it failed certification before the look-up.</summary>
            Failed,

            /// <summary>The service started it; the answer was lost; someone canceled it before the look-up.</summary>
            Canceled,
        }

        public enum Earlier
        {
            None,
            Failed,
            Canceled,
        }

        public static TheoryData<LostPost, Earlier> Cases()
        {
            var data = new TheoryData<LostPost, Earlier>();
            foreach (var lost in Enum.GetValues<LostPost>())
            {
                foreach (var earlier in Enum.GetValues<Earlier>())
                {
                    data.Add(lost, earlier);
                }
            }

            return data;
        }

        [Theory]
        [MemberData(nameof(Cases))]
        public async Task A_publish_whose_answer_is_lost_starts_exactly_one_operation_and_reports_it(LostPost lost, Earlier earlier)
        {
            await using var rig = await EmulatorRig.StartAsync(o => o.Clock = new ManualClock(new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero)));
            var clock = rig.Server.ManualClock!;
            var state = rig.Server.State;
            var helper = rig.SimulatedApi();
            await MakeEarlierAsync(helper, state, earlier);
            var earlierIds = PublishIds(state);

            Func<Task>? duringLookUp = null;
            switch (lost)
            {
                case LostPost.NeverStarted:
                    state.AddFault(new FaultRule { Kind = FaultKind.Drop, Method = "POST", Path = OfferPath + "/publish", Phase = FaultPhase.Before, Count = 1 });
                    break;
                case LostPost.Running:
                    state.AddFault(new FaultRule { Kind = FaultKind.Status, Method = "POST", Path = OfferPath + "/publish", Phase = FaultPhase.After, Count = 1 });
                    break;
                case LostPost.Failed:
                    state.UpdateOfferSettings("contoso", Offer, failCertification: true);
                    duringLookUp = () =>
                    {
                        clock.Advance(TimeSpan.FromDays(1));
                        return Task.CompletedTask;
                    };
                    break;
                case LostPost.Canceled:
                    duringLookUp = () => helper.StartOperationAsync("contoso", Offer, OperationKind.Cancel, null, null, default);
                    break;
            }

            if (duringLookUp != null)
            {
                // The answer is lost after the service acted; the look-up's first read is throttled, and while the
                // command pauses for it the operation ends.
                state.AddFault(new FaultRule { Kind = FaultKind.Drop, Method = "POST", Path = OfferPath + "/publish", Phase = FaultPhase.After, Count = 1 });
                state.AddFault(new FaultRule { Kind = FaultKind.Throttle, Method = "GET", Path = OfferPath + "/submissions", RetryAfterSeconds = 1, Skip = 1, Count = 1 });
            }

            var api = new PartnerApi(Connect(rig, clock, duringLookUp));
            var operation = await api.StartOperationAsync("contoso", Offer, OperationKind.Publish, null, null, default);

            var started = PublishIds(state).Except(earlierIds).ToList();
            Assert.Single(started);
            Assert.Equal(started[0], operation.Id);
            switch (lost)
            {
                case LostPost.Failed:
                    Assert.Equal(OperationState.Failed, operation.State);
                    break;
                case LostPost.Canceled:
                    Assert.True(operation.State == OperationState.Canceled || operation.CancellationRequestState == "cancelRequested", $"{operation.State} {operation.CancellationRequestState}");
                    break;
                default:
                    Assert.False(operation.IsTerminal);
                    break;
            }
        }

        [Fact]
        public async Task A_lost_cancel_is_sent_again_when_only_an_earlier_operation_was_canceled()
        {
            // The defect: publish, cancel, publish again, lose the next cancel before it reaches the service. The
            // look-up adopted the earlier canceled publish and reported Canceled while the new publish kept running.
            await using var rig = await EmulatorRig.StartAsync(o => o.Clock = new ManualClock(new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero)));
            var state = rig.Server.State;
            var api = rig.SimulatedApi();
            await MakeEarlierAsync(api, state, Earlier.Canceled);
            var second = await api.StartOperationAsync("contoso", Offer, OperationKind.Publish, null, null, default);
            state.AddFault(new FaultRule { Kind = FaultKind.Drop, Method = "POST", PathRegex = "/cancel$", Phase = FaultPhase.Before, Count = 1 });
            await rig.ClearRequestsAsync();
            var observer = new RecordingObserver();

            var canceled = await api.StartOperationAsync("contoso", Offer, OperationKind.Cancel, null, observer, default);

            Assert.Equal(second.Id, canceled.Id);
            Assert.Equal(2, await RetryTests.CountAsync(rig, OfferPath + "/cancel"));
            var now = await api.GetOperationAsync(second.Location!, null, default);
            Assert.True(now.State == OperationState.Canceled || now.CancellationRequestState == "cancelRequested", $"the second publish is {now.Status}, not canceled");
            Assert.Contains(observer.VerboseLines, l => l.Contains("It did not; sending the Cancel request again"));
        }

        [Theory]
        [InlineData(FaultPhase.After)]
        [InlineData(FaultPhase.Before)]
        public async Task A_lost_cancel_reports_the_operation_that_was_running_when_it_was_sent(FaultPhase phase)
        {
            await using var rig = await EmulatorRig.StartAsync(o => o.Clock = new ManualClock(new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero)));
            var state = rig.Server.State;
            var api = rig.SimulatedApi();
            var publish = await api.StartOperationAsync("contoso", Offer, OperationKind.Publish, null, null, default);
            state.AddFault(new FaultRule { Kind = FaultKind.Drop, Method = "POST", PathRegex = "/cancel$", Phase = phase, Count = 1 });

            var canceled = await api.StartOperationAsync("contoso", Offer, OperationKind.Cancel, null, null, default);

            Assert.Equal(publish.Id, canceled.Id);
            Assert.Equal(phase == FaultPhase.After ? 1 : 2, await RetryTests.CountAsync(rig, OfferPath + "/cancel"));
        }

        private static async Task MakeEarlierAsync(PartnerApi api, EmulatorState state, Earlier earlier)
        {
            switch (earlier)
            {
                case Earlier.Failed:
                    state.UpdateOfferSettings("contoso", Offer, failCertification: true);
                    var failing = await api.StartOperationAsync("contoso", Offer, OperationKind.Publish, null, null, default);
                    var failed = await new Operations.OperationWaiter(api).WaitAsync(failing, new Operations.WaitOptions { PollingInterval = TimeSpan.FromHours(1) }, null, null, default);
                    Assert.Equal(OperationState.Failed, failed.Operation.State);
                    state.UpdateOfferSettings("contoso", Offer, failCertification: false);
                    break;
                case Earlier.Canceled:
                    var running = await api.StartOperationAsync("contoso", Offer, OperationKind.Publish, null, null, default);
                    await api.StartOperationAsync("contoso", Offer, OperationKind.Cancel, null, null, default);
                    var canceled = await new Operations.OperationWaiter(api).WaitAsync(running, new Operations.WaitOptions { PollingInterval = TimeSpan.FromHours(1) }, null, null, default);
                    Assert.Equal(OperationState.Canceled, canceled.Operation.State);
                    break;
            }
        }

        private static string[] PublishIds(EmulatorState state) =>
            state.GetOperations().Where(o => o.OfferId == Offer && o.SubmissionType == "publish").Select(o => o.Id).ToArray();

        /// <summary>An engine on the emulator's manual clock that runs <paramref name="duringFirstPause"/> in its first pause.</summary>
        private static ApiConnection Connect(EmulatorRig rig, ManualClock clock, Func<Task>? duringFirstPause)
        {
            var pending = duringFirstPause;
            return new ApiConnection(
                new ConnectionSettings { Endpoint = rig.BaseAddress, PublisherId = "contoso", MaxRetries = 4 },
                new StaticTokenProvider(EmulatorRig.Token),
                retryPolicy: new RetryPolicy(4, seed: 7),
                delay: async (wait, cancel) =>
                {
                    clock.Advance(wait);
                    var hook = Interlocked.Exchange(ref pending, null);
                    if (hook != null)
                    {
                        await hook();
                    }
                },
                clock: () => clock.UtcNow);
        }
    }
}
