using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;

namespace CloudPartner.Emulator.Tests
{
    public sealed class LifecycleTests : EmulatorTest
    {
        private static readonly string[] AllSteps = { "displaydummycertify", "displaycertify", "displayprovision", "displaypackage", "publisher-signoff", "live" };

        [Theory]
        [InlineData("succeeded")]
        [InlineData("complete")]
        [InlineData("completed")]
        public async Task NonMigratedPublishSignoffGoLiveLiveCycle(string successWord)
        {
            Server.State.Settings = Server.State.Settings with { SuccessWord = successWord };

            var location = await Publish("contoso-vm", "{\"metadata\":{\"notification-emails\":\"a@b.com,c@d.com\"}}");
            Assert.Equal("/api/operations/contoso$contoso-vm$6$preview?api-version=2017-10-31", location);

            var op = await GetLocation(location);
            Assert.Equal(
                new[] { "id", "submissionType", "createdDateTime", "lastActionDateTime", "status", "messages", "publishingVersion", "offerVersion", "cancellationRequestState", "steps", "previewLinks", "liveLinks", "notificationEmails", "error" },
                op.AsObject().Select(p => p.Key).ToArray());
            Assert.Equal("publish", (string?)op["submissionType"]);
            Assert.Equal("running", (string?)op["status"]);
            Assert.Equal(6, (int)op["publishingVersion"]!);
            Assert.Equal(5, (int)op["offerVersion"]!);
            Assert.Equal("canCancel", (string?)op["cancellationRequestState"]);
            Assert.Equal("a@b.com,c@d.com", (string?)op["notificationEmails"]);
            Assert.Null(op["error"]);
            Assert.Equal(AllSteps, op["steps"]!.AsArray().Select(s => (string)s!["id"]!).ToArray());
            Assert.Equal(new[] { "inProgress", "notStarted", "notStarted", "notStarted", "notStarted", "notStarted" }, StepStatuses(op));
            var first = Step(op, "displaydummycertify");
            Assert.Equal("< 15 min", (string?)first["estimatedTimeFrame"]);
            Assert.Equal("Validate Pre-Requisites", (string?)first["stepName"]);
            Assert.Null(Step(op, "publisher-signoff")["estimatedTimeFrame"]);
            Assert.Equal("~2-3 days", (string?)Step(op, "displaycertify")["estimatedTimeFrame"]);
            Assert.Equal("running", (string?)(await GetJson(Offer("contoso-vm")))["status"]);

            Clock.Advance(TimeSpan.FromMinutes(7.5));
            op = await GetLocation(location);
            Assert.Equal(50, (int)Step(op, "displaydummycertify")["progressPercentage"]!);

            Clock.Advance(TimeSpan.FromMinutes(7.5));
            op = await GetLocation(location);
            var done = Step(op, "displaydummycertify");
            Assert.Equal("complete", (string?)done["status"]);
            Assert.Equal(100, (int)done["progressPercentage"]!);
            Assert.Equal("Step completed.", (string?)done["messages"]![0]!["messageHtml"]);
            Assert.Equal("information", (string?)done["messages"]![0]!["level"]);
            Assert.Equal("2024-05-01T12:15:00.0000000Z", (string?)done["messages"]![0]!["timestamp"]);
            Assert.Equal(new[] { "complete", "inProgress", "notStarted", "notStarted", "notStarted", "notStarted" }, StepStatuses(op));

            Clock.Advance(TimeSpan.FromDays(1));
            op = await GetLocation(location);
            Assert.Equal(50, (int)Step(op, "displaycertify")["progressPercentage"]!);

            // Before signoff the preview slot still holds the live version 5, and go-live is refused.
            await ExpectSlot("preview", 5, "succeeded");
            await ExpectSlot("production", 5, "succeeded");

            using (var early = await Post(Offer("contoso-vm") + "/golive"))
            {
                await ExpectError(early, HttpStatusCode.Conflict, "Conflict", "already running");
            }

            Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromDays(1) + TimeSpan.FromHours(1));
            op = await GetLocation(location);
            Assert.Equal(new[] { "complete", "complete", "complete", "complete", "waitingForPublisherReview", "notStarted" }, StepStatuses(op));
            Assert.Equal("running", (string?)op["status"]);
            Assert.Equal("canCancel", (string?)op["cancellationRequestState"]);
            Assert.Equal(0, (int)Step(op, "publisher-signoff")["progressPercentage"]!);

            Assert.Equal("waitingForPublisherReview", (string?)(await GetJson(Offer("contoso-vm")))["status"]);
            var status = await GetJson(Offer("contoso-vm") + "/status");
            Assert.Equal("waitingForPublisherReview", (string?)status["status"]);
            Assert.Equal("waitingForPublisherReview", (string?)Step(status, "publisher-signoff")["status"]);
            Assert.Equal("a@b.com,c@d.com", (string?)status["notificationEmails"]);
            var preview2 = await GetJson(Offer("contoso-vm") + "/slot/preview");
            Assert.Equal("contoso-vm", (string?)preview2["id"]);
            await ExpectSlot("preview", 6, "waitingForPublisherReview");
            await ExpectSlot("production", 5, "succeeded");

            var running = await GetJson(Offer("contoso-vm") + "/submissions/?status=running");
            var submission = Assert.Single(running.AsArray())!;
            Assert.Equal("staging", (string?)submission["slot"]);
            Assert.Equal("publish", (string?)submission["submissionType"]);

            // Another publish while one waits for signoff answers with the running one (publish is idempotent).
            using (var again = await Post(Offer("contoso-vm") + "/publish"))
            {
                await ExpectStatus(again, HttpStatusCode.Accepted);
                Assert.Equal(location, again.Headers.Location!.OriginalString);
            }

            var liveLocation = await GoLive("contoso-vm");
            Assert.Equal("/api/operations/contoso$contoso-vm$6$production?api-version=2017-10-31", liveLocation);
            var publishDone = await GetLocation(location);
            Assert.Equal(successWord, (string?)publishDone["status"]);
            Assert.Equal("cannotCancel", (string?)publishDone["cancellationRequestState"]);
            Assert.Equal("complete", (string?)Step(publishDone, "publisher-signoff")["status"]);

            var live = await GetLocation(liveLocation);
            Assert.Equal("golive", (string?)live["submissionType"]);
            Assert.Equal("running", (string?)live["status"]);
            Assert.Equal(new[] { "complete", "complete", "complete", "complete", "complete", "inProgress" }, StepStatuses(live));
            Assert.Equal("a@b.com,c@d.com", (string?)live["notificationEmails"]);
            Assert.Equal("running", (string?)(await GetJson(Offer("contoso-vm")))["status"]);
            using (var production = await Get(Offer("contoso-vm") + "/slot/production"))
            {
                Assert.Equal(5, (int)(await ReadJson(production))["version"]!);
            }

            Clock.Advance(TimeSpan.FromDays(1));
            live = await GetLocation(liveLocation);
            Assert.Equal(50, (int)Step(live, "live")["progressPercentage"]!);

            Clock.Advance(TimeSpan.FromDays(1));
            live = await GetLocation(liveLocation);
            Assert.Equal(successWord, (string?)live["status"]);
            Assert.Equal("cannotCancel", (string?)live["cancellationRequestState"]);
            Assert.All(StepStatuses(live), s => Assert.Equal("complete", s));
            Assert.Equal(100, (int)Step(live, "live")["progressPercentage"]!);

            var offer = await GetJson(Offer("contoso-vm"));
            Assert.Equal("succeeded", (string?)offer["status"]);
            Assert.Equal(6, (int)offer["version"]!);
            Assert.Equal(6, (int)(await GetJson(Offer("contoso-vm") + "/slot/production"))["version"]!);
            await ExpectSlot("production", 6, "succeeded");
            await ExpectSlot("preview", 6, "succeeded");
            await ExpectSlot("draft", 6, "succeeded");
            Assert.Equal(
                (await GetJson(Offer("contoso-vm") + "/slot/production")).ToJsonString(),
                (await GetJson(Offer("contoso-vm") + "/slot/preview")).ToJsonString());
            Assert.Equal(6, (int)(await GetJson(Offer("contoso-vm") + "/versions/6"))["version"]!);
            Assert.Equal(5, (int)(await GetJson(Offer("contoso-vm") + "/versions/5"))["version"]!);
            Assert.Equal("succeeded", (string?)(await GetJson(Offer("contoso-vm") + "/status"))["status"]);

            var submissions = await GetJson(Offer("contoso-vm") + "/submissions");
            var items = submissions.AsArray();
            Assert.Equal(3, items.Count);
            var golive = items.Single(i => (string?)i!["submissionType"] == "golive")!;
            Assert.Equal(successWord, (string?)golive["submissionState"]);
            Assert.Equal("production", (string?)golive["slot"]);
            Assert.Equal(6, (int)golive["publishingVersion"]!);
            Assert.True((long)golive["version"]! > 600_000_000_000_000_000L);
            Assert.Equal("a@b.com,c@d.com", (string?)golive["definition"]!["metadata"]!["emails"]);
            Assert.Equal(
                new[] { "id", "offerId", "offerVersion", "offerTypeId", "publisherId", "submissionType", "submissionState", "publishingVersion", "slot", "version", "definition", "changedTime", "createdDateTime" },
                golive.AsObject().Select(p => p.Key).ToArray());
            var filtered = await GetJson(Offer("contoso-vm") + "/submissions?submissionState=" + successWord.ToUpperInvariant());
            Assert.Equal(2, filtered.AsArray().Count);

            // A new publish starts from the new version.
            Assert.EndsWith("$7$preview?api-version=2017-10-31", await Publish("contoso-vm"), StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("succeeded")]
        [InlineData("completed")]
        public async Task MigratedOfferUsesGuidLocationsAndNoNotificationEmails(string successWord)
        {
            Server.State.Settings = Server.State.Settings with { SuccessWord = successWord };
            Server.State.Settings = Server.State.Settings.WithStepDuration("displaycertify", TimeSpan.FromMinutes(1));
            Server.State.Settings = Server.State.Settings.WithStepDuration("displayprovision", TimeSpan.FromMinutes(1));
            var location = await Publish("test-vm", "{\"metadata\":{\"notification-emails\":\"ignored@contoso.com\"}}");
            Assert.Matches("^/api/publishers/contoso/offers/test-vm/operations/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\?api-version=2017-10-31$", location);
            var op = await GetLocation(location);
            Assert.Null(op["notificationEmails"]);
            Assert.Equal(1252868276L, (long)op["publishingVersion"]!);
            var submission = (await GetJson(Offer("test-vm") + "/submissions"))[0]!;
            Assert.Null(submission["definition"]!["metadata"]!["emails"]);
            Assert.Null((await GetJson(Offer("test-vm") + "/status"))["notificationEmails"]);

            Clock.Advance(TimeSpan.FromMinutes(15 + 1 + 1 + 60));
            Assert.Equal("waitingForPublisherReview", (string?)(await GetJson(Offer("test-vm")))["status"]);
            var liveLocation = await GoLive("test-vm");
            Assert.StartsWith("/api/publishers/contoso/offers/test-vm/operations/", liveLocation, StringComparison.Ordinal);
            Assert.NotEqual(location, liveLocation);
            Clock.Advance(TimeSpan.FromDays(2));
            Assert.Equal(successWord, (string?)(await GetLocation(liveLocation))["status"]);
            var offer = await GetJson(Offer("test-vm"));
            Assert.Equal(1252868276L, (long)offer["version"]!);
            Assert.Equal("succeeded", (string?)offer["status"]);
        }

        [Fact]
        public async Task BothUrlFormsReachEveryOperationAndPercentEncodedDollarWorks()
        {
            var legacy = await Publish("contoso-vm");
            var op = await GetLocation(legacy);
            var id = (string)op["id"]!;
            var byGuid = await GetJson(Offer("contoso-vm") + "/operations/" + id);
            Assert.Equal(op.ToJsonString(), byGuid.ToJsonString());
            var withSlash = await GetJson(Offer("contoso-vm") + "/operations/" + id + "/");
            Assert.Equal(id, (string?)withSlash["id"]);
            var encoded = await GetJson("/api/operations/contoso%24contoso-vm%246%24preview");
            Assert.Equal(id, (string?)encoded["id"]);
            var upper = await GetJson("/api/operations/contoso%24contoso-vm%246%24Preview");
            Assert.Equal(id, (string?)upper["id"]);

            var guidLocation = await Publish("test-vm");
            var migrated = await GetLocation(guidLocation);
            var legacyForm = await GetJson("/api/operations/contoso$test-vm$1252868276$preview");
            Assert.Equal((string?)migrated["id"], (string?)legacyForm["id"]);
        }

        [Fact]
        public async Task UnknownOperationsAre404()
        {
            foreach (var path in new[]
            {
                Offer("contoso-vm") + "/operations/" + Guid.NewGuid().ToString("D"),
                Offer("contoso-vm") + "/operations/not-a-guid",
                "/api/operations/contoso$contoso-vm$99$preview",
                "/api/operations/contoso$contoso-vm$6$production",
                "/api/operations/contoso$nothing$1$preview",
                "/api/operations/garbage",
            })
            {
                using var response = await Get(path);
                await ExpectError(response, HttpStatusCode.NotFound, "NotFound");
            }
        }

        [Fact]
        public async Task OperationLocationModeAnswersEachRequestInTheFormTheDocumentationGivesIt()
        {
            // 2018 documentation: publish → the relative non-migrated form; go-live and cancel → the absolute GUID form.
            await Admin(HttpMethod.Put, "/_emulator/settings", "{\"legacyOperationLocation\": true}");
            using var publish = await Post(Offer("contoso-vm") + "/publish");
            Assert.Equal(HttpStatusCode.Accepted, publish.StatusCode);
            Assert.Null(publish.Headers.Location);
            Assert.Equal("/api/operations/contoso$contoso-vm$6$preview?api-version=2017-10-31", Assert.Single(publish.Headers.GetValues("Operation-Location")));
            Assert.Equal("running", (string?)(await GetLocation("/api/operations/contoso$contoso-vm$6$preview?api-version=2017-10-31"))["status"]);

            using var cancel = await Post(Offer("contoso-vm") + "/cancel");
            var value = Assert.Single(cancel.Headers.GetValues("Operation-Location"));
            var expectedPrefix = Server.BaseAddress.AbsoluteUri.TrimEnd('/') + "/api/publishers/contoso/offers/contoso-vm/operations/";
            Assert.StartsWith(expectedPrefix, value, StringComparison.Ordinal);
            Assert.DoesNotContain("api-version", value, StringComparison.Ordinal);
            Assert.True(Guid.TryParse(value[expectedPrefix.Length..], out _));

            using (var raw = await Client.GetAsync(value))
            {
                Assert.Equal(HttpStatusCode.BadRequest, raw.StatusCode);
            }

            var op = await ReadJson(await Client.GetAsync(value + "?" + ApiVersion));
            Assert.NotNull((string?)op["status"]);
        }

        [Fact]
        public async Task RetryAfterIsSentOnOperationGetsWhenConfigured()
        {
            Server.State.Settings = Server.State.Settings with { OperationRetryAfterSeconds = 42 };
            var location = await Publish("contoso-vm");
            using (var byLocation = await Client.GetAsync(location))
            {
                Assert.Equal(TimeSpan.FromSeconds(42), byLocation.Headers.RetryAfter!.Delta);
            }

            var id = (string)(await GetLocation(location))["id"]!;
            using (var byGuid = await Get(Offer("contoso-vm") + "/operations/" + id))
            {
                Assert.Equal(TimeSpan.FromSeconds(42), byGuid.Headers.RetryAfter!.Delta);
            }

            using var offer = await Get(Offer("contoso-vm"));
            Assert.Null(offer.Headers.RetryAfter);
            Server.State.Settings = Server.State.Settings with { OperationRetryAfterSeconds = null };
            using var none = await Client.GetAsync(location);
            Assert.Null(none.Headers.RetryAfter);
        }

        [Fact]
        public async Task TimeScaleShortensTheSteps()
        {
            Server.State.Settings = Server.State.Settings with { TimeScale = 100_000 };
            var location = await Publish("contoso-vm");

            // Packaging starts after 15 min + 2 d + 1 d = 260 100 s of emulator time (2.601 s at this scale);
            // signoff is reached 1 h later (2.637 s).
            Clock.Advance(TimeSpan.FromSeconds(2.62));
            Assert.Equal("inProgress", (string?)Step(await GetLocation(location), "displaypackage")["status"]);
            Clock.Advance(TimeSpan.FromSeconds(0.02));
            Assert.Equal("waitingForPublisherReview", (string?)Step(await GetLocation(location), "publisher-signoff")["status"]);
        }

        [Fact]
        public async Task PublishBodyIsOptionalButMustBeValidJson()
        {
            using (var invalid = await Post(Offer("contoso-vm") + "/publish", "{'metadata': {'notification-emails': 'jdoe@contoso.com'}}"))
            {
                await ExpectError(invalid, HttpStatusCode.BadRequest, "BadRequest");
            }

            using (var wrongType = await Post(Offer("contoso-vm") + "/publish", "{\"metadata\":{\"notification-emails\":42}}"))
            {
                await ExpectError(wrongType, HttpStatusCode.BadRequest, "BadRequest");
            }

            Assert.DoesNotContain(Server.State.GetOperations(), o => o.OfferId == "contoso-vm" && o.Status == "running");
            var location = await Publish("contoso-vm", "{\"metadata\":{\"notification-emails\":[\"x@contoso.com\",\"y@contoso.com\"]}}");
            Assert.Equal("x@contoso.com,y@contoso.com", (string?)(await GetLocation(location))["notificationEmails"]);
        }

        [Fact]
        public async Task PublishCanBeRejectedWith422()
        {
            await Admin(HttpMethod.Put, "/_emulator/offers/contoso/contoso-app/settings", "{\"rejectPublishMessage\": \"The offer failed validation: plan has no package.\"}");
            using var response = await Post(Offer("contoso-app") + "/publish");
            await ExpectError(response, (HttpStatusCode)422, "UnprocessableEntity", "no package");
        }

        [Fact]
        public async Task ZeroDurationsReachSignoffImmediately()
        {
            foreach (var step in new[] { "displaydummycertify", "displaycertify", "displayprovision", "displaypackage", "live" })
            {
                Server.State.Settings = Server.State.Settings.WithStepDuration(step, TimeSpan.Zero);
            }

            var location = await Publish("contoso-app");
            Assert.Equal("waitingForPublisherReview", (string?)Step(await GetLocation(location), "publisher-signoff")["status"]);
            var live = await GoLive("contoso-app");
            Assert.Equal("succeeded", (string?)(await GetLocation(live))["status"]);
            Assert.Equal(2, (int)(await GetJson(Offer("contoso-app")))["version"]!);
        }

        /// <summary>The slot's document says the version and status the offer's cycle has reached.</summary>
        private async Task ExpectSlot(string slot, int version, string status)
        {
            var document = await GetJson(Offer("contoso-vm") + "/slot/" + slot);
            Assert.Equal(version, (int)document["version"]!);
            Assert.Equal(status, (string?)document["status"]);
        }
    }
}
