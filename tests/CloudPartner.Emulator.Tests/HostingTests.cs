using System;
using System.IO;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace CloudPartner.Emulator.Tests
{
    public sealed class HostingTests
    {
        [Fact]
        public async Task StartsOnALoopbackDynamicPortAndAnswersTheRoot()
        {
            await using var server = await EmulatorServer.StartAsync();
            Assert.Equal("127.0.0.1", server.BaseAddress.Host);
            Assert.NotEqual(0, server.BaseAddress.Port);
            Assert.EndsWith("/", server.BaseAddress.AbsoluteUri, StringComparison.Ordinal);
            Assert.Null(server.ManualClock);

            using var client = EmulatorTest.NewClient(server, null);
            using var response = await client.GetAsync("/");
            var json = await EmulatorTest.ReadJson(response);
            Assert.Equal("/_emulator/", (string?)json["admin"]);
        }

        [Fact]
        public async Task ExposesTheManualClockGivenInTheOptions()
        {
            var clock = new ManualClock(EmulatorTest.Start);
            await using var server = await EmulatorServer.StartAsync(new EmulatorOptions { Clock = clock });
            Assert.Same(clock, server.ManualClock);
            Assert.Equal(EmulatorTest.Start, server.State.UtcNow);
            clock.Advance(TimeSpan.FromMinutes(5));
            Assert.Equal(EmulatorTest.Start.AddMinutes(5), server.State.UtcNow);
        }

        [Theory]
        [InlineData("http://0.0.0.0:0")]
        [InlineData("http://192.168.1.10:5080")]
        [InlineData("http://[::]:5080")]
        [InlineData("http://example.com:5080")]
        [InlineData("https://127.0.0.1:5443")]
        [InlineData("http://127.0.0.1:0;http://10.0.0.1:5080")]
        public async Task RefusesNonLoopbackOrNonHttpUrls(string urls)
        {
            var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => EmulatorServer.StartAsync(new EmulatorOptions { Urls = urls }));
            Assert.False(string.IsNullOrWhiteSpace(error.Message));
        }

        [Theory]
        [InlineData("http://localhost:0")]
        [InlineData("http://127.0.0.2:0")]
        [InlineData("http://[::1]:0")]
        [InlineData("http://[::ffff:127.0.0.1]:0")]
        public async Task AcceptsLoopbackAddresses(string urls)
        {
            try
            {
                await using var server = await EmulatorServer.StartAsync(new EmulatorOptions { Urls = urls });
                using var client = EmulatorTest.NewClient(server, "t");
                using var response = await client.GetAsync(EmulatorTest.Api("/api/publishers"));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
            catch (IOException) when (urls.Contains("::1", StringComparison.Ordinal) || urls.Contains("127.0.0.2", StringComparison.Ordinal))
            {
                // IPv6 or 127.0.0.2 may be unavailable on this machine; refusing them is not the point of the test.
            }
        }

        [Fact]
        public async Task CommandLineRefusesANonLoopbackAddressWithExitCode2()
        {
            var options = Program.Parse(new[] { "--urls", "http://0.0.0.0:5080" }, out _);
            using var output = new StringWriter();
            using var error = new StringWriter();
            var code = await Program.RunAsync(options, output, error, CancellationToken.None);
            Assert.Equal(2, code);
            Assert.Contains("loopback", error.ToString(), StringComparison.OrdinalIgnoreCase);
            Assert.Equal(2, await Program.Main(new[] { "--no-such-option" }));
        }

        [Fact]
        public async Task CommandLinePrintsTheBoundAddressAndTheAdminHint()
        {
            var options = Program.Parse(new[] { "--urls", "http://127.0.0.1:0" }, out _);
            using var output = new StringWriter();
            using var error = new StringWriter();
            using var stop = new CancellationTokenSource();
            var started = new TaskCompletionSource<EmulatorServer>(TaskCreationOptions.RunContinuationsAsynchronously);
            var run = Program.RunAsync(options, output, error, stop.Token, started.SetResult);
            var server = await started.Task.WaitAsync(TimeSpan.FromSeconds(20));
            using (var client = EmulatorTest.NewClient(server, "t"))
            using (var response = await client.GetAsync(EmulatorTest.Api("/api/publishers")))
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            await stop.CancelAsync();
            Assert.Equal(0, await run);
            var text = output.ToString();
            Assert.Contains("listening on http://127.0.0.1:", text, StringComparison.Ordinal);
            Assert.Contains("/_emulator/", text, StringComparison.Ordinal);
            Assert.Contains("OAuth authority: https://127.0.0.1:", text, StringComparison.Ordinal);
            Assert.Contains(server.OAuthCertificate.Thumbprint, text, StringComparison.Ordinal);
        }

        [Fact]
        public void CommandLineParsesTheOptions()
        {
            var options = Program.Parse(
                new[]
                {
                    "--urls", "http://127.0.0.1:5080", "--time-scale", "100000", "--success-word", "completed", "--token-lifetime", "30",
                    "--legacy-operation-location", "--operation-retry-after", "5", "--SynchronousCancel", "true", "--seed-sample-data=false",
                    "--step-duration", "displaycertify=60,live=30", "--access", "tok=contoso,fabrikam",
                    "--fault", "{\"kind\":\"throttle\",\"path\":\"/api\",\"count\":3}",
                },
                out var help);
            Assert.False(help);
            Assert.Equal("http://127.0.0.1:5080", options.Urls);
            Assert.Equal(100000, options.Settings.TimeScale);
            Assert.Equal("completed", options.Settings.SuccessWord);
            Assert.Equal(30, options.Settings.TokenLifetimeSeconds);
            Assert.True(options.Settings.LegacyOperationLocation);
            Assert.Equal(5, options.Settings.OperationRetryAfterSeconds);
            Assert.True(options.Settings.SynchronousCancel);
            Assert.False(options.SeedSampleData);
            Assert.Equal(60, options.Settings.StepDurations["displaycertify"]);
            Assert.Equal(30, options.Settings.StepDurations["live"]);
            Assert.Equal(new[] { "contoso", "fabrikam" }, options.AccessList["tok"]);
            var fault = Assert.Single(options.Faults);
            Assert.Equal(FaultKind.Throttle, fault.Kind);
            Assert.Equal(3, fault.Count);

            Assert.Throws<ArgumentException>(() => Program.Parse(new[] { "--success-word", "done" }, out _));
            Assert.Throws<ArgumentException>(() => Program.Parse(new[] { "--time-scale" }, out _));
            Assert.Throws<ArgumentException>(() => Program.Parse(new[] { "--fault", "{\"kind\":\"nope\"}" }, out _));
        }

        [Fact]
        public async Task StartsWithoutSeedData()
        {
            await using var server = await EmulatorServer.StartAsync(new EmulatorOptions { SeedSampleData = false });
            using var client = EmulatorTest.NewClient(server, "t");
            using var response = await client.GetAsync(EmulatorTest.Api("/api/publishers"));
            Assert.Equal("[]", await response.Content.ReadAsStringAsync());
        }
    }
}
