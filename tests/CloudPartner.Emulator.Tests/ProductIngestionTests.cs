using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;

namespace CloudPartner.Emulator.Tests
{
    /// <summary>The Product Ingestion API over real HTTP, on the emulator clock, over the same offers as the CPP API.</summary>
    public sealed class ProductIngestionTests : EmulatorTest
    {
        private const string Root = "/rp/product-ingestion/";
        private const string Schema = "https://schema.mp.microsoft.com/schema/";

        [Fact]
        public async Task ListsProductsByPageAndFindsOneByExternalId()
        {
            var first = await Pi("product?$maxpagesize=2");
            Assert.Equal(2, first["value"]!.AsArray().Count);
            var next = (string)first["@nextLink"]!;
            Assert.StartsWith(Server.BaseAddress.ToString().TrimEnd('/') + Root + "product?", next, StringComparison.Ordinal);

            var all = first["value"]!.AsArray().Select(p => (string)p!["identity"]!["externalId"]!).ToList();
            while (next is not null)
            {
                using var response = await Client.GetAsync(next);
                var page = await ReadJson(response);
                all.AddRange(page["value"]!.AsArray().Select(p => (string)p!["identity"]!["externalId"]!));
                next = (string?)page["@nextLink"];
            }

            Assert.Equal(new[] { "contoso-vm", "test-vm", "contoso-large", "contoso-app", "contoso-corevm", "fabrikam-vm" }, all);

            var found = Assert.Single((await Pi("product?externalId=test-vm"))["value"]!.AsArray());
            Assert.Equal("azureVirtualMachine", (string?)found!["type"]);
            Assert.Matches("^product/[0-9a-f-]{36}$", (string)found["id"]!);
            Assert.Empty((await Pi("product?externalId=no-such-offer"))["value"]!.AsArray());
        }

        [Fact]
        public async Task ServesResourceTreesPerTargetAndRefusesWhatIsNotThere()
        {
            var product = await ProductId("test-vm");
            var draft = await Pi($"resource-tree/{product}?targetType=draft");
            Assert.Equal(product, (string?)draft["root"]);
            Assert.Equal("draft", (string?)draft["target"]!["targetType"]);
            var types = draft["resources"]!.AsArray().Select(r => ((string)r!["$schema"]!)[Schema.Length..].Split('/')[0]).ToList();
            Assert.Equal(new[] { "product", "plan", "virtual-machine-plan-technical-configuration", "submission" }, types);
            var plan = draft["resources"]![1]!;
            Assert.Equal("test-vm-plan", (string?)plan["identity"]!["externalId"]);
            Assert.Equal(plan, await Pi((string)plan["id"]!), JsonNode.DeepEquals);

            await PiError($"resource-tree/{product}?targetType=preview", HttpStatusCode.NotFound, "notFound");
            await PiError($"resource-tree/{product}?targetType=flight", HttpStatusCode.BadRequest, "badRequest");
            await PiError($"resource-tree/{await ProductId("contoso-app")}", HttpStatusCode.BadRequest, "badRequest", "AzureApplication is not supported");
        }

        [Fact]
        public async Task PublishesToPreviewThenGoesLiveWithJobsOnTheClockAndShowsItOnTheCppApi()
        {
            var product = await ProductId("test-vm");
            var guid = product["product/".Length..];
            var job = await Configure(Submission(product, "preview"));
            Assert.Equal(("notStarted", "pending", "0001-01-01T00:00:00"), ((string)job["jobStatus"]!, (string)job["jobResult"]!, (string)job["jobEnd"]!));
            var jobId = (string)job["jobId"]!;

            Clock.Advance(TimeSpan.FromMinutes(1));
            await ExpectJob(jobId, "running", "pending");
            var submissions = await Pi($"submission/{guid}");
            var preview = submissions["value"]!.AsArray().Last()!;
            Assert.Equal(("preview", "running", "pending"), ((string)preview["target"]!["targetType"]!, (string)preview["status"]!, (string)preview["result"]!));
            Assert.Equal("running", (string?)(await GetJson(Offer("test-vm") + "/status"))["status"]);
            await PiError($"configure/{jobId}", HttpStatusCode.BadRequest, "badRequest", "has not completed");

            Clock.Advance(TimeSpan.FromDays(4));
            var done = await ExpectJob(jobId, "completed", "succeeded");
            Assert.NotEqual("0001-01-01T00:00:00", (string?)done["jobEnd"]);
            Assert.StartsWith("https://product-ingestion.mp.microsoft.com/configure/", (string)done["resourceUri"]!, StringComparison.Ordinal);
            Assert.Equal("waitingForPublisherReview", (string?)(await GetJson(Offer("test-vm") + "/status"))["status"]);
            var previewId = (string)(await Pi($"submission/{guid}?targetType=preview"))["value"]![0]!["id"]!;
            Assert.Equal("preview", (string?)(await Pi($"resource-tree/{product}?targetType=preview"))["target"]!["targetType"]);

            var live = await Configure(Submission(product, "live", previewId));
            Clock.Advance(TimeSpan.FromDays(1));
            await ExpectJob((string)live["jobId"]!, "running", "pending");
            Clock.Advance(TimeSpan.FromDays(2));
            await ExpectJob((string)live["jobId"]!, "completed", "succeeded");

            var listed = (await Pi($"submission/{guid}"))["value"]!.AsArray();
            Assert.Equal(previewId, (string?)listed.Single(s => (string)s!["target"]!["targetType"]! == "live")!["id"]);
            Assert.Equal(previewId, (string?)listed.Single(s => (string)s!["target"]!["targetType"]! == "preview")!["id"]);
            Assert.Equal("succeeded", (string?)(await GetJson(Offer("test-vm") + "/slot/production"))["status"]);
            await Pi($"resource-tree/{product}?targetType=live");

            // Already live: the same submission cannot go live twice.
            var again = await Configure(Submission(product, "live", previewId));
            Clock.Advance(TimeSpan.FromMinutes(1));
            var refused = await ExpectJob((string)again["jobId"]!, "completed", "failed");
            Assert.Equal("invalidState", (string?)refused["errors"]![0]!["code"]);
        }

        [Fact]
        public async Task ACppPublishIsAPreviewSubmissionAndAPiGoLiveTakesItLive()
        {
            await Publish("test-vm");
            Clock.Advance(TimeSpan.FromDays(4));
            var product = await ProductId("test-vm");
            var preview = (await Pi($"submission/{product["product/".Length..]}?targetType=preview"))["value"]![0]!;
            Assert.Equal(("completed", "succeeded"), ((string)preview["status"]!, (string)preview["result"]!));

            var job = await Configure(Submission(product, "live", (string)preview["id"]!));
            Clock.Advance(TimeSpan.FromDays(3));
            await ExpectJob((string)job["jobId"]!, "completed", "succeeded");
            var operations = (await GetJson(Offer("test-vm") + "/submissions")).AsArray();
            Assert.Equal(new[] { "golive", "publish" }, operations.Select(o => (string)o!["submissionType"]!));
        }

        [Fact]
        public async Task RefusesWhatTheServiceRefusesAsFailedJobsWithNestedErrors()
        {
            var product = await ProductId("test-vm");

            // Live before preview, preview while a submission runs (productLocked), live with draft changes.
            var early = await Configure(Submission(product, "live", "submission/" + product["product/".Length..] + "/1"));
            await Configure(Submission(product, "preview"));
            var locked = await Configure(Submission(product, "preview"));
            Clock.Advance(TimeSpan.FromMinutes(1));
            Assert.Equal("resourceNotFound", (string?)(await ExpectJob((string)early["jobId"]!, "completed", "failed"))["errors"]![0]!["code"]);
            var lockedErrors = (await ExpectJob((string)locked["jobId"]!, "completed", "failed"))["errors"]!;
            Assert.Equal("productLocked", (string?)lockedErrors[0]!["details"]![0]!["code"]);

            // A certification failure: the job fails with the cause nested, as the service reports it.
            Server.State.UpdateOfferSettings("contoso", "contoso-corevm", failCertification: true);
            var failing = await Configure(Submission(await ProductId("contoso-corevm"), "preview"));
            Clock.Advance(TimeSpan.FromDays(1));
            var failed = await ExpectJob((string)failing["jobId"]!, "completed", "failed");
            var nested = failed["errors"]![0]!["details"]![0]!;
            Assert.Equal(("invalidState", "Certification"), ((string)nested["code"]!, (string)nested["message"]!));
            Assert.Contains(nested["details"]!.AsArray(), d => ((string)d!["message"]!).Contains("Certification", StringComparison.Ordinal));
            await PiError($"configure/{failing["jobId"]}", HttpStatusCode.NotFound, "notFound");

            // A malformed durable id.
            var bad = await Configure(new JsonObject { ["$schema"] = Schema + "plan/2022-03-01-preview2", ["id"] = "Plan/NOT VALID", ["product"] = product });
            Clock.Advance(TimeSpan.FromMinutes(1));
            Assert.Equal("invalidId", (string?)(await ExpectJob((string)bad["jobId"]!, "completed", "failed"))["errors"]![0]!["code"]);
        }

        [Fact]
        public async Task ChangesTheDraftWhenADraftJobCompletesAndCreatesProducts()
        {
            var product = await ProductId("test-vm");
            var plan = new JsonObject
            {
                ["$schema"] = Schema + "plan/2022-03-01-preview2",
                ["product"] = product,
                ["identity"] = new JsonObject { ["externalId"] = "second-plan" },
                ["alias"] = "Second plan",
            };
            var job = await Configure(plan);
            Assert.DoesNotContain("second-plan", (await Pi($"resource-tree/{product}")).ToJsonString(), StringComparison.Ordinal);
            Clock.Advance(TimeSpan.FromMinutes(1));
            await ExpectJob((string)job["jobId"]!, "completed", "succeeded");
            Assert.Contains("second-plan", (await Pi($"resource-tree/{product}")).ToJsonString(), StringComparison.Ordinal);
            Assert.Single((await Pi($"plan?product={product}&externalId=second-plan"))["value"]!.AsArray());

            var created = await Configure(new JsonObject
            {
                ["$schema"] = Schema + "product/2022-03-01-preview3",
                ["identity"] = new JsonObject { ["externalId"] = "brand-new-vm" },
                ["type"] = "azureVirtualMachine",
                ["alias"] = "Brand new",
            });
            Assert.Empty((await Pi("product?externalId=brand-new-vm"))["value"]!.AsArray());
            Clock.Advance(TimeSpan.FromMinutes(1));
            await ExpectJob((string)created["jobId"]!, "completed", "succeeded");
            Assert.Single((await Pi("product?externalId=brand-new-vm"))["value"]!.AsArray());
            Assert.Equal("brand-new-vm", (string?)(await GetJson(Offer("brand-new-vm")))["id"]);
        }

        [Fact]
        public async Task CancelsARunningJobAndRefusesToCancelACompletedOne()
        {
            var product = await ProductId("test-vm");
            var job = (string)(await Configure(Submission(product, "preview")))["jobId"]!;
            Clock.Advance(TimeSpan.FromMinutes(1));
            using (var cancel = await Client.PostAsync(Root + $"configure/{job}/cancel", null))
            {
                var canceled = await ReadJson(cancel);
                Assert.Equal(("completed", "cancelled"), ((string)canceled["jobStatus"]!, (string)canceled["jobResult"]!));
            }

            Assert.Equal("canceled", (string?)(await GetJson(Offer("test-vm") + "/status"))["status"]);
            using var again = await Client.PostAsync(Root + $"configure/{job}/cancel", null);
            await ExpectError(again, HttpStatusCode.BadRequest, "badRequest", "Cannot cancel job, job has already completed.");
        }

        [Fact]
        public async Task ChecksSchemasVersionsAndTheTokensAudience()
        {
            using (var retired = await Client.PostAsync(Root + "configure", Body(new JsonObject { ["$schema"] = "https://product-ingestion.azureedge.net/schema/configure/2022-03-01-preview2", ["resources"] = new JsonArray(new JsonObject()) })))
            {
                await ExpectError(retired, HttpStatusCode.BadRequest, "badRequest", "Schema https://product-ingestion.azureedge.net/schema/configure/2022-03-01-preview2 could not be accessed");
            }

            using (var noResources = await Client.PostAsync(Root + "configure", Body(new JsonObject { ["$schema"] = Schema + "configure/2022-07-01", ["resources"] = new JsonArray() })))
            {
                await ExpectError(noResources, HttpStatusCode.BadRequest, "badRequest");
            }

            await PiError("product?$version=yesterday", HttpStatusCode.BadRequest, "badRequest", "$version");
            await Pi("product?$version=2022-03-01-preview2");

            // A token the identity provider issued for the CPP API is refused here, and the other way round.
            Server.State.RegisterToken("cpp-only", Start.AddDays(30), audience: "https://cloudpartner.azure.com");
            Server.State.RegisterToken("graph-only", Start.AddDays(30), audience: "https://graph.microsoft.com");
            using var cppToken = NewClient(Server, "cpp-only");
            using var graphToken = NewClient(Server, "graph-only");
            using (var refused = await cppToken.GetAsync(Root + "product"))
            {
                await ExpectError(refused, HttpStatusCode.Unauthorized, "InvalidAuthenticationToken", "audience");
            }

            Assert.Equal(HttpStatusCode.OK, (await graphToken.GetAsync(Root + "product")).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await graphToken.GetAsync(Api("/api/publishers"))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await cppToken.GetAsync(Api("/api/publishers"))).StatusCode);
        }

        [Fact]
        public async Task FaultsApplyHereTooAndAForeignNextLinkCanBeStaged()
        {
            Server.State.AddFault(new FaultRule { Kind = FaultKind.Hostile, Variant = HostileVariants.ForeignLocation, Path = Root + "product", Count = 1 });
            var page = await Pi("product?$maxpagesize=1");
            Assert.StartsWith("https://attacker.example.com" + Root + "product?", (string)page["@nextLink"]!, StringComparison.Ordinal);

            Server.State.AddFault(new FaultRule { Kind = FaultKind.Throttle, Path = Root, Count = 1, RetryAfterSeconds = 7 });
            using var throttled = await Client.GetAsync(Root + "product");
            Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
            Assert.Equal("7", throttled.Headers.GetValues("Retry-After").Single());
        }

        private static JsonObject Submission(string product, string target, string? id = null)
        {
            var submission = new JsonObject { ["$schema"] = Schema + "submission/2022-03-01-preview2" };
            if (id is not null)
            {
                submission["id"] = id;
            }

            submission["product"] = product;
            submission["target"] = new JsonObject { ["targetType"] = target };
            return submission;
        }

        private static StringContent Body(JsonNode json) => new(json.ToJsonString(), Encoding.UTF8, "application/json");

        private async Task<JsonNode> Configure(params JsonObject[] resources)
        {
            var body = new JsonObject { ["$schema"] = Schema + "configure/2022-07-01", ["resources"] = new JsonArray(resources.Select(r => (JsonNode)r.DeepClone()).ToArray()) };
            using var response = await Client.PostAsync(Root + "configure", Body(body));
            return await ReadJson(response, HttpStatusCode.Accepted);
        }

        private async Task<JsonNode> ExpectJob(string jobId, string status, string result)
        {
            var job = await Pi($"configure/{jobId}/status");
            Assert.Equal((status, result), ((string)job["jobStatus"]!, (string)job["jobResult"]!));
            return job;
        }

        private async Task<string> ProductId(string offerId) => (string)(await Pi("product?externalId=" + offerId))["value"]![0]!["id"]!;

        private async Task<JsonNode> Pi(string path)
        {
            using var response = await Client.GetAsync(Root + path);
            return await ReadJson(response);
        }

        private async Task PiError(string path, HttpStatusCode status, string code, string? message = null)
        {
            using var response = await Client.GetAsync(Root + path);
            await ExpectError(response, status, code, message);
        }
    }
}
