using System;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using CloudPartner.Emulator;
using CloudPartner.Engine.Auth;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Http;

namespace CloudPartner.Engine.Tests
{
    /// <summary>What the pipeline does per call: reading bodies, and writing messages only for a listener.</summary>
    public class ConnectionTests
    {
        private const string LargeOffer = "/api/publishers/contoso/offers/contoso-large";

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public async Task Reads_a_large_body_exactly(bool synchronous)
        {
            await using var rig = await EmulatorRig.StartAsync();
            using var connection = rig.Connect();
            using var http = new HttpClient { BaseAddress = rig.BaseAddress };
            http.DefaultRequestHeaders.Add("Authorization", "Bearer " + EmulatorRig.Token);

            var response = await connection.SendAsync(ApiRequest.Create(HttpMethod.Get, LargeOffer), new RecordingObserver { CanBlockCallingThread = synchronous }, default);
            var expected = await http.GetStringAsync(LargeOffer + "?api-version=2017-10-31");

            Assert.True(expected.Length > 100_000);
            Assert.Equal(expected, response.Body);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public async Task Refuses_a_body_over_the_limit_with_or_without_a_length(bool synchronous)
        {
            await using var rig = await EmulatorRig.StartAsync(options => options.Faults.Add(new FaultRule
            {
                Kind = FaultKind.Hostile,
                Variant = HostileVariants.NeverEndingBody,
                Path = "/api/publishers/contoso/offers/contoso-vm",
            }));
            using var connection = rig.Connect(settings => settings.MaxResponseBytes = 64 * 1024);

            var observer = new RecordingObserver { CanBlockCallingThread = synchronous };

            var declared = await Assert.ThrowsAsync<CpException>(() => connection.SendAsync(ApiRequest.Create(HttpMethod.Get, LargeOffer), observer, default));
            var streamed = await Assert.ThrowsAsync<CpException>(() => connection.SendAsync(ApiRequest.Create(HttpMethod.Get, "/api/publishers/contoso/offers/contoso-vm"), observer, default));

            Assert.Equal(CpErrorKind.InvalidResponse, declared.Kind);
            Assert.Equal(CpErrorKind.InvalidResponse, streamed.Kind);
            Assert.Contains("the response was refused", streamed.Message, StringComparison.Ordinal);
        }

        [Fact]
        public async Task Sends_on_the_calling_thread_when_it_may_block()
        {
            await using var rig = await EmulatorRig.StartAsync(options => options.Faults.Add(new FaultRule { Kind = FaultKind.Status, StatusCode = 503, Path = "/api/publishers", Count = 1 }));
            using var connection = rig.Connect();
            var observer = new RecordingObserver { CanBlockCallingThread = true };

            var pending = connection.SendAsync(ApiRequest.Create(HttpMethod.Get, "/api/publishers"), observer, default);

            // Done before SendAsync returned (the rig's retry delay does not wait), retry included.
            Assert.True(pending.IsCompleted);
            var response = await pending;
            Assert.Equal(1, response.Retries);
            Assert.Contains("\"contoso\"", response.Body, StringComparison.Ordinal);
        }

        [Fact]
        public async Task A_synchronous_request_still_stops_when_canceled()
        {
            await using var rig = await EmulatorRig.StartAsync(options => options.Faults.Add(new FaultRule { Kind = FaultKind.Latency, LatencyMs = 30_000, Path = "/api/publishers" }));
            using var connection = rig.Connect();
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            var watch = System.Diagnostics.Stopwatch.StartNew();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => connection.SendAsync(ApiRequest.Create(HttpMethod.Get, "/api/publishers"), new RecordingObserver { CanBlockCallingThread = true }, cancel.Token));

            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
        }

        [Fact]
        public async Task Falls_back_to_async_when_the_handler_cannot_send_synchronously()
        {
            using var connection = new ApiConnection(
                new ConnectionSettings { Endpoint = new Uri("http://127.0.0.1:9/") },
                new StaticTokenProvider(EmulatorRig.Token),
                new AsyncOnlyHandler()) { SynchronousCapable = true };
            var observer = new RecordingObserver { CanBlockCallingThread = true };

            var first = await connection.SendAsync(ApiRequest.Create(HttpMethod.Post, "/api/publishers/contoso/offers/x/publish"), observer, default);
            var second = await connection.SendAsync(ApiRequest.Create(HttpMethod.Get, "/api/publishers"), observer, default);

            Assert.Equal("[]", first.Body);
            Assert.Equal("[]", second.Body);
            Assert.False(connection.SynchronousCapable);
        }

        [Fact]
        public async Task Builds_no_message_for_an_observer_that_is_not_listening()
        {
            await using var rig = await EmulatorRig.StartAsync();
            using var connection = rig.Connect();
            var silent = new RecordingObserver { IsVerboseEnabled = false, IsDebugEnabled = false };
            var listening = new RecordingObserver();

            await connection.SendAsync(ApiRequest.Create(HttpMethod.Put, "/api/publishers/contoso/offers/quiet", "{\"offerTypeId\":\"microsoft-azure-virtualmachines\"}"), silent, default);
            await connection.SendAsync(ApiRequest.Create(HttpMethod.Get, "/api/publishers"), silent, default);
            await connection.SendAsync(ApiRequest.Create(HttpMethod.Get, "/api/publishers"), listening, default);

            Assert.Empty(silent.Lines);
            Assert.Single(listening.VerboseLines);
            Assert.Contains(listening.Lines, l => l.StartsWith("DEBUG: GET ", StringComparison.Ordinal) && l.Contains("response body: [{"));
        }
    }

    /// <summary>A handler that only sends asynchronously (HttpMessageHandler.Send throws NotSupportedException).</summary>
    internal sealed class AsyncOnlyHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new StringContent("[]"), RequestMessage = request });
        }
    }
}
