using System;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using CloudPartner.Emulator;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Http;

namespace CloudPartner.Engine.Tests
{
    /// <summary>What the pipeline does per call: reading bodies, and writing messages only for a listener.</summary>
    public class ConnectionTests
    {
        private const string LargeOffer = "/api/publishers/contoso/offers/contoso-large";

        [Fact]
        public async Task Reads_a_large_body_exactly()
        {
            await using var rig = await EmulatorRig.StartAsync();
            using var connection = rig.Connect();
            using var http = new HttpClient { BaseAddress = rig.BaseAddress };
            http.DefaultRequestHeaders.Add("Authorization", "Bearer " + EmulatorRig.Token);

            var response = await connection.SendAsync(ApiRequest.Create(HttpMethod.Get, LargeOffer), null, default);
            var expected = await http.GetStringAsync(LargeOffer + "?api-version=2017-10-31");

            Assert.True(expected.Length > 100_000);
            Assert.Equal(expected, response.Body);
        }

        [Fact]
        public async Task Refuses_a_body_over_the_limit_with_or_without_a_length()
        {
            await using var rig = await EmulatorRig.StartAsync(options => options.Faults.Add(new FaultRule
            {
                Kind = FaultKind.Hostile,
                Variant = HostileVariants.NeverEndingBody,
                Path = "/api/publishers/contoso/offers/contoso-vm",
            }));
            using var connection = rig.Connect(settings => settings.MaxResponseBytes = 64 * 1024);

            var declared = await Assert.ThrowsAsync<CpException>(() => connection.SendAsync(ApiRequest.Create(HttpMethod.Get, LargeOffer), null, default));
            var streamed = await Assert.ThrowsAsync<CpException>(() => connection.SendAsync(ApiRequest.Create(HttpMethod.Get, "/api/publishers/contoso/offers/contoso-vm"), null, default));

            Assert.Equal(CpErrorKind.InvalidResponse, declared.Kind);
            Assert.Equal(CpErrorKind.InvalidResponse, streamed.Kind);
            Assert.Contains("the response was refused", streamed.Message, StringComparison.Ordinal);
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
}
