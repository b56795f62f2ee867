using System;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using CloudPartner.Engine.Http;
using CloudPartner.Emulator;
using CloudPartner.Engine.Cpp;
using CloudPartner.Engine.Auth;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Models;
using CloudPartner.Engine.Operations;

namespace CloudPartner.Engine.Tests
{
    /// <summary>Waiting for operations, on the emulator's manual clock (every engine wait advances it).</summary>
    public class WaiterTests
    {
        private static readonly WaitOptions Hourly = new WaitOptions { PollingInterval = TimeSpan.FromHours(1) };

        private static Task<EmulatorRig> StartAsync(Action<EmulatorOptions>? configure = null)
        {
            return EmulatorRig.StartAsync(o =>
            {
                o.Clock = new ManualClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
                configure?.Invoke(o);
            });
        }

        [Fact]
        public async Task A_publish_wait_ends_at_publisher_signoff()
        {
            await using var rig = await StartAsync();
            var api = rig.SimulatedApi();
            var publish = await api.StartOperationAsync("contoso", "contoso-vm", OperationKind.Publish, null, null, default);
            var progress = 0;

            var result = await new OperationWaiter(api).WaitAsync(publish, Hourly, _ => progress++, null, default);

            Assert.Equal(WaitOutcome.Completed, result.Outcome);
            Assert.Equal(OperationState.WaitingForPublisherReview, result.Operation.State);
            Assert.Equal(100, result.Operation.PercentComplete);
            Assert.Equal("publisher-signoff", result.Operation.CurrentStep!.Id);
            Assert.Equal(result.Polls + 1, progress);
        }

        [Theory]
        [InlineData("succeeded")]
        [InlineData("complete")]
        [InlineData("completed")]
        public async Task A_go_live_wait_ends_succeeded_for_each_success_word(string word)
        {
            await using var rig = await StartAsync(o => o.Settings = o.Settings with { SuccessWord = word });
            var api = rig.SimulatedApi();
            var waiter = new OperationWaiter(api);
            var publish = await api.StartOperationAsync("contoso", "contoso-vm", OperationKind.Publish, null, null, default);
            await waiter.WaitAsync(publish, Hourly, null, null, default);

            var goLive = await api.StartOperationAsync("contoso", "contoso-vm", OperationKind.GoLive, null, null, default);
            var result = await waiter.WaitAsync(goLive, Hourly, null, null, default);

            Assert.Equal(WaitOutcome.Completed, result.Outcome);
            Assert.Equal(OperationState.Succeeded, result.Operation.State);
            Assert.Equal(word, result.Operation.Status);
            Assert.True(result.Operation.IsTerminal);
            Assert.Equal(100, result.Operation.PercentComplete);
        }

        [Fact]
        public async Task A_failed_certification_ends_failed_with_the_step_messages_as_text()
        {
            await using var rig = await StartAsync();
            rig.Server.State.UpdateOfferSettings("contoso", "contoso-vm", failCertification: true);
            var api = rig.SimulatedApi();
            var publish = await api.StartOperationAsync("contoso", "contoso-vm", OperationKind.Publish, null, null, default);

            var result = await new OperationWaiter(api).WaitAsync(publish, Hourly, null, null, default);
            var error = OperationWaiter.ErrorFor(result, null);

            Assert.Equal(WaitOutcome.Failed, result.Outcome);
            Assert.Equal(CpErrorKind.OperationFailed, error.Kind);
            Assert.Contains("Certification", error.Message);
            Assert.Contains("No virtual machine image was found", error.Message);
            Assert.DoesNotContain("<", error.Message);
        }

        [Fact]
        public async Task A_canceled_operation_ends_the_wait_canceled()
        {
            await using var rig = await StartAsync();
            var api = rig.SimulatedApi();
            var publish = await api.StartOperationAsync("contoso", "contoso-vm", OperationKind.Publish, null, null, default);
            await api.StartOperationAsync("contoso", "contoso-vm", OperationKind.Cancel, null, null, default);

            var result = await new OperationWaiter(api).WaitAsync(publish, Hourly, null, null, default);

            Assert.Equal(WaitOutcome.Canceled, result.Outcome);
            Assert.Equal(CpErrorKind.OperationCanceled, OperationWaiter.ErrorFor(result, null).Kind);
        }

        [Fact]
        public async Task A_timeout_ends_the_wait_with_the_resume_command()
        {
            await using var rig = await StartAsync();
            var api = rig.SimulatedApi();
            var publish = await api.StartOperationAsync("contoso", "contoso-vm", OperationKind.Publish, null, null, default);
            var options = new WaitOptions { PollingInterval = TimeSpan.FromHours(1), Timeout = TimeSpan.FromHours(5) };

            var result = await new OperationWaiter(api).WaitAsync(publish, options, null, null, default);
            var error = OperationWaiter.ErrorFor(result, options.Timeout);

            Assert.Equal(WaitOutcome.TimedOut, result.Outcome);
            Assert.Equal(5, result.Polls);
            Assert.Equal(CpErrorKind.OperationTimeout, error.Kind);
            Assert.Contains("Get-CpOperation -Location '" + publish.Location, error.RecommendedAction);
        }

        [Fact]
        public async Task The_server_Retry_After_wins_over_the_interval()
        {
            // A publish takes 15 min + 2 days + 1 day + 1 hour of emulator time to reach sign-off.
            var total = TimeSpan.FromMinutes(15) + TimeSpan.FromDays(3) + TimeSpan.FromHours(1);
            await using var rig = await StartAsync(o => o.Settings = o.Settings with { OperationRetryAfterSeconds = 5 * 60 });
            var api = rig.SimulatedApi();
            var publish = await api.StartOperationAsync("contoso", "contoso-vm", OperationKind.Publish, null, null, default);

            var result = await new OperationWaiter(api).WaitAsync(publish, new WaitOptions { PollingInterval = TimeSpan.FromMinutes(1) }, null, null, default);

            Assert.Equal(WaitOutcome.Completed, result.Outcome);
            Assert.InRange(result.Polls, 1, (int)Math.Ceiling(total.TotalMinutes / 5) + 2);
            Assert.All(rig.Delays, d => Assert.Equal(TimeSpan.FromMinutes(5), d));
        }

        [Theory]
        [InlineData(3000000)]
        [InlineData(999999999)]
        public async Task A_Retry_After_longer_than_the_cap_is_capped_and_said(int seconds)
        {
            // The defect: Retry-After 3000000 on polls slept 34.7 days though sign-off came hours later; 999999999 threw.
            await using var rig = await StartAsync(o => o.Settings = o.Settings with { OperationRetryAfterSeconds = seconds });
            var api = rig.SimulatedApi();
            var publish = await api.StartOperationAsync("contoso", "contoso-vm", OperationKind.Publish, null, null, default);
            var observer = new RecordingObserver();

            var result = await new OperationWaiter(api).WaitAsync(publish, new WaitOptions { PollingInterval = TimeSpan.FromMinutes(1) }, null, observer, default);

            Assert.Equal(WaitOutcome.Completed, result.Outcome);
            Assert.All(rig.Delays, d => Assert.True(d <= api.Connection.RetryPolicy.MaxRetryAfter, $"waited {d}"));
            Assert.Contains(observer.VerboseLines, l => l.Contains("The service asked to poll operation") && l.Contains("polling in 00:10:00 instead"));
        }

        [Fact]
        public async Task Polls_no_more_than_the_interval_allows()
        {
            var total = TimeSpan.FromMinutes(15) + TimeSpan.FromDays(3) + TimeSpan.FromHours(1);
            await using var rig = await StartAsync();
            var api = rig.SimulatedApi();
            var publish = await api.StartOperationAsync("contoso", "contoso-vm", OperationKind.Publish, null, null, default);

            var result = await new OperationWaiter(api).WaitAsync(publish, Hourly, null, null, default);

            Assert.InRange(result.Polls, (int)Math.Floor(total.TotalHours) - 1, (int)Math.Ceiling(total.TotalHours) + 2);
        }

        [Fact]
        public async Task Transient_poll_failures_do_not_end_the_wait()
        {
            await using var rig = await StartAsync(o =>
            {
                o.Faults.Add(new FaultRule { Kind = FaultKind.Status, StatusCode = 503, Method = "GET", PathRegex = "/operations/", Rate = 0.5, Seed = 11 });
                o.Faults.Add(new FaultRule { Kind = FaultKind.Drop, Method = "GET", PathRegex = "/operations/", Rate = 0.2, Seed = 12 });
                o.Faults.Add(new FaultRule { Kind = FaultKind.Throttle, RetryAfterSeconds = 30, Method = "GET", PathRegex = "/operations/", Rate = 0.2, Seed = 13 });
            });
            var api = rig.SimulatedApi(s => s.MaxRetries = 1);
            var observer = new RecordingObserver();
            var publish = await api.StartOperationAsync("contoso", "contoso-vm", OperationKind.Publish, null, null, default);

            var result = await new OperationWaiter(api).WaitAsync(publish, Hourly, null, observer, default);

            Assert.Equal(WaitOutcome.Completed, result.Outcome);
            Assert.Equal(OperationState.WaitingForPublisherReview, result.Operation.State);
            Assert.Contains(observer.VerboseLines, l => l.Contains("still waiting"));
        }

        [Fact]
        public async Task A_401_during_a_wait_renews_the_token_once_and_goes_on()
        {
            await using var rig = await StartAsync(o => o.Settings = o.Settings with { TokenLifetimeSeconds = 10 * 3600 });
            var tokens = new CountingTokenProvider(rig.Server.ManualClock!);
            var api = rig.SimulatedApi(tokens: tokens);
            var publish = await api.StartOperationAsync("contoso", "contoso-vm", OperationKind.Publish, null, null, default);

            var result = await new OperationWaiter(api).WaitAsync(publish, Hourly, null, null, default);

            Assert.Equal(WaitOutcome.Completed, result.Outcome);
            // The emulator refuses a token 10 h after first seeing it while the provider says it lasts a year:
            // each refusal costs exactly one renewal, and the wait (about 73 h) sees several.
            var refusals = (await rig.RequestsAsync()).Count(r => r.GetProperty("status").GetInt32() == 401);
            Assert.True(refusals >= 5, $"only {refusals} refusals");
            Assert.Equal(1 + refusals, tokens.Issued);
        }

        [Fact]
        public async Task An_access_token_that_expires_mid_wait_ends_with_a_reconnect_and_resume_message()
        {
            await using var rig = await StartAsync(o => o.Settings = o.Settings with { TokenLifetimeSeconds = 10 * 3600 });
            var api = rig.SimulatedApi();
            var publish = await api.StartOperationAsync("contoso", "contoso-vm", OperationKind.Publish, null, null, default);

            var error = await Assert.ThrowsAsync<CpException>(() => new OperationWaiter(api).WaitAsync(publish, Hourly, null, null, default));

            Assert.Equal(CpErrorKind.Unauthorized, error.Kind);
            Assert.Contains("Connect-CpAccount", error.RecommendedAction);
            Assert.Contains("Get-CpOperation -Location '" + publish.Location + "' | Wait-CpOperation", error.RecommendedAction);
        }

        [Fact]
        public async Task Cancelling_a_wait_ends_it_within_a_second()
        {
            await using var rig = await EmulatorRig.StartAsync();
            var api = new PartnerApi(new Http.ApiConnection(
                new Http.ConnectionSettings { Endpoint = rig.BaseAddress, PublisherId = "contoso" },
                new StaticTokenProvider(EmulatorRig.Token)));
            var publish = await api.StartOperationAsync("contoso", "contoso-vm", OperationKind.Publish, null, null, default);
            using var cancel = new CancellationTokenSource();
            var wait = new OperationWaiter(api).WaitAsync(publish, Hourly, null, null, cancel.Token);
            await Task.Delay(200);
            Assert.False(wait.IsCompleted);

            var watch = Stopwatch.StartNew();
            cancel.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);

            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"the wait took {watch.Elapsed} to end");
        }

        /// <summary>A renewable flow: each acquisition issues a new token that claims to last a year.</summary>
        private sealed class CountingTokenProvider : ITokenProvider
        {
            private readonly ManualClock clock;
            private int issued;

            public CountingTokenProvider(ManualClock clock) => this.clock = clock;

            public int Issued => Volatile.Read(ref issued);

            public string Flow => "ClientSecret";

            public string? TenantId => "tenant";

            public string? ClientId => "client";

            public bool CanRenew => true;

            public Task<AccessToken> AcquireAsync(bool forceRefresh, IRequestObserver observer, CancellationToken cancellationToken)
            {
                var n = Interlocked.Increment(ref issued);
                return Task.FromResult(new AccessToken("renewable-token-" + n, clock.UtcNow.AddDays(365)));
            }
        }
    }
}
