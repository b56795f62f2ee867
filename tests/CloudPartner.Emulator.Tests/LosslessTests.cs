using System;
using System.Net;
using System.Threading.Tasks;
using Xunit;

namespace CloudPartner.Emulator.Tests
{
    public sealed class LosslessTests : EmulatorTest
    {
        [Theory]
        [InlineData("contoso-large")]
        [InlineData("contoso-vm")]
        [InlineData("contoso-corevm")]
        public async Task ReadingAndWritingBackKeepsEveryKeyOrderNumberAndString(string offerId)
        {
            using var get = await Get(Offer(offerId));
            var original = await get.Content.ReadAsStringAsync();
            Assert.True(original.Length > 100);

            using var put = await Put(Offer(offerId), original, "*");
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            var putBody = await put.Content.ReadAsStringAsync();

            var after = await (await Get(Offer(offerId))).Content.ReadAsStringAsync();
            Assert.Equal(putBody, after);
            Assert.Equal(Flatten(original, "changedTime"), Flatten(after, "changedTime"));
        }

        [Fact]
        public async Task LargeOfferKeepsInt64AndNumberTextAndUnescapedStrings()
        {
            var text = await (await Get(Offer("contoso-large"))).Content.ReadAsStringAsync();
            Assert.True(text.Length > 150_000, $"contoso-large is only {text.Length} characters");
            Assert.Contains("\"microsoft-azure-marketplace.storageAccountBytes\":9007199254740993", text, StringComparison.Ordinal);
            Assert.Contains("\"microsoft-azure-marketplace.maxInt64\":9223372036854775807", text, StringComparison.Ordinal);
            Assert.Contains("\"microsoft-azure-marketplace.scientific\":1E+3", text, StringComparison.Ordinal);
            Assert.Contains("\"microsoft-azure-marketplace.negativeZero\":-0.0", text, StringComparison.Ordinal);
            Assert.Contains("\"sharedcore\":2.50", text, StringComparison.Ordinal);
            Assert.Contains("\"single\":1.0", text, StringComparison.Ordinal);
            Assert.Contains("\"sizeGb\":1.0E2", text, StringComparison.Ordinal);
            Assert.Contains("\"publishedDate\":\"\"", text, StringComparison.Ordinal);
            Assert.Contains("Contoso Large \\u00e9dition & <friends>", text, StringComparison.Ordinal);
            Assert.Contains("&sig=abc%2Bdef%3D&", text, StringComparison.Ordinal);
            Assert.DoesNotContain("\\u0026", text, StringComparison.Ordinal);
            Assert.Contains("\"plan-29\"", text, StringComparison.Ordinal);
        }

        [Fact]
        public async Task ACreatedDocumentComesBackAsWritten()
        {
            const string document = """
                {"zeta":1,"publisherId":"contoso","alpha":[1.50,2e10,-7,0.000001,12345678901234567890],"offerTypeId":"microsoft-azure-corevm","id":"ordered",
                 "definition":{"displayText":"Order","offer":{"b.key":"x&y<z>","a.key":"caf\u00e9 \ud83d\ude00","m.key":{"deep":{"deeper":[[],{},null,true,false]}}},
                 "plans":[{"planId":"p","publishedDate":"","when":"2024-01-02T03:04:05"}]},"omega":"end"}
                """;
            using var put = await Put(Offer("ordered"), document);
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
            var stored = await (await Get(Offer("ordered"))).Content.ReadAsStringAsync();
            Assert.Equal(Flatten(document, "changedTime", "status", "version"), Flatten(stored, "changedTime", "status", "version"));
            Assert.Contains("12345678901234567890", stored, StringComparison.Ordinal);
            Assert.Contains("1.50", stored, StringComparison.Ordinal);
            Assert.Contains("2e10", stored, StringComparison.Ordinal);
            Assert.StartsWith("{\"zeta\":1,\"publisherId\":\"contoso\",\"alpha\"", stored, StringComparison.Ordinal);
            Assert.EndsWith("\"omega\":\"end\",\"status\":\"neverPublished\",\"version\":1,\"changedTime\":\"2024-05-01T12:00:00.0000000Z\"}", stored, StringComparison.Ordinal);
        }
    }
}
