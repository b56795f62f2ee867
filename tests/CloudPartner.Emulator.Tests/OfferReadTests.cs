using System;
using System.Linq;
using System.Net;
using System.Text.Json;
using System.Threading.Tasks;
using Xunit;

namespace CloudPartner.Emulator.Tests
{
    public sealed class OfferReadTests : EmulatorTest
    {
        [Fact]
        public async Task PublishersHaveTheListShape()
        {
            var publishers = await GetJson("/api/publishers");
            var contoso = publishers.AsArray().Single(p => (string?)p!["id"] == "contoso")!;
            Assert.Equal("Contoso", (string?)contoso["definition"]!["displayText"]);
            Assert.Equal(1234567, (int)contoso["definition"]!["sellerId"]!);
            Assert.Contains("microsoft-azure-virtualmachines", contoso["definition"]!["offerTypeCategories"]!.AsArray().Select(c => (string?)c));
            var single = await GetJson("/api/publishers/fabrikam");
            Assert.Equal("fabrikam", (string?)single["id"]);
        }

        [Fact]
        public async Task OfferListHasSummaryItemsWithPostMigrationFieldsForMigratedOffers()
        {
            using var response = await Get("/api/publishers/contoso/offers");
            var text = await response.Content.ReadAsStringAsync();
            using var document = JsonDocument.Parse(text);
            var items = document.RootElement.EnumerateArray().ToList();
            Assert.Contains(items, i => i.GetProperty("id").GetString() == "contoso-app");

            var vm = items.Single(i => i.GetProperty("id").GetString() == "contoso-vm");
            Assert.Equal(new[] { "offerTypeId", "publisherId", "status", "version", "id", "definition", "changedTime" }, PropertyNames(vm));
            Assert.Equal(new[] { "displayText" }, PropertyNames(vm.GetProperty("definition")));
            Assert.Equal("failed", vm.GetProperty("status").GetString());
            Assert.Equal(5, vm.GetProperty("version").GetInt64());

            var migrated = items.Single(i => i.GetProperty("id").GetString() == "test-vm");
            Assert.Equal(
                new[] { "offerTypeId", "publisherId", "status", "lockStatus", "pcMigrationStatus", "pcRedirectUri", "isvUpgradeRequest", "offerTypeChanges", "pricingNotRecalculatedRegions", "offerTypeVersionsOverride", "version", "id", "definition", "changedTime" },
                PropertyNames(migrated));
            Assert.Equal("migrated", migrated.GetProperty("pcMigrationStatus").GetString());
            Assert.Equal("2022-06-02T12:25:56.651", migrated.GetProperty("changedTime").GetString());
            Assert.Equal(1252868275, migrated.GetProperty("version").GetInt64());
        }

        [Fact]
        public async Task OfferListSupportsTheOfferTypeFilter()
        {
            var apps = await GetJson("/api/publishers/contoso/offers?$filter=offerTypeId eq 'microsoft-azure-applications'");
            Assert.Equal(new[] { "contoso-app" }, apps.AsArray().Select(o => (string)o!["id"]!).ToArray());
            var vms = await GetJson("/api/publishers/contoso/offers?$filter=" + Uri.EscapeDataString("offerTypeId eq 'microsoft-azure-virtualmachines'"));
            Assert.Equal(new[] { "contoso-vm", "test-vm", "contoso-large" }, vms.AsArray().Select(o => (string)o!["id"]!).ToArray());
            var none = await GetJson("/api/publishers/contoso/offers?$filter=offerTypeId eq 'nothing'");
            Assert.Empty(none.AsArray());
            using var bad = await Get("/api/publishers/contoso/offers?$filter=startswith(id,'x')");
            await ExpectError(bad, HttpStatusCode.BadRequest, "BadRequest");
        }

        [Fact]
        public async Task UnknownPublisherOrOfferIs404()
        {
            using var publisher = await Get("/api/publishers/nobody/offers");
            await ExpectError(publisher, HttpStatusCode.NotFound, "NotFound", "nobody");
            using var offer = await Get(Offer("no-such-offer"));
            await ExpectError(offer, HttpStatusCode.NotFound, "NotFound", "no-such-offer");
            using var status = await Get(Offer("no-such-offer") + "/status");
            await ExpectError(status, HttpStatusCode.NotFound, "NotFound");
        }

        [Fact]
        public async Task NonMigratedOfferIsTheFullDocumentWithAnETag()
        {
            using var response = await Get(Offer("contoso-vm"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
            var etag = response.Headers.ETag;
            Assert.NotNull(etag);
            Assert.True(etag!.IsWeak);
            Assert.Equal("W/\"datetime'2017-06-07T06%3A15%3A39.7349221Z'\"", etag.ToString());

            var text = await response.Content.ReadAsStringAsync();
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            Assert.Equal(new[] { "offerTypeId", "publisherId", "status", "id", "version", "definition", "changedTime" }, PropertyNames(root));
            var plan = root.GetProperty("definition").GetProperty("plans")[0];
            Assert.Equal("contososkuidentifier", plan.GetProperty("planId").GetString());
            Assert.True(plan.GetProperty("microsoft-azure-virtualmachines.vmImages").TryGetProperty("1.0.1", out _));
            Assert.Contains("&sig=WlDo6Q4xwYH%2B5QEJbItPUVdgHhBcrVxPBmntZ2vU96w%3D&", text, StringComparison.Ordinal);
        }

        [Fact]
        public async Task MigratedOfferHasNoETagOnGetAndCarriesTheLegacyKeys()
        {
            using var response = await Get(Offer("test-vm"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Null(response.Headers.ETag);
            var json = await ReadJson(response);
            Assert.Equal("migrated", (string?)json["pcMigrationStatus"]);
            Assert.Equal("2022-06-02T12:25:56.651", (string?)json["changedTime"]);
            var offer = json["definition"]!["offer"]!.AsObject();
            Assert.True(offer.ContainsKey("microsoft-azure-corevm.legacyOfferId"));
            Assert.True(offer.ContainsKey("microsoft-azure-corevm.legacyPublisherId"));
        }

        [Fact]
        public async Task EtagOnGetIsSwitchablePerOffer()
        {
            await Admin(System.Net.Http.HttpMethod.Put, "/_emulator/offers/contoso/test-vm/settings", "{\"etagOnGet\": true}");
            using (var withTag = await Get(Offer("test-vm")))
            {
                Assert.NotNull(withTag.Headers.ETag);
            }

            Server.State.UpdateOfferSettings("contoso", "contoso-vm", etagOnGet: false);
            using var without = await Get(Offer("contoso-vm"));
            Assert.Null(without.Headers.ETag);
        }

        [Fact]
        public async Task VersionsAnswerPublishedVersionsAndTheCurrentOne()
        {
            var five = await GetJson(Offer("contoso-vm") + "/versions/5");
            Assert.Equal(5, (int)five["version"]!);
            var current = await GetJson(Offer("test-vm") + "/versions/1252868275");
            Assert.Equal("test-vm", (string?)current["id"]);
            using var missing = await Get(Offer("contoso-vm") + "/versions/99");
            await ExpectError(missing, HttpStatusCode.NotFound, "NotFound");
            using var bad = await Get(Offer("contoso-vm") + "/versions/abc");
            await ExpectError(bad, HttpStatusCode.BadRequest, "BadRequest");
        }

        [Fact]
        public async Task SlotsAreCaseInsensitiveAndNeverPreviewedSlotsAre404()
        {
            using var draft = await Get(Offer("contoso-vm") + "/slot/Draft");
            Assert.Equal(HttpStatusCode.OK, draft.StatusCode);
            Assert.NotNull(draft.Headers.ETag);
            using var draftLower = await Get(Offer("contoso-vm") + "/slot/draft");
            Assert.Equal(await (await Get(Offer("contoso-vm"))).Content.ReadAsStringAsync(), await draftLower.Content.ReadAsStringAsync());

            var production = await GetJson(Offer("contoso-vm") + "/slot/PRODUCTION");
            Assert.Equal(5, (int)production["version"]!);
            // A live offer's preview slot holds what went live.
            Assert.Equal(production.ToJsonString(), (await GetJson(Offer("contoso-vm") + "/slot/preview")).ToJsonString());
            using var testPreview = await Get(Offer("test-vm") + "/slot/Preview");
            await ExpectError(testPreview, HttpStatusCode.NotFound, "NotFound");
            using var testProduction = await Get(Offer("test-vm") + "/slot/production");
            await ExpectError(testProduction, HttpStatusCode.NotFound, "NotFound");
            using var invalid = await Get(Offer("test-vm") + "/slot/staging2");
            await ExpectError(invalid, HttpStatusCode.BadRequest, "BadRequest");
        }

        [Fact]
        public async Task StatusOfANeverPublishedOfferHasNoSteps()
        {
            var status = await GetJson(Offer("test-vm") + "/status");
            Assert.Equal("neverPublished", (string?)status["status"]);
            Assert.Empty(status["steps"]!.AsArray());
            Assert.Empty(status["messages"]!.AsArray());
            Assert.NotNull(status["previewLinks"]);
            Assert.NotNull(status["liveLinks"]);
            Assert.Null(status["notificationEmails"]);
        }

        [Fact]
        public async Task SeededContosoVmShowsTheFailedCertificationOfTheSample()
        {
            var status = await GetJson(Offer("contoso-vm") + "/status");
            Assert.Equal("failed", (string?)status["status"]);
            var certification = Step(status, "displaycertify");
            Assert.Equal("blocked", (string?)certification["status"]);
            Assert.Equal("No virtual machine image was found for the plan contoso.", (string?)certification["messages"]![0]!["messageHtml"]);
            Assert.Equal("jdoe@contoso.com", (string?)status["notificationEmails"]);
            var submissions = await GetJson(Offer("contoso-vm") + "/submissions");
            Assert.Equal("failed", (string?)Assert.Single(submissions.AsArray())!["submissionState"]);
        }
    }
}
