using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;

namespace CloudPartner.Emulator.Tests
{
    /// <summary>Base class: a fresh emulator on a manual clock per test, and an HttpClient with a bearer token.</summary>
    public abstract class EmulatorTest : IAsyncLifetime
    {
        public const string ApiVersion = "api-version=2017-10-31";
        public const string Token = "test-token-abc123";
        public static readonly DateTimeOffset Start = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

        private EmulatorServer? server;
        private HttpClient? client;

        protected EmulatorServer Server => server ?? throw new InvalidOperationException("Not started.");

        protected HttpClient Client => this.client ?? throw new InvalidOperationException("Not started.");

        protected ManualClock Clock => Server.ManualClock!;

        public async Task InitializeAsync()
        {
            var options = new EmulatorOptions { Clock = new ManualClock(Start) };
            Configure(options);
            server = await EmulatorServer.StartAsync(options);
            this.client = NewClient(server, Token);
        }

        public async Task DisposeAsync()
        {
            this.client?.Dispose();
            if (server is not null)
            {
                await server.DisposeAsync();
            }
        }

        protected virtual void Configure(EmulatorOptions options)
        {
        }

        public static HttpClient NewClient(EmulatorServer server, string? token)
        {
            var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false })
            {
                BaseAddress = server.BaseAddress,
                Timeout = TimeSpan.FromSeconds(30),
            };
            if (token is not null)
            {
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            return client;
        }

        /// <summary>Adds the api-version to a relative API path.</summary>
        public static string Api(string path) => path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + ApiVersion;

        public static string Offer(string offerId, string publisher = "contoso") => $"/api/publishers/{publisher}/offers/{offerId}";

        protected Task<HttpResponseMessage> Get(string path) => Client.GetAsync(Api(path));

        protected Task<HttpResponseMessage> Post(string path, string? json = null)
        {
            return Client.PostAsync(Api(path), json is null ? null : new StringContent(json, Encoding.UTF8, "application/json"));
        }

        protected Task<HttpResponseMessage> Put(string path, string json, string? ifMatch = null)
        {
            var request = new HttpRequestMessage(HttpMethod.Put, Api(path)) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
            if (ifMatch is not null)
            {
                request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
            }

            return Client.SendAsync(request);
        }

        protected async Task<JsonNode> GetJson(string path, HttpStatusCode expected = HttpStatusCode.OK)
        {
            using var response = await Get(path);
            return await ReadJson(response, expected);
        }

        protected async Task<string> Publish(string offerId, string? body = null)
        {
            using var response = await Post(Offer(offerId) + "/publish", body);
            await ExpectStatus(response, HttpStatusCode.Accepted);
            return response.Headers.Location!.OriginalString;
        }

        protected async Task<string> GoLive(string offerId)
        {
            using var response = await Post(Offer(offerId) + "/golive");
            await ExpectStatus(response, HttpStatusCode.Accepted);
            return response.Headers.Location!.OriginalString;
        }

        /// <summary>GETs a Location value as a client would: the host plus the relative value, query kept as is.</summary>
        protected async Task<JsonNode> GetLocation(string location)
        {
            using var response = await Client.GetAsync(location);
            return await ReadJson(response, HttpStatusCode.OK);
        }

        protected async Task<JsonNode> Admin(HttpMethod method, string path, string? json = null, HttpStatusCode expected = HttpStatusCode.OK)
        {
            using var request = new HttpRequestMessage(method, path) { Content = json is null ? null : new StringContent(json, Encoding.UTF8, "application/json") };
            using var response = await Client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == expected, $"Expected {expected} from {method} {path}, got {(int)response.StatusCode}: {text}");
            return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!;
        }

        protected Task AdvanceAsync(TimeSpan by)
        {
            Clock.Advance(by);
            return Task.CompletedTask;
        }

        public static async Task<JsonNode> ReadJson(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == expected, $"Expected {(int)expected} but got {(int)response.StatusCode}: {text}");
            return JsonNode.Parse(text)!;
        }

        public static async Task ExpectStatus(HttpResponseMessage response, HttpStatusCode expected)
        {
            if (response.StatusCode != expected)
            {
                var text = await response.Content.ReadAsStringAsync();
                Assert.Fail($"Expected {(int)expected} but got {(int)response.StatusCode}: {text}");
            }
        }

        public static async Task ExpectError(HttpResponseMessage response, HttpStatusCode status, string code, string? messageContains = null)
        {
            var json = await ReadJson(response, status);
            Assert.Equal(code, (string?)json["error"]?["code"]);
            if (messageContains is not null)
            {
                Assert.Contains(messageContains, (string?)json["error"]?["message"] ?? string.Empty, StringComparison.OrdinalIgnoreCase);
            }
        }

        public static JsonNode Step(JsonNode operation, string id) => operation["steps"]!.AsArray().Single(s => (string?)s!["id"] == id)!;

        public static string[] StepStatuses(JsonNode operation) => operation["steps"]!.AsArray().Select(s => (string)s!["status"]!).ToArray();

        public static string[] PropertyNames(JsonElement element) => element.EnumerateObject().Select(p => p.Name).ToArray();

        /// <summary>A canonical listing of a JSON text: every property path with its raw value text, in document order.</summary>
        public static List<string> Flatten(string json, params string[] ignoreTopLevel)
        {
            using var document = JsonDocument.Parse(json);
            var result = new List<string>();
            Walk(document.RootElement, "$", result, ignoreTopLevel, true);
            return result;
        }

        private static void Walk(JsonElement element, string path, List<string> output, string[] ignore, bool top)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    output.Add(path + "{");
                    foreach (var property in element.EnumerateObject())
                    {
                        if (top && ignore.Contains(property.Name))
                        {
                            continue;
                        }

                        Walk(property.Value, path + "." + property.Name, output, ignore, false);
                    }

                    output.Add(path + "}");
                    break;
                case JsonValueKind.Array:
                    output.Add(path + "[");
                    var i = 0;
                    foreach (var item in element.EnumerateArray())
                    {
                        Walk(item, path + "[" + i++ + "]", output, ignore, false);
                    }

                    output.Add(path + "]");
                    break;
                default:
                    output.Add(path + "=" + element.GetRawText());
                    break;
            }
        }
    }
}
