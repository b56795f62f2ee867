using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;

namespace CloudPartner.Emulator.Tests
{
    public sealed class FaultTests : EmulatorTest
    {
        [Fact]
        public async Task ThrottleWithCountAppliesToTheNextNMatchingRequests()
        {
            Server.State.AddFault(new FaultRule { Kind = FaultKind.Throttle, Path = "/api/publishers/contoso/offers/contoso-vm", Count = 2, RetryAfterSeconds = 7 });
            for (var i = 0; i < 2; i++)
            {
                using var throttled = await Get(Offer("contoso-vm"));
                Assert.Equal((HttpStatusCode)429, throttled.StatusCode);
                Assert.Equal(TimeSpan.FromSeconds(7), throttled.Headers.RetryAfter!.Delta);
                await ExpectError(throttled, (HttpStatusCode)429, "TooManyRequests");
                await AdvanceAsync(TimeSpan.FromSeconds(7));
            }

            using (var other = await Get(Offer("test-vm")))
            {
                Assert.Equal(HttpStatusCode.OK, other.StatusCode);
            }

            using var ok = await Get(Offer("contoso-vm"));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            var rule = Assert.Single(Server.State.GetFaults());
            Assert.Equal(0, rule.Count);
            Assert.Equal(2, rule.Hits);
        }

        [Fact]
        public async Task ThrottleCanSendRetryAfterAsAnHttpDate()
        {
            await Admin(HttpMethod.Post, "/_emulator/faults", "{\"kind\":\"throttle\",\"count\":1,\"retryAfterSeconds\":30,\"retryAfterAsHttpDate\":true}", HttpStatusCode.Created);
            using var response = await Get("/api/publishers");
            Assert.Equal((HttpStatusCode)429, response.StatusCode);
            var date = response.Headers.RetryAfter!.Date;
            Assert.NotNull(date);
            Assert.Equal(Clock.UtcNow.AddSeconds(30), date);
        }

        [Fact]
        public async Task A_throttled_caller_stays_throttled_until_its_Retry_After_has_passed()
        {
            Server.State.AddFault(new FaultRule { Kind = FaultKind.Throttle, Path = "/api/publishers", Count = 1, RetryAfterSeconds = 10 });
            using (var first = await Get("/api/publishers"))
            {
                Assert.Equal((HttpStatusCode)429, first.StatusCode);
            }

            // Retrying too early: still throttled, told how long is left, though the rule's count is used up.
            await AdvanceAsync(TimeSpan.FromSeconds(6));
            using (var early = await Get("/api/publishers"))
            {
                Assert.Equal((HttpStatusCode)429, early.StatusCode);
                Assert.Equal(TimeSpan.FromSeconds(4), early.Headers.RetryAfter!.Delta);
                await ExpectError(early, (HttpStatusCode)429, "TooManyRequests");
            }

            // Another caller is not held by someone else's throttling.
            using (var otherClient = NewClient(Server, "another-caller-token"))
            using (var other = await otherClient.GetAsync(Api("/api/publishers")))
            {
                Assert.Equal(HttpStatusCode.OK, other.StatusCode);
            }

            await AdvanceAsync(TimeSpan.FromSeconds(4));
            using (var onTime = await Get("/api/publishers"))
            {
                Assert.Equal(HttpStatusCode.OK, onTime.StatusCode);
            }

            Assert.Equal(new[] { "throttle", "throttle:held", null, null }, Server.State.GetRequests().Select(r => r.Fault).ToArray());
        }

        [Theory]
        [InlineData(null, 500, "InternalServerError")]
        [InlineData(502, 502, "BadGateway")]
        [InlineData(503, 503, "ServiceUnavailable")]
        [InlineData(504, 504, "GatewayTimeout")]
        public async Task StatusFaultsAnswerTheCppErrorBodyNamedAfterTheStatus(int? configured, int expected, string code)
        {
            Server.State.AddFault(new FaultRule { Kind = FaultKind.Status, StatusCode = configured, Count = 1 });
            using var response = await Get("/api/publishers");
            Assert.Equal(expected, (int)response.StatusCode);
            Assert.Equal($"{{\"error\":{{\"code\":\"{code}\",\"message\":\"We cannot complete the request now, please try again later.\"}}}}", await response.Content.ReadAsStringAsync());
            using var next = await Get("/api/publishers");
            Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        }

        [Fact]
        public async Task RateFaultsAreRepeatableWithTheSameSeed()
        {
            var rule = new FaultRule { Kind = FaultKind.Status, StatusCode = 503, Rate = 0.5, Seed = 1234, Method = "GET" };
            Server.State.AddFault(rule);
            var first = await Pattern(Client, 40);

            await using var other = await EmulatorServer.StartAsync(new EmulatorOptions { Faults = { rule } });
            using var otherClient = NewClient(other, Token);
            var second = await Pattern(otherClient, 40);

            Assert.Equal(first, second);
            var hits = first.Count(c => c == '5');
            Assert.InRange(hits, 8, 32);

            static async Task<string> Pattern(HttpClient client, int n)
            {
                var chars = new char[n];
                for (var i = 0; i < n; i++)
                {
                    using var response = await client.GetAsync(Api("/api/publishers"));
                    chars[i] = response.StatusCode == HttpStatusCode.OK ? '.' : '5';
                }

                return new string(chars);
            }
        }

        [Fact]
        public async Task LatencyDelaysThenHandlesNormally()
        {
            Server.State.AddFault(new FaultRule { Kind = FaultKind.Latency, LatencyMs = 120, Count = 1 });
            var watch = Stopwatch.StartNew();
            using (var response = await Get("/api/publishers"))
            {
                watch.Stop();
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            Assert.True(watch.ElapsedMilliseconds >= 115, $"Latency was only {watch.ElapsedMilliseconds} ms");

            Server.State.AddFault(new FaultRule { Kind = FaultKind.Latency, LatencyMs = 40, LatencyMaxMs = 60, Count = 1 });
            watch.Restart();
            using (var ranged = await Get("/api/publishers"))
            {
                watch.Stop();
                Assert.Equal(HttpStatusCode.OK, ranged.StatusCode);
            }

            Assert.True(watch.ElapsedMilliseconds >= 35, $"Latency was only {watch.ElapsedMilliseconds} ms");
            Assert.Equal("latency", Server.State.GetRequests()[^1].Fault);
        }

        [Fact]
        public async Task DropAbortsTheConnectionWithoutAResponse()
        {
            Server.State.AddFault(new FaultRule { Kind = FaultKind.Drop, Path = "/api/publishers", Count = 1 });
            await Assert.ThrowsAsync<HttpRequestException>(() => Get("/api/publishers"));
            using var next = await Get("/api/publishers");
            Assert.Equal(HttpStatusCode.OK, next.StatusCode);
            var dropped = Server.State.GetRequests()[0];
            Assert.Equal(0, dropped.Status);
            Assert.Equal("drop", dropped.Fault);

            // Also on a reused keep-alive connection: the client sees the failure, it does not silently retry.
            Server.State.AddFault(new FaultRule { Kind = FaultKind.Drop, Method = "GET", Count = 1 });
            await Assert.ThrowsAsync<HttpRequestException>(() => Get("/api/publishers"));
            Assert.Equal(3, Server.State.GetRequests().Count);
            dropped = Server.State.GetRequests()[2];
            Assert.Equal(0, dropped.Status);
            Assert.Equal("drop", dropped.Fault);
        }

        [Fact]
        public async Task BeforePhaseFaultsDoNotReachTheState()
        {
            Server.State.AddFault(new FaultRule { Kind = FaultKind.Status, Method = "POST", Path = Offer("contoso-app") + "/publish", Count = 1 });
            using var failed = await Post(Offer("contoso-app") + "/publish");
            Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
            Assert.DoesNotContain(Server.State.GetOperations(), o => o.OfferId == "contoso-app");
            await Publish("contoso-app");
        }

        [Fact]
        public async Task AfterPhaseStatusFaultLeavesTheOperationCreated()
        {
            await Admin(HttpMethod.Post, "/_emulator/faults", "{\"kind\":\"status\",\"method\":\"POST\",\"path\":\"/api/publishers/contoso/offers/contoso-app/publish\",\"count\":1,\"phase\":\"after\"}", HttpStatusCode.Created);
            using var failed = await Post(Offer("contoso-app") + "/publish");
            Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
            Assert.Null(failed.Headers.Location);

            var operations = await Admin(HttpMethod.Get, "/_emulator/operations");
            var op = Assert.Single(operations.AsArray(), o => (string?)o!["offerId"] == "contoso-app")!;
            Assert.Equal("running", (string?)op["status"]);
            Assert.Single((await GetJson(Offer("contoso-app") + "/submissions?status=running")).AsArray());
            using var retry = await Post(Offer("contoso-app") + "/publish");
            await ExpectStatus(retry, HttpStatusCode.Accepted);
            Assert.Single(Server.State.GetOperations(), o => o.OfferId == "contoso-app");
        }

        [Fact]
        public async Task AfterPhaseDropLeavesTheOperationCreated()
        {
            Server.State.AddFault(new FaultRule { Kind = FaultKind.Drop, Method = "POST", PathRegex = "/publish$", Count = 1, Phase = FaultPhase.After });
            await Assert.ThrowsAsync<HttpRequestException>(() => Post(Offer("contoso-app") + "/publish"));
            Assert.Single(Server.State.GetOperations(), o => o.OfferId == "contoso-app" && o.Status == "running");
            var logged = Assert.Single(Server.State.GetRequests());
            Assert.Equal("drop", logged.Fault);
            Assert.Equal(0, logged.Status);
        }

        [Fact]
        public async Task MethodAndRegexNarrowTheMatch()
        {
            Server.State.AddFault(new FaultRule { Kind = FaultKind.Status, StatusCode = 503, PathRegex = "^/api/publishers/[^/]+/offers/[^/]+/status$" });
            Server.State.AddFault(new FaultRule { Kind = FaultKind.Throttle, Method = "PUT" });
            using (var status = await Get(Offer("contoso-vm") + "/status"))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, status.StatusCode);
            }

            using (var offer = await Get(Offer("contoso-vm")))
            {
                Assert.Equal(HttpStatusCode.OK, offer.StatusCode);
            }

            using var put = await Put(Offer("contoso-vm"), "{}", "*");
            Assert.Equal((HttpStatusCode)429, put.StatusCode);
        }

        [Fact]
        public async Task FaultsGivenAtStartApply()
        {
            var clock = new ManualClock(Start);
            await using var server = await EmulatorServer.StartAsync(new EmulatorOptions
            {
                Clock = clock,
                Faults = { new FaultRule { Kind = FaultKind.Throttle, Count = 1 } },
            });
            using var client = NewClient(server, Token);
            using var first = await client.GetAsync(Api("/api/publishers"));
            Assert.Equal((HttpStatusCode)429, first.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(1), first.Headers.RetryAfter!.Delta);
            clock.Advance(TimeSpan.FromSeconds(1));
            using var second = await client.GetAsync(Api("/api/publishers"));
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        }

        [Fact]
        public async Task FaultsNeverTouchTheAdminEndpoint()
        {
            Server.State.AddFault(new FaultRule { Kind = FaultKind.Drop, Path = "/" });
            var faults = await Admin(HttpMethod.Get, "/_emulator/faults");
            Assert.Single(faults.AsArray());
            await Assert.ThrowsAsync<HttpRequestException>(() => Get("/api/publishers"));
        }

        [Fact]
        public async Task FaultRulesAreManagedThroughTheAdminEndpoint()
        {
            var added = await Admin(HttpMethod.Post, "/_emulator/faults", "{\"kind\":\"Latency\",\"latencyMs\":1,\"id\":\"slow\"}", HttpStatusCode.Created);
            Assert.Equal("slow", (string?)added["id"]);
            var second = await Admin(HttpMethod.Post, "/_emulator/faults", "{\"kind\":\"throttle\",\"path\":\"/api/nothing\",\"rate\":0.25,\"seed\":9}", HttpStatusCode.Created);
            Assert.StartsWith("fault-", (string?)second["id"], StringComparison.Ordinal);
            using (await Get("/api/publishers"))
            {
            }

            var list = await Admin(HttpMethod.Get, "/_emulator/faults");
            Assert.Equal(2, list.AsArray().Count);
            Assert.Equal(1, (int)list[0]!["hits"]!);
            Assert.Equal("latency", (string?)list[0]!["kind"]);
            await Admin(HttpMethod.Delete, "/_emulator/faults/slow", expected: HttpStatusCode.NoContent);
            Assert.Single((await Admin(HttpMethod.Get, "/_emulator/faults")).AsArray());
            await Admin(HttpMethod.Delete, "/_emulator/faults/slow", expected: HttpStatusCode.NotFound);
            await Admin(HttpMethod.Delete, "/_emulator/faults", expected: HttpStatusCode.NoContent);
            Assert.Empty((await Admin(HttpMethod.Get, "/_emulator/faults")).AsArray());
        }

        [Theory]
        [InlineData("{\"path\":\"/api\"}")]
        [InlineData("{\"kind\":\"explode\"}")]
        [InlineData("{\"kind\":\"status\",\"statusCode\":404}")]
        [InlineData("{\"kind\":\"throttle\",\"rate\":1.5}")]
        [InlineData("{\"kind\":\"throttle\",\"count\":0}")]
        [InlineData("{\"kind\":\"hostile\",\"variant\":\"nope\"}")]
        [InlineData("{\"kind\":\"throttle\",\"pathRegex\":\"(\"}")]
        [InlineData("{\"kind\":\"throttle\",\"colour\":\"red\"}")]
        [InlineData("not json")]
        public async Task InvalidFaultRulesAre400(string body)
        {
            await Admin(HttpMethod.Post, "/_emulator/faults", body, HttpStatusCode.BadRequest);
            Assert.Throws<ArgumentException>(() => Server.State.AddFault(new FaultRule { Kind = FaultKind.Hostile, Variant = "nope" }));
        }

        [Fact]
        public async Task HostileTruncatedJsonCutsTheRealBody()
        {
            Server.State.AddFault(new FaultRule { Kind = FaultKind.Hostile, Variant = HostileVariants.TruncatedJson, Count = 1 });
            using var response = await Get(Offer("contoso-vm"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var text = await response.Content.ReadAsStringAsync();
            Assert.StartsWith("{\"offerTypeId\"", text, StringComparison.Ordinal);
            Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(text));
            Assert.NotNull(response.Headers.ETag);
        }

        [Theory]
        [InlineData("htmlGateway", 502, "text/html", "<html>")]
        [InlineData("empty200", 200, null, "")]
        [InlineData("null", 200, "application/json", "null")]
        public async Task HostileResponsesReplaceTheAnswer(string variant, int status, string? mediaType, string body)
        {
            Server.State.AddFault(new FaultRule { Kind = FaultKind.Hostile, Variant = variant, Count = 1 });
            using var response = await Get(Offer("contoso-vm"));
            Assert.Equal(status, (int)response.StatusCode);
            var text = await response.Content.ReadAsStringAsync();
            if (body.Length == 0)
            {
                Assert.Equal(string.Empty, text);
            }
            else
            {
                Assert.Contains(body, text, StringComparison.Ordinal);
            }

            if (mediaType is not null)
            {
                Assert.Equal(mediaType, response.Content.Headers.ContentType!.MediaType);
            }
        }

        [Fact]
        public async Task HostileHugeBodyIsValidJsonOfTheRequestedSize()
        {
            Server.State.AddFault(new FaultRule { Kind = FaultKind.Hostile, Variant = "huge", HugeBodyBytes = 300_000, Count = 1 });
            using var response = await Get(Offer("contoso-vm"));
            var bytes = await response.Content.ReadAsByteArrayAsync();
            Assert.Equal(300_000, bytes.Length);
            using var document = JsonDocument.Parse(bytes);
            Assert.Equal(JsonValueKind.Array, document.RootElement.ValueKind);
        }

        [Fact]
        public async Task HostileNeverEndingBodyKeepsStreaming()
        {
            Server.State.AddFault(new FaultRule { Kind = FaultKind.Hostile, Variant = HostileVariants.NeverEndingBody, Count = 1 });
            using (var response = await Client.GetAsync(Api(Offer("contoso-vm")), HttpCompletionOption.ResponseHeadersRead))
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Null(response.Content.Headers.ContentLength);
                await using var stream = await response.Content.ReadAsStreamAsync();
                var buffer = new byte[16 * 1024];
                long total = 0;
                while (total < 32 * 1024)
                {
                    var n = await stream.ReadAsync(buffer);
                    Assert.True(n > 0, "The never-ending body ended.");
                    total += n;
                }
            }

            using var next = await Get(Offer("contoso-vm"));
            Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        }

        [Fact]
        public async Task HostileForeignLocationPointsToAnotherHostAndStillCreatesTheOperation()
        {
            Server.State.AddFault(new FaultRule { Kind = FaultKind.Hostile, Variant = HostileVariants.ForeignLocation, Method = "POST", Count = 1 });
            using var response = await Post(Offer("contoso-vm") + "/publish");
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            Assert.Equal("https://attacker.example.com/api/operations/contoso$contoso-vm$6$preview?api-version=2017-10-31", response.Headers.Location!.OriginalString);
            Assert.Single(Server.State.GetOperations(), o => o.OfferId == "contoso-vm" && o.Status == "running");
        }

        [Theory]
        [InlineData(null, 302)]
        [InlineData(307, 307)]
        public async Task HostileRedirectSendsTheSamePathToTheForeignHostWithoutHandlingTheRequest(int? configured, int expected)
        {
            Server.State.AddFault(new FaultRule { Kind = FaultKind.Hostile, Variant = "redirect", StatusCode = configured, ForeignHost = "http://127.0.0.2:9/", Method = "POST", Count = 1 });
            using var response = await Post(Offer("contoso-app") + "/publish");
            Assert.Equal((HttpStatusCode)expected, response.StatusCode);
            Assert.Equal("http://127.0.0.2:9/api/publishers/contoso/offers/contoso-app/publish?api-version=2017-10-31", response.Headers.Location!.OriginalString);
            Assert.DoesNotContain(Server.State.GetOperations(), o => o.OfferId == "contoso-app");
        }

        [Fact]
        public async Task HostileDotDotLocationClimbsOutOfTheOperationPathAndStillCreatesTheOperation()
        {
            Server.State.AddFault(new FaultRule { Kind = FaultKind.Hostile, Variant = "dotDot", Method = "POST", Count = 1 });
            using var response = await Post(Offer("contoso-vm") + "/publish");
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            Assert.Equal("/api/operations/contoso$contoso-vm$6$preview/../../../../../../_emulator/reset?api-version=2017-10-31", response.Headers.Location!.OriginalString);
            Assert.Single(Server.State.GetOperations(), o => o.OfferId == "contoso-vm" && o.Status == "running");
        }

        [Fact]
        public async Task HostileJavascriptLocationTurnsTheLocationIntoAJavascriptUrl()
        {
            Server.State.AddFault(new FaultRule { Kind = FaultKind.Hostile, Variant = HostileVariants.JavascriptLocation, Method = "POST", Count = 1 });
            using var response = await Post(Offer("contoso-vm") + "/publish");
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            Assert.StartsWith("javascript:alert(document.domain)///api/operations/contoso$contoso-vm$6$preview", string.Join(",", response.Headers.GetValues("Location")), StringComparison.Ordinal);
            Assert.Single(Server.State.GetOperations(), o => o.OfferId == "contoso-vm" && o.Status == "running");
        }

        [Theory]
        [InlineData("/api/publishers/contoso/offers/contoso-vm")]
        [InlineData("/api/publishers")]
        public async Task HostileWrongTypesGivesEveryTopLevelFieldTheWrongType(string path)
        {
            Server.State.AddFault(new FaultRule { Kind = FaultKind.Hostile, Variant = "wrong-types", Count = 1 });
            using var response = await Get(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var node = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            var obj = node is JsonArray array ? array[0]!.AsObject() : node.AsObject();
            Assert.Equal(JsonValueKind.Array, obj["id"]!.GetValueKind());
            Assert.Equal("not an object", (string?)obj["definition"]);
            if (obj.ContainsKey("version"))
            {
                Assert.Equal("not a number", (string?)obj["version"]);
            }

            using var next = await Get(path);
            Assert.DoesNotContain("not an object", await next.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        [Fact]
        public async Task ARedirectNeedsA3xxStatus()
        {
            await Admin(HttpMethod.Post, "/_emulator/faults", "{\"kind\":\"hostile\",\"variant\":\"redirect\",\"statusCode\":200}", HttpStatusCode.BadRequest);
        }
    }
}
