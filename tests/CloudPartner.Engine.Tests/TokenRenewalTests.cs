using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using CloudPartner.Engine.Http;
using CloudPartner.TestAids;
using CloudPartner.Emulator;
using CloudPartner.Engine.Auth;
using CloudPartner.Engine.Security;

namespace CloudPartner.Engine.Tests
{
    public class TokenRenewalTests
    {
        [Theory]
        [InlineData(3600, 300)]
        [InlineData(1200, 300)]
        [InlineData(600, 150)]
        [InlineData(30, 7.5)]
        [InlineData(2, 0.5)]
        public void The_margin_is_five_minutes_but_never_more_than_a_quarter_of_the_life(double lifetimeSeconds, double marginSeconds)
        {
            Assert.Equal(TimeSpan.FromSeconds(marginSeconds), TokenSource.MarginFor(TimeSpan.FromSeconds(lifetimeSeconds)));
        }

        [Fact]
        public async Task A_short_lived_token_is_renewed_once_per_window_not_on_every_request()
        {
            var now = new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);
            var provider = new LoopbackTestTokenProvider(TimeSpan.FromSeconds(30), () => now);
            var tokens = new TokenSource(provider, new Redactor(), () => now);

            var seen = new System.Collections.Generic.List<string>();
            for (var second = 0; second < 90; second++)
            {
                seen.Add((await tokens.GetAsync(default)).Token);
                now = now.AddSeconds(1);
            }

            // Renewed at 22.5 s, 45 s and 67.5 s: four tokens over 90 s, each used for a contiguous stretch.
            Assert.Equal(4, tokens.Acquisitions);
            Assert.Equal(4, seen.Distinct().Count());
            Assert.Equal(4, seen.Select((t, i) => i == 0 || t != seen[i - 1] ? 1 : 0).Sum());
        }

        [Fact]
        public async Task Many_threads_at_the_end_of_a_window_cause_one_acquisition()
        {
            var now = new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);
            var provider = new SlowProvider(TimeSpan.FromSeconds(30), () => now);
            var tokens = new TokenSource(provider, new Redactor(), () => now);
            await tokens.GetAsync(default);
            now = now.AddSeconds(25);

            var all = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(() => tokens.GetAsync(default))));

            Assert.Equal(2, tokens.Acquisitions);
            Assert.Single(all.Select(t => t.Token).Distinct());
        }

        [Fact]
        public async Task An_emulator_that_refuses_each_token_after_its_life_sees_no_401_from_a_renewing_session()
        {
            await using var rig = await EmulatorRig.StartAsync(o => o.Settings = o.Settings with { TokenLifetimeSeconds = 2 });
            var api = rig.Api(tokens: new LoopbackTestTokenProvider(TimeSpan.FromSeconds(2)));
            var until = DateTime.UtcNow.AddSeconds(5);
            while (DateTime.UtcNow < until)
            {
                await api.GetPublishersAsync(null, default);
                await Task.Delay(100);
            }

            var requests = await rig.RequestsAsync();
            Assert.DoesNotContain(requests, r => r.GetProperty("status").GetInt32() == 401);
            var fingerprints = requests.Select(r => r.GetProperty("headers").GetProperty("Authorization").GetString()).Distinct().Count();
            Assert.Equal(api.Connection.Tokens.Acquisitions, fingerprints);
            Assert.InRange(fingerprints, 3, 5);
        }

        [Fact]
        public void A_static_token_is_known_to_the_redactor_before_any_request()
        {
            var connection = new Http.ApiConnection(new Http.ConnectionSettings { Endpoint = new Uri("http://127.0.0.1:1/") }, new StaticTokenProvider("static-token-7d1e55a0c2"));

            Assert.Equal("see ***", connection.Redactor.Redact("see static-token-7d1e55a0c2"));
        }

        private sealed class SlowProvider : ITokenProvider
        {
            private readonly LoopbackTestTokenProvider inner;

            public SlowProvider(TimeSpan lifetime, Func<DateTimeOffset> clock) => inner = new LoopbackTestTokenProvider(lifetime, clock);

            public string Flow => inner.Flow;

            public string? TenantId => null;

            public string? ClientId => null;

            public bool CanRenew => true;

            public async Task<AccessToken> AcquireAsync(bool forceRefresh, IRequestObserver observer, CancellationToken cancellationToken)
            {
                await Task.Delay(200, cancellationToken);
                return await inner.AcquireAsync(forceRefresh, observer, cancellationToken);
            }
        }
    }
}
