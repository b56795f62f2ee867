using System;
using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using CloudPartner.Emulator;
using CloudPartner.Engine.Cpp;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Json;
using CloudPartner.Engine.Offers;

namespace CloudPartner.Engine.Tests
{
    /// <summary>Offers as files: stable bytes, atomic writes, concurrent reads that back off together.</summary>
    public sealed class ExportTests : IDisposable
    {
        private readonly string folder = Path.Combine(Path.GetTempPath(), "cp-export-" + Guid.NewGuid().ToString("N"));

        public void Dispose()
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        [Fact]
        public async Task Every_offer_is_written_losslessly_and_an_unchanged_export_gives_the_same_bytes()
        {
            await using var rig = await EmulatorRig.StartAsync();
            var api = rig.Api();
            var ids = (await api.ListOffersAsync("contoso", null, null, default)).Select(o => o.Id!).ToList();

            var written = await ExportAsync(api, ids);
            var first = ids.ToDictionary(id => id, id => File.ReadAllBytes(OfferExporter.FileFor(folder, "contoso", id)));
            var stamps = ids.ToDictionary(id => id, id => File.GetLastWriteTimeUtc(OfferExporter.FileFor(folder, "contoso", id)));
            await ExportAsync(api, ids);

            Assert.Equal(ids.OrderBy(i => i), written.OrderBy(i => i));
            foreach (var id in ids)
            {
                var path = OfferExporter.FileFor(folder, "contoso", id);
                Assert.Equal(first[id], File.ReadAllBytes(path));
                Assert.Equal(stamps[id], File.GetLastWriteTimeUtc(path));

                // The file holds the document as the API returns it: same keys, order and number text, only indented.
                var served = (await api.GetOfferAsync("contoso", id, null, null, null, default)).RawJson!;
                Assert.Equal(LosslessJson.Write(LosslessJson.Parse(served)), LosslessJson.Write(LosslessJson.Parse(File.ReadAllText(path))));
                Assert.EndsWith("}\n", File.ReadAllText(path), StringComparison.Ordinal);
                Assert.DoesNotContain("\r", File.ReadAllText(path), StringComparison.Ordinal);
            }

            Assert.Empty(Directory.GetFiles(folder, "*.tmp", SearchOption.AllDirectories));
        }

        [Fact]
        public async Task A_failed_offer_is_reported_and_the_others_are_written()
        {
            await using var rig = await EmulatorRig.StartAsync();
            var failures = new ConcurrentDictionary<string, CpException>();

            await OfferExporter.ForCpp(rig.Api(), "contoso", null).ExportAsync(new[] { "contoso-vm", "no-such-offer", "contoso-app" }, folder, 2, (_, _) => { }, (id, e) => failures[id] = e, new Http.CommandContext(), default);

            Assert.Equal(CpErrorKind.NotFound, Assert.Single(failures).Value.Kind);
            Assert.True(File.Exists(OfferExporter.FileFor(folder, "contoso", "contoso-vm")));
            Assert.True(File.Exists(OfferExporter.FileFor(folder, "contoso", "contoso-app")));
        }

        [Fact]
        public async Task A_canceled_export_leaves_no_file_behind()
        {
            await using var rig = await EmulatorRig.StartAsync(o => o.Faults.Add(new FaultRule { Kind = FaultKind.Latency, Method = "GET", PathRegex = "/offers/contoso-", LatencyMs = 2000 }));
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                OfferExporter.ForCpp(rig.Api(), "contoso", null).ExportAsync(new[] { "contoso-vm", "contoso-app" }, folder, 2, (_, _) => { }, (_, _) => { }, new Http.CommandContext(), cancel.Token));

            Assert.False(Directory.Exists(folder) && Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Any());
        }

        [Fact]
        public void A_write_that_fails_leaves_neither_a_partial_file_nor_a_temporary_one()
        {
            var target = Path.Combine(folder, "contoso", "offer.json");
            Directory.CreateDirectory(target); // A directory where the file should go: the rename fails.

            Assert.ThrowsAny<IOException>(() => OfferFile.WriteAtomically(target, "{}\n"));

            Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(target)!));
        }

        [Fact]
        public void Stable_text_is_indented_with_LF_and_a_final_newline_and_keeps_numbers_as_written()
        {
            var text = OfferFile.ToText(LosslessJson.Parse("""{"b":1.50,"a":[9223372036854775807,{"x":"2018-03-26T21:46:01.179948Z"}],"sas":"https://x/y?a=1&b=2"}""")!);

            Assert.Equal("{\n  \"b\": 1.50,\n  \"a\": [\n    9223372036854775807,\n    {\n      \"x\": \"2018-03-26T21:46:01.179948Z\"\n    }\n  ],\n  \"sas\": \"https://x/y?a=1&b=2\"\n}\n", text);
        }

        [Fact]
        public async Task A_throttled_answer_holds_back_the_session_s_other_requests_too()
        {
            await using var rig = await EmulatorRig.StartAsync(o =>
            {
                o.Clock = new ManualClock(DateTimeOffset.UtcNow);
                o.Faults.Add(new FaultRule { Kind = FaultKind.Throttle, Method = "GET", Path = "/api/publishers/contoso/offers/contoso-vm", RetryAfterSeconds = 30, Count = 1 });
            });
            var api = rig.Api(advanceEmulatorClock: true);

            await api.GetOfferAsync("contoso", "contoso-vm", null, null, null, default);
            await api.GetOfferAsync("contoso", "contoso-app", null, null, null, default);

            // The throttled read waited 30 s; the next read of the session, though not throttled itself, waited for the rest.
            Assert.Equal(2, rig.Delays.Count);
            Assert.Equal(TimeSpan.FromSeconds(30), rig.Delays[0]);
            Assert.InRange(rig.Delays[1], TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(30));
        }

        private async Task<string[]> ExportAsync(PartnerApi api, System.Collections.Generic.IReadOnlyList<string> ids)
        {
            var written = new ConcurrentBag<string>();
            await OfferExporter.ForCpp(api, "contoso", null).ExportAsync(ids, folder, 3, (id, _) => written.Add(id), (id, e) => throw e, new Http.CommandContext(), default);
            return written.ToArray();
        }
    }
}
