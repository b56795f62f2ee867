using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;

namespace CloudPartner.Emulator.Tests
{
    public sealed class OfferPutTests : EmulatorTest
    {
        private const string NewOffer = """
            {
              "publisherId": "contoso",
              "offerTypeId": "microsoft-azure-virtualmachines",
              "id": "brand-new",
              "offerTypeVersions": { "microsoft-azure-virtualmachines": 87, "microsoft-azure-marketplace": 39 },
              "definition": { "displayText": "Brand new", "offer": { "microsoft-azure-marketplace.title": "New" }, "plans": [] }
            }
            """;

        private const string InvalidResourceIdBody = "{\"error\":{\"code\":\"InvalidResourceId\",\"message\":\"Offer ID already exists. If you wanted to update an existing offer, please ensure If-Match header is specified as per documentation.\"}}";

        [Fact]
        public async Task CreateIs201WithTheStoredDocumentAndAnETag()
        {
            using var response = await Put(Offer("brand-new"), NewOffer);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            Assert.NotNull(response.Headers.ETag);
            var json = await ReadJson(response, HttpStatusCode.Created);
            Assert.Equal("neverPublished", (string?)json["status"]);
            Assert.Equal(1, (int)json["version"]!);
            Assert.Equal(Start, DateTimeOffset.Parse((string)json["changedTime"]!, System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(87, (int)json["offerTypeVersions"]!["microsoft-azure-virtualmachines"]!);

            var list = await GetJson("/api/publishers/contoso/offers");
            Assert.Contains(list.AsArray(), o => (string?)o!["id"] == "brand-new");
            using var get = await Get(Offer("brand-new"));
            Assert.Equal(response.Headers.ETag!.ToString(), get.Headers.ETag!.ToString());
        }

        [Fact]
        public async Task ExistingOfferWithoutIfMatchIs409InvalidResourceId()
        {
            var document = await (await Get(Offer("contoso-vm"))).Content.ReadAsStringAsync();
            using var response = await Put(Offer("contoso-vm"), document);
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            Assert.Equal(InvalidResourceIdBody, await response.Content.ReadAsStringAsync());
        }

        [Fact]
        public async Task IfMatchStarIsLastOneWinsAnd200()
        {
            var document = JsonNode.Parse(await (await Get(Offer("contoso-vm"))).Content.ReadAsStringAsync())!;
            document["definition"]!["displayText"] = "Changed";
            using var response = await Put(Offer("contoso-vm"), document.ToJsonString(), "*");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.NotNull(response.Headers.ETag);
            Assert.Equal("Changed", (string?)(await GetJson(Offer("contoso-vm")))["definition"]!["displayText"]);
        }

        [Fact]
        public async Task MatchingETagIs200AndStaleETagIs412()
        {
            using var get = await Get(Offer("contoso-vm"));
            var etag = get.Headers.ETag!.ToString();
            var document = await get.Content.ReadAsStringAsync();

            using var first = await Put(Offer("contoso-vm"), document, etag);
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            var newTag = first.Headers.ETag!.ToString();
            Assert.NotEqual(etag, newTag);

            // Same clock instant, still a new ETag on every change.
            using var second = await Put(Offer("contoso-vm"), document, newTag);
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
            Assert.NotEqual(newTag, second.Headers.ETag!.ToString());

            using var stale = await Put(Offer("contoso-vm"), document, etag);
            await ExpectError(stale, HttpStatusCode.PreconditionFailed, "PreconditionFailed");

            using var unknownOffer = await Put(Offer("not-there"), NewOffer, etag);
            await ExpectError(unknownOffer, HttpStatusCode.PreconditionFailed, "PreconditionFailed");
        }

        [Fact]
        public async Task TheETagPropertyInTheBodyIsIgnored()
        {
            using var get = await Get(Offer("contoso-vm"));
            var etag = get.Headers.ETag!.ToString();
            var document = JsonNode.Parse(await get.Content.ReadAsStringAsync())!;
            document["eTag"] = etag;
            using var first = await Put(Offer("contoso-vm"), document.ToJsonString(), "*");
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);

            // The body still carries the old eTag, the header carries the current one: the header wins.
            using var second = await Put(Offer("contoso-vm"), document.ToJsonString(), first.Headers.ETag!.ToString());
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
            using var third = await Put(Offer("contoso-vm"), document.ToJsonString(), etag);
            Assert.Equal(HttpStatusCode.PreconditionFailed, third.StatusCode);
        }

        [Theory]
        [InlineData("{\"id\":\"x\",\"definition\":{}}")]
        [InlineData("{\"offerTypeId\":\"\",\"definition\":{}}")]
        [InlineData("{\"offerTypeId\":null}")]
        public async Task MissingOfferTypeIdIs400(string body)
        {
            using var response = await Put(Offer("x"), body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("{\"error\":{\"code\":\"BadRequest\",\"message\":\"The argument: 'OfferTypeId' cannot be null or empty.\"}}", await response.Content.ReadAsStringAsync());
        }

        [Theory]
        [InlineData("{ not json")]
        [InlineData("[1,2,3]")]
        [InlineData("")]
        [InlineData("{\"offerTypeId\":\"a\",\"offerTypeId\":\"b\"}")]
        [InlineData("{\"offerTypeId\":\"a\",}")]
        public async Task UnparseableBodyIs400(string body)
        {
            using var response = await Put(Offer("x"), body);
            await ExpectError(response, HttpStatusCode.BadRequest, "BadRequest");
        }

        [Fact]
        public async Task LegacyIdKeysAreRefusedAndAcceptedOnceStripped()
        {
            var document = JsonNode.Parse(await (await Get(Offer("test-vm"))).Content.ReadAsStringAsync())!;
            using (var refused = await Put(Offer("test-vm"), document.ToJsonString(), "*"))
            {
                await ExpectError(refused, HttpStatusCode.BadRequest, "BadRequest", "microsoft-azure-corevm.legacyOfferId");
            }

            var offer = document["definition"]!["offer"]!.AsObject();
            offer.Remove("microsoft-azure-corevm.legacyOfferId");
            using (var stillRefused = await Put(Offer("test-vm"), document.ToJsonString(), "*"))
            {
                await ExpectError(stillRefused, HttpStatusCode.BadRequest, "BadRequest", "microsoft-azure-corevm.legacyPublisherId");
            }

            offer.Remove("microsoft-azure-corevm.legacyPublisherId");
            document["definition"]!["plans"]![0]!["microsoft-azure-virtualmachines.legacyOfferId"] = "in-a-plan";
            using (var planRefused = await Put(Offer("test-vm"), document.ToJsonString(), "*"))
            {
                await ExpectError(planRefused, HttpStatusCode.BadRequest, "BadRequest", "microsoft-azure-virtualmachines.legacyOfferId");
            }

            document["definition"]!["plans"]![0]!.AsObject().Remove("microsoft-azure-virtualmachines.legacyOfferId");
            using var accepted = await Put(Offer("test-vm"), document.ToJsonString(), "*");
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);

            // A migrated offer's PUT answer carries an ETag even though its GETs do not; changedTime keeps the migrated format.
            Assert.NotNull(accepted.Headers.ETag);
            var stored = await ReadJson(accepted);
            Assert.Equal("2024-05-01T12:00:00.000", (string?)stored["changedTime"]);
            Assert.Equal(1252868275L, (long)stored["version"]!);
        }

        [Fact]
        public async Task ServerManagedFieldsAreKeptByTheServer()
        {
            var document = JsonNode.Parse(await (await Get(Offer("contoso-vm"))).Content.ReadAsStringAsync())!;
            document["status"] = "succeeded";
            document["version"] = 42;
            document["id"] = "something-else";
            using var response = await Put(Offer("contoso-vm"), document.ToJsonString(), "*");
            var stored = await ReadJson(response);
            Assert.Equal("failed", (string?)stored["status"]);
            Assert.Equal(5, (int)stored["version"]!);
            Assert.Equal("contoso-vm", (string?)stored["id"]);
            Assert.Equal("2024-05-01T12:00:00.0000000Z", (string?)stored["changedTime"]);
        }

        [Fact]
        public async Task PutToAnUnknownPublisherIs404()
        {
            using var response = await Put(Offer("x", "nobody"), NewOffer);
            await ExpectError(response, HttpStatusCode.NotFound, "NotFound");
        }

        [Fact]
        public async Task NewOffersCanBeCreatedMigrated()
        {
            Server.State.Settings = Server.State.Settings with { NewOffersMigrated = true };
            using var response = await Put(Offer("brand-new"), NewOffer);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            Assert.NotNull(response.Headers.ETag);
            using var get = await Get(Offer("brand-new"));
            Assert.Null(get.Headers.ETag);
            Assert.Equal("migrated", (string?)(await GetJson("/api/publishers/contoso/offers?$filter=id eq 'brand-new'"))[0]!["pcMigrationStatus"]);
            Assert.True(Server.State.GetOfferSettings("contoso", "brand-new").Migrated);
        }
    }
}
