using System;
using System.Net.Http;
using System.Threading.Tasks;
using CloudPartner.Emulator;
using CloudPartner.Engine.Cpp;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Http;
using CloudPartner.Engine.Json;

namespace CloudPartner.Engine.Tests
{
    /// <summary>Hostile input is refused before any request, with an error naming where it came from.</summary>
    public class InputHardeningTests
    {
        [Theory]
        [InlineData("a@b.com\n")]
        [InlineData("a@b.com\r\nBcc: victim@example.com")]
        [InlineData("\na@b.com")]
        [InlineData("a@b.com\u0000")]
        [InlineData("a@b.com,c@d.com")]
        [InlineData("a@b.com\tc@d.com")]
        public async Task Notification_emails_with_line_breaks_or_lists_are_refused_before_any_request(string email)
        {
            await using var rig = await EmulatorRig.StartAsync();

            var error = Assert.Throws<CpException>(() => PartnerApi.JoinNotificationEmails(new[] { "ok@example.com", email }));

            Assert.Equal(CpErrorKind.InvalidArgument, error.Kind);
            Assert.Contains("-NotificationEmail", error.Message);
            Assert.DoesNotContain("\n", error.Message);
            Assert.Empty(await rig.RequestsAsync());
        }

        [Theory]
        [InlineData("X-Test", "a\r\nX-Injected: 1", "control characters")]
        [InlineData("X-Test", "a\nb", "control characters")]
        [InlineData("X-Test", "a\u0000b", "control characters")]
        [InlineData("X-Test", "caf\u00e9", "printable ASCII")]
        [InlineData("X-Test\r\nX-Injected", "1", "not a valid HTTP header name")]
        [InlineData("X Test", "1", "not a valid HTTP header name")]
        [InlineData("", "1", "not a valid HTTP header name")]
        [InlineData("Authorization", "Bearer other", "the session sets it")]
        [InlineData("host", "evil.example.com", "the session sets it")]
        [InlineData("Content-Length", "0", "the session sets it")]
        public void Headers_that_could_split_or_hijack_the_request_are_refused(string name, string value, string why)
        {
            var error = Assert.Throws<CpException>(() => ApiRequest.Create(HttpMethod.Get, "/api/publishers").SetHeader(name, value));

            Assert.Equal(CpErrorKind.InvalidArgument, error.Kind);
            Assert.Contains("-Headers", error.Message);
            Assert.Contains(why, error.Message);
        }

        [Fact]
        public async Task A_hostile_ETag_is_refused_before_it_is_sent_back_as_If_Match()
        {
            await using var rig = await EmulatorRig.StartAsync();
            var api = rig.Api();
            var read = await api.GetOfferAsync("contoso", "contoso-vm", null, null, null, default);
            await rig.ClearRequestsAsync();

            var error = await Assert.ThrowsAsync<CpException>(() => api.PutOfferAsync("contoso", "contoso-vm", read.Document, "\"x\"\r\nX-Injected: 1", null, default));

            Assert.Equal(CpErrorKind.InvalidArgument, error.Kind);
            Assert.Contains("ETag", error.Message);
            Assert.Empty(await rig.RequestsAsync());
        }

        [Theory]
        [InlineData("{\"a\":\"x\\ud800y\"}")]
        [InlineData("{\"a\":[\"\\udc00\"]}")]
        [InlineData("{\"x\\ud800\":1}")]
        [InlineData("{\"a\":1,\"a\":2}")]
        public void Json_a_reader_could_not_decode_later_is_refused_at_parse_time(string json)
        {
            var error = Assert.Throws<CpException>(() => LosslessJson.Parse(json, "-Body", CpErrorKind.InvalidArgument));

            Assert.Equal(CpErrorKind.InvalidArgument, error.Kind);
            Assert.StartsWith("-Body is not valid JSON", error.Message);
        }

        [Fact]
        public void An_html_page_is_named_as_such()
        {
            var error = Assert.Throws<CpException>(() => LosslessJson.Parse("\r\n<html><body>Sign in to the proxy</body></html>"));

            Assert.Equal(CpErrorKind.InvalidResponse, error.Kind);
            Assert.Contains("HTML", error.Message);
        }

        [Theory]
        [InlineData("/\\evil.example.com/api/publishers")]
        [InlineData("\\\\evil.example.com\\api")]
        [InlineData("/%5c%5cevil.example.com/x")]
        [InlineData("/api/%2e%2e/%2e%2e/x")]
        public async Task Paths_that_look_like_other_hosts_stay_on_the_endpoint(string path)
        {
            await using var rig = await EmulatorRig.StartAsync();
            var connection = rig.Connect();

            var url = connection.ResolveUrl(path);

            Assert.Equal(rig.BaseAddress.GetLeftPart(UriPartial.Authority), url.GetLeftPart(UriPartial.Authority));
        }

        [Theory]
        [InlineData("//evil.example.com/api")]
        [InlineData("https://evil.example.com/api")]
        [InlineData("/api/publishers\n")]
        [InlineData("javascript:alert(1)")]
        public async Task Paths_to_other_hosts_or_with_control_characters_are_refused_before_any_request(string path)
        {
            await using var rig = await EmulatorRig.StartAsync();

            var error = await Assert.ThrowsAsync<CpException>(() => rig.Connect().SendAsync(ApiRequest.Create(HttpMethod.Get, path), null, default));

            Assert.True(error.Kind == CpErrorKind.InvalidArgument || error.Kind == CpErrorKind.UntrustedLocation, error.Kind.ToString());
            Assert.Empty(await rig.RequestsAsync());
        }
    }
}
