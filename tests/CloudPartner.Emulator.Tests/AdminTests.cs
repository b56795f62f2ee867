using System;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using Xunit;

namespace CloudPartner.Emulator.Tests
{
    public sealed class AdminTests : EmulatorTest
    {
        [Fact]
        public async Task IndexListsTheRoutesAndUnknownRoutesAre404()
        {
            var index = await Admin(HttpMethod.Get, "/_emulator/");
            Assert.Contains(index["routes"]!.AsArray(), r => ((string?)r)!.Contains("/_emulator/faults", StringComparison.Ordinal));
            await Admin(HttpMethod.Get, "/_emulator", expected: HttpStatusCode.OK);
            await Admin(HttpMethod.Get, "/_emulator/nothing", expected: HttpStatusCode.NotFound);
            await Admin(HttpMethod.Put, "/_emulator/requests", "{}", HttpStatusCode.MethodNotAllowed);
        }

        [Fact]
        public async Task AdminNeedsNoTokenNorApiVersion()
        {
            using var anonymous = NewClient(Server, null);
            using var response = await anonymous.GetAsync("/_emulator/settings");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        [Fact]
        public async Task ClockAdvanceMovesTheManualClockAndDrivesOperations()
        {
            var location = await Publish("contoso-app");
            var clock = await Admin(HttpMethod.Post, "/_emulator/clock/advance", "{\"seconds\": 900}");
            Assert.True((bool)clock["manual"]!);
            Assert.Equal("2024-05-01T12:15:00.0000000Z", (string?)clock["now"]);
            Assert.Equal(Start.AddMinutes(15), Clock.UtcNow);
            Assert.Equal("complete", (string?)Step(await GetLocation(location), "displaydummycertify")["status"]);

            await Admin(HttpMethod.Post, "/_emulator/clock/set", "{\"time\": \"2024-05-10T00:00:00Z\"}");
            Assert.Equal("waitingForPublisherReview", (string?)Step(await GetLocation(location), "publisher-signoff")["status"]);
            await Admin(HttpMethod.Post, "/_emulator/clock/advance", "{\"seconds\": -5}", HttpStatusCode.BadRequest);
            await Admin(HttpMethod.Post, "/_emulator/clock/advance", "{}", HttpStatusCode.BadRequest);
        }

        [Fact]
        public async Task ClockAdvanceShiftsAnOffsetOnTheSystemClock()
        {
            await using var server = await EmulatorServer.StartAsync();
            using var client = NewClient(server, Token);
            using var response = await client.PostAsync("/_emulator/clock/advance", new StringContent("{\"seconds\": 86400}"));
            var clock = await ReadJson(response);
            Assert.False((bool)clock["manual"]!);
            var now = DateTimeOffset.Parse((string)clock["now"]!, CultureInfo.InvariantCulture);
            Assert.True(now > DateTimeOffset.UtcNow.AddHours(23));
            Assert.True(server.State.UtcNow > DateTimeOffset.UtcNow.AddHours(23));
            using var set = await client.PostAsync("/_emulator/clock/set", new StringContent("{\"time\": \"2024-05-10T00:00:00Z\"}"));
            Assert.Equal(HttpStatusCode.Conflict, set.StatusCode);
        }

        [Fact]
        public async Task OperationsListsEveryOperationOfEveryOffer()
        {
            await Publish("contoso-app");
            await Publish("test-vm");
            var operations = (await Admin(HttpMethod.Get, "/_emulator/operations")).AsArray();
            Assert.Equal(3, operations.Count);
            var seeded = operations[0]!;
            Assert.Equal("contoso-vm", (string?)seeded["offerId"]);
            Assert.Equal("failed", (string?)seeded["status"]);
            var migrated = operations.Single(o => (string?)o!["offerId"] == "test-vm")!;
            Assert.Equal("publish", (string?)migrated["submissionType"]);
            Assert.Equal("running", (string?)migrated["status"]);
            Assert.Equal("staging", (string?)migrated["slot"]);
            Assert.StartsWith("/api/publishers/contoso/offers/test-vm/operations/", (string?)migrated["location"], StringComparison.Ordinal);
            Assert.Equal("contoso$test-vm$1252868276$preview", (string?)migrated["legacyId"]);
            Assert.Equal(3, Server.State.GetOperations().Count);
        }

        [Fact]
        public async Task ResetReseedsAndForgetsEverything()
        {
            using (await Put(Offer("brand-new"), "{\"offerTypeId\":\"microsoft-azure-corevm\",\"id\":\"brand-new\"}"))
            {
            }

            await Publish("contoso-app");
            Server.State.AddFault(new FaultRule { Kind = FaultKind.Latency, LatencyMs = 1 });
            Server.State.Settings = Server.State.Settings with { SuccessWord = "complete" };
            await Admin(HttpMethod.Post, "/_emulator/reset", expected: HttpStatusCode.NoContent);

            using (var gone = await Get(Offer("brand-new")))
            {
                Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
            }

            Assert.Empty(Server.State.GetFaults());
            Assert.Equal("succeeded", Server.State.Settings.SuccessWord);
            Assert.Single(Server.State.GetOperations());
            Assert.Single(Server.State.GetRequests());
            Assert.Equal("neverPublished", (string?)(await GetJson(Offer("contoso-app")))["status"]);
        }

        [Fact]
        public async Task GlobalSettingsCanBeReadAndChanged()
        {
            var settings = await Admin(
                HttpMethod.Put,
                "/_emulator/settings",
                "{\"successWord\":\"Completed\",\"operationRetryAfterSeconds\":10,\"synchronousCancel\":true,\"timeScale\":1000,\"legacyOperationLocation\":true,\"tokenLifetimeSeconds\":null,\"stepDurations\":{\"live\":60}}");
            Assert.Equal("completed", (string?)settings["successWord"]);
            Assert.Equal(10, (double)settings["operationRetryAfterSeconds"]!);
            Assert.True((bool)settings["synchronousCancel"]!);
            Assert.True((bool)settings["legacyOperationLocation"]!);
            Assert.Equal(1000, (double)settings["timeScale"]!);
            Assert.Null(settings["tokenLifetimeSeconds"]);
            Assert.Equal(60, (double)settings["stepDurations"]!["live"]!);
            Assert.Equal("completed", Server.State.Settings.SuccessWord);
            Assert.Equal(60, Server.State.Settings.StepDurations["live"]);

            await Admin(HttpMethod.Put, "/_emulator/settings", "{\"successWord\":\"done\"}", HttpStatusCode.BadRequest);
            await Admin(HttpMethod.Put, "/_emulator/settings", "{\"timeScale\":0}", HttpStatusCode.BadRequest);
            await Admin(HttpMethod.Put, "/_emulator/settings", "{\"colour\":\"red\"}", HttpStatusCode.BadRequest);
            await Admin(HttpMethod.Put, "/_emulator/settings", "{\"stepDurations\":{\"publisher-signoff\":5}}", HttpStatusCode.BadRequest);
        }

        [Fact]
        public async Task OfferSettingsCanBeReadAndChanged()
        {
            var settings = await Admin(HttpMethod.Get, "/_emulator/offers/contoso/contoso-vm/settings");
            Assert.False((bool)settings["migrated"]!);
            Assert.True((bool)settings["etagOnGet"]!);
            Assert.False((bool)settings["failCertification"]!);

            settings = await Admin(HttpMethod.Put, "/_emulator/offers/contoso/contoso-vm/settings", "{\"migrated\":true}");
            Assert.True((bool)settings["migrated"]!);
            Assert.True((bool)settings["etagOnGet"]!);
            var location = await Publish("contoso-vm");
            Assert.StartsWith("/api/publishers/contoso/offers/contoso-vm/operations/", location, StringComparison.Ordinal);
            Assert.Null((await GetLocation(location))["notificationEmails"]);

            await Admin(HttpMethod.Put, "/_emulator/offers/contoso/nothing/settings", "{\"migrated\":true}", HttpStatusCode.NotFound);
            await Admin(HttpMethod.Put, "/_emulator/offers/contoso/contoso-vm/settings", "{\"migrated\":\"yes\"}", HttpStatusCode.BadRequest);
        }

        [Fact]
        public void InProcessStateValidatesItsInput()
        {
            Assert.Throws<ArgumentException>(() => Server.State.Settings = Server.State.Settings with { SuccessWord = "finished" });
            Assert.Throws<ArgumentException>(() => Server.State.Settings = Server.State.Settings with { TimeScale = -1 });
            Assert.Throws<ArgumentException>(() => Server.State.Settings = Server.State.Settings.WithStepDuration("nope", TimeSpan.Zero));
            Assert.Throws<ArgumentException>(() => Server.State.UpdateOfferSettings("contoso", "nothing", migrated: true));
            Server.State.AddPublisher("northwind", "Northwind", 42);
            Server.State.SeedOffer("northwind", "{\"offerTypeId\":\"microsoft-azure-virtualmachines\",\"id\":\"nw\",\"version\":3,\"definition\":{\"displayText\":\"NW\"}}", migrated: true);
            Assert.Contains("\"id\":\"nw\"", Server.State.GetOfferJson("northwind", "nw"), StringComparison.Ordinal);
            Assert.True(Server.State.GetOfferSettings("northwind", "nw").Migrated);
            Assert.False(Server.State.GetOfferSettings("northwind", "nw").EtagOnGet);
        }
    }
}
