using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using Xunit;

namespace CloudPartner.Emulator.Tests
{
    public sealed class CancelAndFailureTests : EmulatorTest
    {
        [Fact]
        public async Task CancelingARunningPublishCancelsTheRemainingSteps()
        {
            var location = await Publish("contoso-vm");
            Clock.Advance(TimeSpan.FromMinutes(20));
            using var cancel = await Post(Offer("contoso-vm") + "/cancel", "{\"metadata\":{\"notification-emails\":\"jondoe@contoso.com\"}}");
            Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
            Assert.Equal(location, cancel.Headers.Location!.OriginalString);

            var op = await GetLocation(location);
            Assert.Equal("canceled", (string?)op["status"]);
            Assert.Equal("cannotCancel", (string?)op["cancellationRequestState"]);
            Assert.Equal(new[] { "complete", "canceled", "canceled", "canceled", "canceled", "canceled" }, StepStatuses(op));
            Assert.Equal("2024-05-01T12:20:00.0000000Z", (string?)op["lastActionDateTime"]);
            Assert.Equal("canceled", (string?)(await GetJson(Offer("contoso-vm")))["status"]);
            Assert.Equal("canceled", (string?)(await GetJson(Offer("contoso-vm") + "/status"))["status"]);

            // Time goes on, nothing changes; nothing is left to cancel; a new publish is possible.
            Clock.Advance(TimeSpan.FromDays(10));
            Assert.Equal("canceled", (string?)(await GetLocation(location))["status"]);
            using (var nothing = await Post(Offer("contoso-vm") + "/cancel"))
            {
                await ExpectError(nothing, HttpStatusCode.Conflict, "Conflict", "no running operation");
            }

            // The canceled publish never reached the preview slot: it still holds the live version.
            var preview = await GetJson(Offer("contoso-vm") + "/slot/preview");
            Assert.Equal(5, (int)preview["version"]!);
            Assert.Equal("succeeded", (string?)preview["status"]);

            await Publish("contoso-vm");
        }

        [Fact]
        public async Task CancelingAtSignoffAndCancelingAGoLive()
        {
            var publish = await Publish("test-vm");
            Clock.Advance(TimeSpan.FromDays(4));
            using (var cancel = await Post(Offer("test-vm") + "/cancel"))
            {
                Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
            }

            var op = await GetLocation(publish);
            Assert.Equal(new[] { "complete", "complete", "complete", "complete", "canceled", "canceled" }, StepStatuses(op));
            using (var golive = await Post(Offer("test-vm") + "/golive"))
            {
                await ExpectError(golive, HttpStatusCode.Conflict, "Conflict", "waiting for publisher signoff");
            }

            await Publish("test-vm");
            Clock.Advance(TimeSpan.FromDays(4));
            var live = await GoLive("test-vm");
            Clock.Advance(TimeSpan.FromDays(1));
            string cancellation;
            using (var cancelLive = await Post(Offer("test-vm") + "/cancel"))
            {
                // The documentation: "The location of the cancellation operation is in the response header."
                Assert.Equal(HttpStatusCode.Accepted, cancelLive.StatusCode);
                cancellation = cancelLive.Headers.Location!.OriginalString;
                Assert.NotEqual(live, cancellation);
            }

            var cancelOperation = await GetLocation(cancellation);
            Assert.Equal("succeeded", (string?)cancelOperation["status"]);
            Assert.Equal("cancel", (string?)cancelOperation["submissionType"]);
            Assert.Empty(cancelOperation["steps"]!.AsArray());
            Assert.DoesNotContain((await GetJson(Offer("test-vm") + "/submissions")).AsArray(), s => (string?)s!["submissionType"] == "cancel");

            var canceled = await GetLocation(live);
            Assert.Equal("canceled", (string?)canceled["status"]);
            Assert.Equal("canceled", (string?)Step(canceled, "live")["status"]);
            Assert.Equal(50, (int)Step(canceled, "live")["progressPercentage"]!);
            Assert.Equal(1252868275L, (long)(await GetJson(Offer("test-vm")))["version"]!);
            using var production = await Get(Offer("test-vm") + "/slot/production");
            Assert.Equal(HttpStatusCode.NotFound, production.StatusCode);
        }

        [Fact]
        public async Task SynchronousCancelAnswers200WithTheCanceledOperation()
        {
            await Admin(HttpMethod.Put, "/_emulator/settings", "{\"synchronousCancel\": true}");
            var location = await Publish("contoso-vm");
            using var cancel = await Post(Offer("contoso-vm") + "/cancel");
            var body = await ReadJson(cancel, HttpStatusCode.OK);
            Assert.Equal("canceled", (string?)body["status"]);
            Assert.Equal(location, cancel.Headers.Location!.OriginalString);
        }

        [Fact]
        public async Task CancelWithNothingRunningIs409AndBadBodyIs400()
        {
            using (var nothing = await Post(Offer("test-vm") + "/cancel"))
            {
                await ExpectError(nothing, HttpStatusCode.Conflict, "Conflict");
            }

            await Publish("test-vm");
            using var bad = await Post(Offer("test-vm") + "/cancel", "not json");
            await ExpectError(bad, HttpStatusCode.BadRequest, "BadRequest");
        }

        [Fact]
        public async Task GoLiveWithoutAPublishIs409()
        {
            using var response = await Post(Offer("test-vm") + "/golive");
            await ExpectError(response, HttpStatusCode.Conflict, "Conflict", "publisher signoff");
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public async Task OnlyOneOperationRunsPerOffer(bool repeatConflict)
        {
            Server.State.Settings = Server.State.Settings with { RepeatConflict = repeatConflict };
            var publishing = await Publish("contoso-app");
            using (var second = await Post(Offer("contoso-app") + "/publish"))
            {
                await ExpectRepeat(second, publishing, repeatConflict);
            }

            // Other offers are independent.
            await Publish("contoso-corevm");
            foreach (var step in new[] { "displaydummycertify", "displaycertify", "displayprovision", "displaypackage" })
            {
                Server.State.Settings = Server.State.Settings.WithStepDuration(step, TimeSpan.Zero);
            }

            await Publish("contoso-vm");
            var goingLive = await GoLive("contoso-vm");
            using (var duringLive = await Post(Offer("contoso-vm") + "/golive"))
            {
                await ExpectRepeat(duringLive, goingLive, repeatConflict);
            }

            // A different kind is refused under both behaviours.
            using var publishDuringLive = await Post(Offer("contoso-vm") + "/publish");
            await ExpectError(publishDuringLive, HttpStatusCode.Conflict, "Conflict", "already running");
            Assert.Equal(2, Server.State.GetOperations().Count(o => o.OfferId == "contoso-vm" && o.CreatedDateTime == Start));
            Assert.Single(Server.State.GetOperations(), o => o.OfferId == "contoso-app");
        }

        /// <summary>A publish or go-live repeated while its kind runs: by default the running one (the 2018 documentation's
        /// "publish is idempotent"), 409 with <see cref="EmulatorSettings.RepeatConflict"/>.</summary>
        private static async Task ExpectRepeat(HttpResponseMessage response, string runningLocation, bool repeatConflict)
        {
            if (repeatConflict)
            {
                await ExpectError(response, HttpStatusCode.Conflict, "Conflict", "already running");
                return;
            }

            await ExpectStatus(response, HttpStatusCode.Accepted);
            Assert.Equal(runningLocation, response.Headers.Location!.OriginalString);
        }

        [Fact]
        public async Task FailCertificationBlocksTheCertificationStepExactlyLikeTheSample()
        {
            await Admin(HttpMethod.Put, "/_emulator/offers/contoso/test-vm/settings", "{\"failCertification\": true}");
            var location = await Publish("test-vm");
            Clock.Advance(TimeSpan.FromMinutes(14));
            Assert.Equal("running", (string?)(await GetLocation(location))["status"]);

            Clock.Advance(TimeSpan.FromMinutes(1));
            var op = await GetLocation(location);
            Assert.Equal("failed", (string?)op["status"]);
            Assert.Equal("cannotCancel", (string?)op["cancellationRequestState"]);
            Assert.Equal(new[] { "complete", "blocked", "notStarted", "notStarted", "notStarted", "notStarted" }, StepStatuses(op));
            var certification = Step(op, "displaycertify");
            Assert.Equal(0, (int)certification["progressPercentage"]!);
            var messages = certification["messages"]!.AsArray();
            Assert.Equal(2, messages.Count);
            Assert.Equal("No virtual machine image was found for the plan contoso.", (string?)messages[0]!["messageHtml"]);
            Assert.Equal("error", (string?)messages[0]!["level"]);
            Assert.Equal("2024-05-01T12:15:00.0000000Z", (string?)messages[0]!["timestamp"]);
            Assert.Equal("This step has not started yet.", (string?)messages[1]!["messageHtml"]);
            Assert.Equal("information", (string?)messages[1]!["level"]);
            Assert.Equal("CertificationFailed", (string?)op["error"]!["code"]);
            Assert.Equal("No virtual machine image was found for the plan contoso.", (string?)op["error"]!["message"]);

            Assert.Equal("failed", (string?)(await GetJson(Offer("test-vm")))["status"]);
            Assert.Equal("failed", (string?)(await GetJson(Offer("test-vm") + "/submissions?status=failed"))[0]!["submissionState"]);
            using (var cancel = await Post(Offer("test-vm") + "/cancel"))
            {
                Assert.Equal(HttpStatusCode.Conflict, cancel.StatusCode);
            }

            Clock.Advance(TimeSpan.FromDays(5));
            using (var preview = await Get(Offer("test-vm") + "/slot/preview"))
            {
                Assert.Equal(HttpStatusCode.NotFound, preview.StatusCode);
            }

            Server.State.UpdateOfferSettings("contoso", "test-vm", failCertification: false);
            var retry = await Publish("test-vm");
            Clock.Advance(TimeSpan.FromDays(4));
            Assert.Equal("waitingForPublisherReview", (string?)Step(await GetLocation(retry), "publisher-signoff")["status"]);
        }

        [Fact]
        public async Task SubmissionsListWithAndWithoutTrailingSlashAndFilters()
        {
            await Publish("contoso-app");
            foreach (var path in new[] { "/submissions", "/submissions/" })
            {
                var all = await GetJson(Offer("contoso-app") + path);
                Assert.Single(all.AsArray());
            }

            Assert.Single((await GetJson(Offer("contoso-app") + "/submissions/?status=Running")).AsArray());
            Assert.Single((await GetJson(Offer("contoso-app") + "/submissions?submissionState=running")).AsArray());
            Assert.Empty((await GetJson(Offer("contoso-app") + "/submissions/?status=failed")).AsArray());
            Assert.Empty((await GetJson(Offer("test-vm") + "/submissions")).AsArray());
        }
    }
}
