using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Tasks;
using Xunit;

namespace CloudPartner.Emulator.Tests
{
    public sealed class RequestLogTests : EmulatorTest
    {
        protected override void Configure(EmulatorOptions options)
        {
            options.RequestLogCapacity = 5;
        }

        private static string ExpectedMask(string token)
        {
            var hash = SHA256.HashData(Encoding.UTF8.GetBytes(token));
            return "Bearer sha256:" + Convert.ToHexString(hash).ToLowerInvariant()[..12];
        }

        [Fact]
        public async Task RequestsAreLoggedWithTheTokenMasked()
        {
            using (await Get(Offer("contoso-vm")))
            {
            }

            using (await Put(Offer("contoso-vm"), "{\"offerTypeId\":\"\"}", "*"))
            {
            }

            using var response = await Client.GetAsync("/_emulator/requests");
            var text = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain(Token, text, StringComparison.Ordinal);
            Assert.Contains(ExpectedMask(Token), text, StringComparison.Ordinal);

            var entries = (await ReadJson(response)).AsArray();
            Assert.Equal(2, entries.Count);
            var get = entries[0]!;
            Assert.Equal(1, (int)get["sequence"]!);
            Assert.Equal("GET", (string?)get["method"]);
            Assert.Equal("/api/publishers/contoso/offers/contoso-vm", (string?)get["path"]);
            Assert.Equal("?api-version=2017-10-31", (string?)get["query"]);
            Assert.Equal(200, (int)get["status"]!);
            Assert.Equal(ExpectedMask(Token), (string?)get["headers"]!["Authorization"]);
            Assert.Equal("2024-05-01T12:00:00.0000000Z", (string?)get["time"]);
            var put = entries[1]!;
            Assert.Equal("PUT", (string?)put["method"]);
            Assert.Equal(400, (int)put["status"]!);
            Assert.Equal("{\"offerTypeId\":\"\"}", (string?)put["body"]);
            Assert.Equal("*", (string?)put["headers"]!["If-Match"]);

            var inProcess = Server.State.GetRequests();
            Assert.Equal(2, inProcess.Count);
            Assert.Equal(ExpectedMask(Token), inProcess[0].Headers["Authorization"]);
            Assert.Equal(ExpectedMask(Token)["Bearer ".Length..], EmulatorState.MaskToken(Token));
        }

        [Fact]
        public async Task FormSecretsAreMaskedAndAdminCallsAreNotLogged()
        {
            using (await Client.PostAsync("/oauth2/token", new FormUrlEncodedContent(new[]
            {
                new System.Collections.Generic.KeyValuePair<string, string>("client_id", "app"),
                new System.Collections.Generic.KeyValuePair<string, string>("client_secret", "super-secret-value"),
            })))
            {
            }

            await Admin(HttpMethod.Get, "/_emulator/settings");
            var entry = Assert.Single(Server.State.GetRequests());
            Assert.Equal(404, entry.Status);
            Assert.Contains("client_id=app", entry.Body, StringComparison.Ordinal);
            Assert.DoesNotContain("super-secret-value", entry.Body, StringComparison.Ordinal);
            Assert.Contains("client_secret=sha256:", entry.Body, StringComparison.Ordinal);
        }

        [Fact]
        public async Task TheLogIsBoundedAndCanBeCleared()
        {
            for (var i = 0; i < 8; i++)
            {
                using (await Get("/api/publishers"))
                {
                }
            }

            var entries = Server.State.GetRequests();
            Assert.Equal(5, entries.Count);
            Assert.Equal(new long[] { 4, 5, 6, 7, 8 }, entries.Select(e => e.Sequence).ToArray());

            await Admin(HttpMethod.Delete, "/_emulator/requests", expected: HttpStatusCode.NoContent);
            Assert.Empty((await Admin(HttpMethod.Get, "/_emulator/requests")).AsArray());
            using (await Get("/api/publishers"))
            {
            }

            Assert.Equal(9, Server.State.GetRequests().Single().Sequence);
            Server.State.ClearRequests();
            Assert.Empty(Server.State.GetRequests());
        }

        [Fact]
        public async Task FaultsAreRecordedInTheLog()
        {
            Server.State.AddFault(new FaultRule { Kind = FaultKind.Throttle, Count = 1 });
            using (await Get("/api/publishers"))
            {
            }

            var entry = Assert.Single(Server.State.GetRequests());
            Assert.Equal(429, entry.Status);
            Assert.Equal("throttle", entry.Fault);
        }
    }
}
