using System;
using System.Linq;
using System.Net;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using CloudPartner.Emulator;
using CloudPartner.Engine.Cpp;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Models;

namespace CloudPartner.Engine.Tests
{
    /// <summary>Every endpoint call of the engine against the emulator.</summary>
    public class PartnerApiTests
    {
        [Fact]
        public async Task Lists_publishers()
        {
            await using var rig = await EmulatorRig.StartAsync();

            var publishers = await rig.Api().GetPublishersAsync(null, default);

            Assert.Contains(publishers, p => p.Id == "contoso" && !string.IsNullOrEmpty(p.DisplayText));
        }

        [Fact]
        public async Task Lists_offers_and_filters_by_type()
        {
            await using var rig = await EmulatorRig.StartAsync();
            var api = rig.Api();

            var all = await api.ListOffersAsync("contoso", null, null, default);
            var vms = await api.ListOffersAsync("contoso", "microsoft-azure-virtualmachines", null, default);

            Assert.Contains(all, o => o.Id == "contoso-vm");
            Assert.Contains(all, o => o.Id == "test-vm" && o.IsMigrated);
            Assert.NotEmpty(vms);
            Assert.True(vms.Count < all.Count);
            Assert.All(vms, o => Assert.Equal("microsoft-azure-virtualmachines", o.OfferTypeId));
        }

        [Fact]
        public async Task Reads_an_offer_with_its_etag_and_a_migrated_one_without()
        {
            await using var rig = await EmulatorRig.StartAsync();
            var api = rig.Api();

            var vm = await api.GetOfferAsync("contoso", "contoso-vm", null, null, null, default);
            var migrated = await api.GetOfferAsync("contoso", "test-vm", null, null, null, default);

            Assert.StartsWith("W/\"datetime'", vm.ETag);
            Assert.NotNull(vm.RawJson);
            Assert.Null(migrated.ETag);
            Assert.True(migrated.IsMigrated);
        }

        [Fact]
        public async Task Reads_versions_and_slots_and_reports_missing_ones()
        {
            await using var rig = await EmulatorRig.StartAsync();
            var api = rig.Api();
            var current = await api.GetOfferAsync("contoso", "contoso-vm", null, null, null, default);

            var production = await api.GetOfferAsync("contoso", "contoso-vm", null, OfferSlot.Production, null, default);
            var draft = await api.GetOfferAsync("contoso", "contoso-vm", null, OfferSlot.Draft, null, default);
            var version = await api.GetOfferAsync("contoso", "contoso-vm", current.Version, null, null, default);
            var neverPreviewed = await Assert.ThrowsAsync<CpException>(() => api.GetOfferAsync("contoso", "test-vm", null, OfferSlot.Preview, null, default));
            var noVersion = await Assert.ThrowsAsync<CpException>(() => api.GetOfferAsync("contoso", "contoso-vm", 999999, null, null, default));

            Assert.Equal("contoso-vm", production.Id);
            Assert.Equal("contoso-vm", draft.Id);
            Assert.Equal(current.Version, version.Version);
            Assert.Equal(CpErrorKind.NotFound, neverPreviewed.Kind);
            Assert.Equal(CpErrorKind.NotFound, noVersion.Kind);
        }

        [Fact]
        public async Task Creates_then_updates_with_the_etag_and_detects_a_stale_one()
        {
            await using var rig = await EmulatorRig.StartAsync();
            var api = rig.Api();
            var document = new JsonObject
            {
                ["offerTypeId"] = "microsoft-azure-virtualmachines",
                ["publisherId"] = "contoso",
                ["id"] = "brand-new",
                ["definition"] = new JsonObject { ["displayText"] = "Brand new", ["offer"] = new JsonObject(), ["plans"] = new JsonArray() },
            };

            var created = await api.PutOfferAsync("contoso", "brand-new", document, null, null, default);
            var again = await Assert.ThrowsAsync<CpException>(() => api.PutOfferAsync("contoso", "brand-new", document, null, null, default));
            var read = await api.GetOfferAsync("contoso", "brand-new", null, null, null, default);
            var updated = await api.PutOfferAsync("contoso", "brand-new", read.Document, read.ETag, null, default);
            var stale = await Assert.ThrowsAsync<CpException>(() => api.PutOfferAsync("contoso", "brand-new", read.Document, read.ETag, null, default));
            var forced = await api.PutOfferAsync("contoso", "brand-new", read.Document, "*", null, default);

            Assert.True(created.Created);
            Assert.Equal(CpErrorKind.Conflict, again.Kind);
            Assert.Equal("InvalidResourceId", again.ServiceCode);
            Assert.False(updated.Created);
            Assert.NotEqual(read.ETag, updated.Offer.ETag);
            Assert.Equal(CpErrorKind.PreconditionFailed, stale.Kind);
            Assert.False(forced.Created);
        }

        [Fact]
        public async Task Strips_the_read_only_legacy_keys_before_writing()
        {
            await using var rig = await EmulatorRig.StartAsync();
            var api = rig.Api();
            var offer = await api.GetOfferAsync("contoso", "test-vm", null, null, null, default);
            Assert.Contains("legacyOfferId", offer.RawJson);

            var (written, _, stripped) = await api.PutOfferAsync("contoso", "test-vm", offer.Document, "*", null, default);

            Assert.Contains(stripped, k => k.Contains("legacyOfferId"));
            Assert.Contains(stripped, k => k.Contains("legacyPublisherId"));
            Assert.Equal("test-vm", written.Id);
            Assert.Contains("legacyOfferId", offer.Document.ToJsonString());
        }

        [Fact]
        public async Task Reads_the_offer_status()
        {
            await using var rig = await EmulatorRig.StartAsync();

            var status = await rig.Api().GetOfferStatusAsync("contoso", "contoso-vm", null, default);

            Assert.NotEqual(OperationState.Unknown, status.State);
            Assert.Equal("contoso-vm", status.OfferId);
        }

        [Theory]
        [InlineData(false, false, "/api/operations/contoso$contoso-vm$")]
        [InlineData(true, false, "/api/publishers/contoso/offers/contoso-vm/operations/")]
        [InlineData(false, true, "/api/operations/contoso$contoso-vm$")]
        [InlineData(true, true, "/api/publishers/contoso/offers/contoso-vm/operations/")]
        public async Task Publishes_and_follows_every_location_form(bool migrated, bool legacyHeader, string expectedPath)
        {
            await using var rig = await EmulatorRig.StartAsync(o => o.Settings = o.Settings with { LegacyOperationLocation = legacyHeader });
            rig.Server.State.UpdateOfferSettings("contoso", "contoso-vm", migrated: migrated);

            var operation = await rig.Api().StartOperationAsync("contoso", "contoso-vm", OperationKind.Publish, "a@contoso.com,b@contoso.com", null, default);

            Assert.Contains(expectedPath, operation.Location!.Uri.AbsolutePath.Replace("%24", "$"));
            Assert.Equal("publish", operation.SubmissionType, ignoreCase: true);
            Assert.False(operation.IsTerminal);
            Assert.Equal("contoso-vm", operation.OfferId);
        }

        [Fact]
        public async Task Lists_operations_filters_them_and_reads_one_by_id()
        {
            await using var rig = await EmulatorRig.StartAsync();
            var api = rig.Api();
            var started = await api.StartOperationAsync("contoso", "contoso-vm", OperationKind.Publish, null, null, default);

            var all = await api.ListOperationsAsync("contoso", "contoso-vm", null, null, default);
            var running = await api.ListOperationsAsync("contoso", "contoso-vm", "running", null, default);
            var byId = await api.GetOperationAsync(api.LocationOf("contoso", "contoso-vm", running.Single().Id!), null, default);

            Assert.True(all.Count > running.Count);
            Assert.Equal(OperationState.Running, running.Single().State);
            Assert.Equal(started.Location!.OperationId.Contains('$') ? running.Single().Id : started.Id, byId.Id);
            Assert.NotEmpty(byId.Steps);
        }

        [Fact]
        public async Task A_second_publish_while_one_runs_is_a_conflict_where_the_service_refuses_repeats()
        {
            await using var rig = await EmulatorRig.StartAsync(o => o.Settings = o.Settings with { RepeatConflict = true });
            var api = rig.Api();
            await api.StartOperationAsync("contoso", "contoso-vm", OperationKind.Publish, null, null, default);

            var error = await Assert.ThrowsAsync<CpException>(() => api.StartOperationAsync("contoso", "contoso-vm", OperationKind.Publish, null, null, default));

            Assert.Equal(CpErrorKind.Conflict, error.Kind);
            Assert.Equal(HttpStatusCode.Conflict, error.StatusCode);
            Assert.Single(rig.Server.State.GetOperations(), o => o.OfferId == "contoso-vm" && o.Status == "running");
        }

        [Fact]
        public async Task A_second_publish_while_one_runs_reports_the_running_one_where_publish_is_idempotent()
        {
            await using var rig = await EmulatorRig.StartAsync();
            var api = rig.Api();
            var first = await api.StartOperationAsync("contoso", "contoso-vm", OperationKind.Publish, null, null, default);
            var observer = new RecordingObserver();

            var second = await api.StartOperationAsync("contoso", "contoso-vm", OperationKind.Publish, null, observer, default);

            Assert.Equal(first.Id, second.Id);
            Assert.Single(rig.Server.State.GetOperations(), o => o.OfferId == "contoso-vm" && o.Status == "running");
            Assert.Contains(observer.WarningLines, l => l.Contains("already running", StringComparison.Ordinal) && l.Contains(first.Id!, StringComparison.Ordinal));
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public async Task Cancels_the_running_operation(bool synchronous)
        {
            await using var rig = await EmulatorRig.StartAsync(o => o.Settings = o.Settings with { SynchronousCancel = synchronous });
            var api = rig.Api();
            var publish = await api.StartOperationAsync("contoso", "contoso-vm", OperationKind.Publish, null, null, default);

            var cancel = await api.StartOperationAsync("contoso", "contoso-vm", OperationKind.Cancel, null, null, default);
            var after = await api.GetOperationAsync(publish.Location!, null, default);

            Assert.Equal(OperationState.Canceled, after.State);
            Assert.NotNull(cancel.Id);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public async Task A_cancel_answered_with_its_own_operation_reports_the_operation_it_canceled(bool legacyHeader)
        {
            // test-vm is migrated: a 202 cancel points at the cancellation operation, not at the publish it cancels.
            await using var rig = await EmulatorRig.StartAsync(o => o.Settings = o.Settings with { LegacyOperationLocation = legacyHeader });
            var api = rig.Api();
            var publish = await api.StartOperationAsync("contoso", "test-vm", OperationKind.Publish, null, null, default);

            var canceled = await api.StartOperationAsync("contoso", "test-vm", OperationKind.Cancel, null, null, default);

            var cancellationReads = (await rig.RequestsAsync()).Select(r => r.GetProperty("path").GetString()!)
                .Where(p => p.Contains("/operations/", StringComparison.Ordinal) && !p.EndsWith(publish.Id!, StringComparison.Ordinal));
            Assert.NotEmpty(cancellationReads);
            Assert.Equal(publish.Id, canceled.Id);
            Assert.Equal(OperationState.Canceled, canceled.State);
            Assert.Equal("publish", canceled.SubmissionType);
        }

        [Fact]
        public async Task Rejects_bad_notification_emails_before_any_request()
        {
            await using var rig = await EmulatorRig.StartAsync();

            foreach (var bad in new[] { "not-an-email", "a@b.com\nBcc: x@y.com", "a@b.com,c@d.com", "" })
            {
                var error = Assert.Throws<CpException>(() => PartnerApi.JoinNotificationEmails(new[] { "ok@contoso.com", bad }));
                Assert.Contains("-NotificationEmail", error.Message);
            }

            Assert.Equal("a@contoso.com,b@contoso.com", PartnerApi.JoinNotificationEmails(new[] { "a@contoso.com", " b@contoso.com " }));
            Assert.Null(PartnerApi.JoinNotificationEmails(Array.Empty<string>()));
            Assert.Empty(await rig.RequestsAsync());
        }

        [Fact]
        public async Task A_foreign_Location_header_is_refused_without_following_it()
        {
            await using var rig = await EmulatorRig.StartAsync(o => o.Faults.Add(new FaultRule { Kind = FaultKind.Hostile, Variant = HostileVariants.ForeignLocation, Method = "POST", Count = 1 }));

            var error = await Assert.ThrowsAsync<CpException>(() => rig.Api().StartOperationAsync("contoso", "contoso-vm", OperationKind.Publish, null, null, default));

            Assert.Equal(CpErrorKind.UntrustedLocation, error.Kind);
            Assert.DoesNotContain(await rig.RequestsAsync(), r => r.GetProperty("path").GetString()!.Contains("/operations/"));
        }
    }
}
