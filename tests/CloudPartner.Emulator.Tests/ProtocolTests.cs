using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using Xunit;

namespace CloudPartner.Emulator.Tests
{
    public sealed class ApiVersionTests : EmulatorTest
    {
        private const string InvalidApiVersionBody = "{\"error\":{\"code\":\"InvalidAPIVersion\",\"message\":\"Invalid api version. Allowed values are [2017-10-31]\"}}";

        [Theory]
        [InlineData("/api/publishers")]
        [InlineData("/api/publishers?api-version=2016-08-01-preview")]
        [InlineData("/api/publishers/contoso/offers/contoso-vm?api-version=")]
        [InlineData("/api/publishers/contoso/offers/contoso-vm?api-version=2017-10-31&api-version=2017-10-31")]
        [InlineData("/api/offerTypes?api-version=2016-08-01-preview")]
        public async Task MissingOrWrongApiVersionIs400WithTheDocumentedBody(string path)
        {
            using var response = await Client.GetAsync(path);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(InvalidApiVersionBody, await response.Content.ReadAsStringAsync());
        }

        [Fact]
        public async Task UnknownApiRouteIs404AndWrongMethodIs405()
        {
            using var unknown = await Get("/api/nothing/here");
            await ExpectError(unknown, HttpStatusCode.NotFound, "NotFound");
            using var wrong = await Client.DeleteAsync(Api(Offer("contoso-vm")));
            await ExpectError(wrong, HttpStatusCode.MethodNotAllowed, "MethodNotAllowed");
            using var getPublish = await Get(Offer("contoso-vm") + "/publish");
            await ExpectError(getPublish, HttpStatusCode.MethodNotAllowed, "MethodNotAllowed");
        }

        [Fact]
        public async Task OfferTypesAnswers()
        {
            var types = await GetJson("/api/offerTypes");
            Assert.Contains(types.AsArray(), t => (string?)t!["id"] == "microsoft-azure-virtualmachines");
        }
    }

    public sealed class AuthTests : EmulatorTest
    {
        private const string UnauthorizedBody = "{\"Message\":\"Authorization has been denied for this request.\"}";
        private const string ForbiddenBody = "{\"error\":{\"code\":\"Forbidden\",\"message\":\"User does not have the required permissions\"}}";

        protected override void Configure(EmulatorOptions options)
        {
            options.AccessList["contoso-only"] = new[] { "contoso" };
        }

        [Theory]
        [InlineData(null)]
        [InlineData("")]
        [InlineData("Bearer")]
        [InlineData("Bearer   ")]
        [InlineData("Basic dXNlcjpwYXNz")]
        [InlineData("abc")]
        public async Task MissingOrMalformedTokenIs401WithThePascalCaseBody(string? authorization)
        {
            using var client = NewClient(Server, null);
            using var request = new HttpRequestMessage(HttpMethod.Get, Api(Offer("contoso-vm")));
            if (authorization is not null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", authorization);
            }

            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal(UnauthorizedBody, await response.Content.ReadAsStringAsync());
            Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
        }

        [Fact]
        public async Task AnyNonEmptyTokenIsAcceptedByDefault()
        {
            using var client = NewClient(Server, "whatever");
            using var response = await client.GetAsync(Api("/api/publishers"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        [Fact]
        public async Task TokenExpiresAfterTheLifetimeCountedFromFirstUse()
        {
            Server.State.Settings = Server.State.Settings with { TokenLifetimeSeconds = 30 * 60 };
            using (var first = await Get("/api/publishers"))
            {
                Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            }

            Clock.Advance(TimeSpan.FromMinutes(30));
            using (var stillValid = await Get("/api/publishers"))
            {
                Assert.Equal(HttpStatusCode.OK, stillValid.StatusCode);
            }

            Clock.Advance(TimeSpan.FromSeconds(1));
            using var expired = await Get("/api/publishers");
            Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
            Assert.Equal(UnauthorizedBody, await expired.Content.ReadAsStringAsync());
            Assert.Contains("invalid_token", expired.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);

            using var fresh = NewClient(Server, "a-new-token");
            using var renewed = await fresh.GetAsync(Api("/api/publishers"));
            Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
        }

        [Fact]
        public async Task TokenLifetimeCanBeSetThroughTheAdminEndpoint()
        {
            await Admin(HttpMethod.Put, "/_emulator/settings", "{\"tokenLifetimeSeconds\": 60}");
            using (var first = await Get("/api/publishers"))
            {
                Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            }

            Clock.Advance(TimeSpan.FromSeconds(61));
            using var expired = await Get("/api/publishers");
            Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        }

        [Fact]
        public async Task RegisteredTokensExpireAtTheirExpiryAndCarryTheirPublishers()
        {
            Server.State.RegisterToken("issued-token", Start.AddMinutes(10), new[] { "fabrikam" });
            using var client = NewClient(Server, "issued-token");
            using (var allowed = await client.GetAsync(Api(Offer("fabrikam-vm", "fabrikam"))))
            {
                Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
            }

            using (var denied = await client.GetAsync(Api(Offer("contoso-vm"))))
            {
                Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
            }

            Clock.Advance(TimeSpan.FromMinutes(10));
            using var expired = await client.GetAsync(Api(Offer("fabrikam-vm", "fabrikam")));
            Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        }

        [Fact]
        public async Task UnregisteredTokensAreRefusedWhenOnlyRegisteredTokensAreAccepted()
        {
            await Admin(HttpMethod.Put, "/_emulator/settings", "{\"acceptAnyToken\": false}");
            await Admin(HttpMethod.Post, "/_emulator/tokens", "{\"token\":\"known\",\"expiresInSeconds\":3600}", HttpStatusCode.NoContent);
            using (var unknown = await Get("/api/publishers"))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
            }

            using var client = NewClient(Server, "known");
            using var known = await client.GetAsync(Api("/api/publishers"));
            Assert.Equal(HttpStatusCode.OK, known.StatusCode);
        }

        [Fact]
        public async Task AccessListGives403ForOtherPublishersOnEveryRouteShape()
        {
            using var client = NewClient(Server, "contoso-only");
            using (var ok = await client.GetAsync(Api(Offer("contoso-vm"))))
            {
                Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            }

            foreach (var (method, path) in new[]
            {
                (HttpMethod.Get, "/api/publishers/fabrikam/offers"),
                (HttpMethod.Get, Offer("fabrikam-vm", "fabrikam")),
                (HttpMethod.Get, Offer("fabrikam-vm", "fabrikam") + "/status"),
                (HttpMethod.Post, Offer("fabrikam-vm", "fabrikam") + "/publish"),
                (HttpMethod.Get, "/api/operations/fabrikam$fabrikam-vm$2$preview"),
            })
            {
                using var response = await client.SendAsync(new HttpRequestMessage(method, Api(path)));
                Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
                Assert.Equal(ForbiddenBody, await response.Content.ReadAsStringAsync());
            }

            using var put = await client.PutAsync(Api(Offer("new-offer", "fabrikam")), new StringContent("{\"offerTypeId\":\"x\"}"));
            Assert.Equal(HttpStatusCode.Forbidden, put.StatusCode);

            var publishers = await ReadJson(await client.GetAsync(Api("/api/publishers")));
            Assert.Equal(new[] { "contoso" }, publishers.AsArray().Select(p => (string)p!["id"]!).ToArray());

            // Tokens without an entry see everything.
            var all = await GetJson("/api/publishers");
            Assert.Equal(2, all.AsArray().Count);
        }

        [Fact]
        public async Task AccessListCanBeReplacedThroughTheAdminEndpoint()
        {
            await Admin(HttpMethod.Put, "/_emulator/access", "{\"" + Token + "\": [\"fabrikam\"]}");
            using var response = await Get(Offer("contoso-vm"));
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            var access = await Admin(HttpMethod.Get, "/_emulator/access");
            var text = access.ToJsonString();
            Assert.DoesNotContain(Token, text, StringComparison.Ordinal);
            Assert.Contains(EmulatorState.MaskToken(Token), text, StringComparison.Ordinal);
        }
    }
}
