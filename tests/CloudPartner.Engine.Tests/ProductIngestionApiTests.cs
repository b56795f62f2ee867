using System;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using CloudPartner.Emulator;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Models;
using CloudPartner.Engine.Operations;
using CloudPartner.Engine.ProductIngestion;
using Xunit;

namespace CloudPartner.Engine.Tests
{
    /// <summary>The Product Ingestion client against the emulator over real HTTP, on simulated time.</summary>
    public sealed class ProductIngestionApiTests
    {
        private static readonly DateTimeOffset Start = new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);
        private static readonly WaitOptions Hourly = new WaitOptions { PollingInterval = TimeSpan.FromHours(1) };

        [Fact]
        public async Task Lists_every_product_across_pages_and_finds_one_by_its_offer_id()
        {
            await using var rig = await StartAsync();
            for (var i = 0; i < 120; i++)
            {
                rig.Server.State.SeedOffer("fabrikam", $"{{\"offerTypeId\":\"microsoft-azure-virtualmachines\",\"id\":\"bulk-{i:000}\",\"definition\":{{\"displayText\":\"Bulk {i}\"}}}}", migrated: true);
            }

            var api = rig.ProductIngestion();
            var products = await api.ListProductsAsync(null, default);

            Assert.Equal(126, products.Count);
            Assert.Equal(2, (await rig.RequestsAsync()).Count(r => r.GetProperty("path").GetString() == "/rp/product-ingestion/product"));
            var product = await api.GetProductAsync("test-vm", null, default);
            Assert.Equal("test-vm", ProductIngestionApi.ExternalIdOf(product));
            Assert.Equal(product.ToJsonString(), (await api.GetProductAsync(ProductIngestionApi.ProductIdOf(product), null, default)).ToJsonString());
            var miss = await Assert.ThrowsAsync<CpException>(() => api.GetProductAsync("no-such-offer", null, default));
            Assert.Equal(CpErrorKind.NotFound, miss.Kind);
        }

        [Fact]
        public async Task Publishes_waits_for_preview_goes_live_and_does_not_go_live_twice()
        {
            await using var rig = await StartAsync();
            var api = rig.ProductIngestion();
            var product = await api.GetProductAsync("test-vm", null, default);

            var publish = await api.PublishAsync(product, null, default);
            Assert.Equal((ApiKind.ProductIngestion, "preview", OperationState.NotStarted), (publish.Api, publish.SubmissionType, publish.State));
            var previewed = await new OperationWaiter(api).WaitAsync(publish, Hourly, null, null, default);
            Assert.Equal(OperationState.WaitingForPublisherReview, previewed.Operation.State);

            var goLive = await api.GoLiveAsync(product, null, default);
            Assert.Equal("live", goLive.SubmissionType);
            Assert.StartsWith("submission/", goLive.SubmissionId, StringComparison.Ordinal);
            var live = await new OperationWaiter(api).WaitAsync(goLive, Hourly, null, null, default);
            Assert.Equal(OperationState.Succeeded, live.Operation.State);

            var posts = (await rig.RequestsAsync()).Count(r => r.GetProperty("method").GetString() == "POST");
            var observer = new RecordingObserver();
            var again = await api.GoLiveAsync(product, observer, default);
            Assert.Equal(OperationState.Succeeded, again.State);
            Assert.Contains(observer.WarningLines, l => l.Contains("already live", StringComparison.Ordinal));
            Assert.Equal(posts, (await rig.RequestsAsync()).Count(r => r.GetProperty("method").GetString() == "POST"));

            var operations = ProductIngestionApi.ToOperations(product, await api.ListSubmissionsAsync(ProductIngestionApi.ProductIdOf(product), null, default));
            Assert.All(operations, o => Assert.Equal(OperationState.Succeeded, o.State));
        }

        [Fact]
        public async Task Refuses_before_any_POST_a_publish_while_one_runs_and_a_go_live_before_preview()
        {
            await using var rig = await StartAsync();
            var api = rig.ProductIngestion();
            var product = await api.GetProductAsync("test-vm", null, default);

            var early = await Assert.ThrowsAsync<CpException>(() => api.GoLiveAsync(product, null, default));
            Assert.Equal(CpErrorKind.Conflict, early.Kind);
            Assert.Contains("no preview submission", early.Message, StringComparison.Ordinal);

            await api.PublishAsync(product, null, default);
            var second = await Assert.ThrowsAsync<CpException>(() => api.PublishAsync(product, null, default));
            Assert.Equal(CpErrorKind.Conflict, second.Kind);
            var notYet = await Assert.ThrowsAsync<CpException>(() => api.GoLiveAsync(product, null, default));
            Assert.Contains("running", notYet.Message, StringComparison.Ordinal);

            Assert.Equal(1, (await rig.RequestsAsync()).Count(r => r.GetProperty("method").GetString() == "POST"));
        }

        [Fact]
        public async Task A_lost_configure_answer_starts_one_publish_not_two()
        {
            await using var rig = await StartAsync(o => o.Faults.Add(new FaultRule { Kind = FaultKind.Drop, Method = "POST", Path = "/rp/product-ingestion/configure", Phase = FaultPhase.After, Count = 1 }));
            var api = rig.ProductIngestion();
            var product = await api.GetProductAsync("test-vm", null, default);

            var observer = new RecordingObserver();
            var publish = await api.PublishAsync(product, observer, default);

            Assert.Equal("preview", publish.SubmissionType);
            Assert.Equal(1, (await rig.RequestsAsync()).Count(r => r.GetProperty("method").GetString() == "POST"));
            Assert.Single(rig.Server.State.GetOperations(), o => o.OfferId == "test-vm");
            Assert.Contains(observer.VerboseLines, l => l.Contains("not sending", StringComparison.Ordinal));

            // Adopted without its job's id, it is followed by its submission.
            Assert.Null(publish.JobId);
            var waited = await new OperationWaiter(api).WaitAsync(publish, Hourly, null, null, default);
            Assert.Equal(OperationState.WaitingForPublisherReview, waited.Operation.State);
        }

        [Fact]
        public async Task A_certification_failure_fails_the_wait_with_every_nested_message()
        {
            await using var rig = await StartAsync();
            rig.Server.State.UpdateOfferSettings("contoso", "test-vm", failCertification: true);
            var api = rig.ProductIngestion();
            var product = await api.GetProductAsync("test-vm", null, default);

            var result = await new OperationWaiter(api).WaitAsync(await api.PublishAsync(product, null, default), Hourly, null, null, default);

            Assert.Equal(WaitOutcome.Failed, result.Outcome);
            var messages = result.Operation.Messages.Select(m => m.Text).ToList();
            Assert.Contains(messages, m => m.StartsWith("internalServerError: Operation failed", StringComparison.Ordinal));
            Assert.Contains(messages, m => m == "invalidState: Issues found during Certification.");
            Assert.Contains(messages, m => m.Contains("No virtual machine image was found", StringComparison.Ordinal));
        }

        [Fact]
        public async Task Cancels_a_running_job_and_reports_a_refused_cancel_as_a_conflict()
        {
            await using var rig = await StartAsync();
            var api = rig.ProductIngestion();
            var publish = await api.PublishAsync(await api.GetProductAsync("test-vm", null, default), null, default);

            var canceled = await api.CancelJobAsync(publish.JobId!, null, default);
            Assert.Equal(OperationState.Canceled, StatusMapper.MapJob(canceled.JobStatus, canceled.JobResult, toPreview: true));
            var refused = await Assert.ThrowsAsync<CpException>(() => api.CancelJobAsync(publish.JobId!, null, default));
            Assert.Equal(CpErrorKind.Conflict, refused.Kind);
            Assert.Contains("already completed", refused.Message, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("notStarted", "pending", true, "NotStarted")]
        [InlineData("running", "pending", true, "Running")]
        [InlineData("completed", "succeeded", true, "WaitingForPublisherReview")]
        [InlineData("completed", "succeeded", false, "Succeeded")]
        [InlineData("completed", "failed", false, "Failed")]
        [InlineData("completed", "cancelled", true, "Canceled")]
        [InlineData("paused", "pending", false, "Unknown")]
        public void Maps_every_job_status_and_result(string status, string result, bool toPreview, string expected)
        {
            Assert.Equal(Enum.Parse<OperationState>(expected), StatusMapper.MapJob(status, result, toPreview));
        }

        [Fact]
        public async Task A_token_for_the_other_audience_is_refused_and_a_next_link_to_another_host_is_not_followed()
        {
            await using var rig = await StartAsync(o => o.Faults.Add(new FaultRule { Kind = FaultKind.Hostile, Variant = HostileVariants.ForeignLocation, Path = "/rp/product-ingestion/product", Count = 1 }));
            rig.Server.State.RegisterToken("cpp-audience", Start.AddDays(1), audience: "https://cloudpartner.azure.com");
            for (var i = 0; i < 120; i++)
            {
                rig.Server.State.SeedOffer("fabrikam", $"{{\"offerTypeId\":\"microsoft-azure-virtualmachines\",\"id\":\"bulk-{i:000}\",\"definition\":{{}}}}", migrated: true);
            }

            var foreign = await Assert.ThrowsAsync<CpException>(() => rig.ProductIngestion().ListProductsAsync(null, default));
            Assert.Equal(CpErrorKind.UntrustedLocation, foreign.Kind);
            Assert.DoesNotContain(await rig.RequestsAsync(), r => r.GetProperty("path").GetString()!.Contains("attacker", StringComparison.Ordinal));

            var wrongAudience = rig.ProductIngestion(tokens: new Auth.StaticTokenProvider("cpp-audience"));
            var refused = await Assert.ThrowsAsync<CpException>(() => wrongAudience.GetProductAsync("test-vm", null, default));
            Assert.Equal(CpErrorKind.Unauthorized, refused.Kind);
        }

        private static Task<EmulatorRig> StartAsync(Action<EmulatorOptions>? configure = null)
        {
            return EmulatorRig.StartAsync(o =>
            {
                o.Clock = new ManualClock(Start);
                configure?.Invoke(o);
            });
        }
    }
}
