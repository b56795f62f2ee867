using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using CloudPartner.Emulator;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Http;

namespace CloudPartner.Engine.Tests
{
    public class ErrorMappingTests
    {
        [Theory]
        [InlineData(400, CpErrorKind.BadRequest)]
        [InlineData(401, CpErrorKind.Unauthorized)]
        [InlineData(403, CpErrorKind.AccessDenied)]
        [InlineData(404, CpErrorKind.NotFound)]
        [InlineData(409, CpErrorKind.Conflict)]
        [InlineData(412, CpErrorKind.PreconditionFailed)]
        [InlineData(422, CpErrorKind.ValidationFailed)]
        [InlineData(429, CpErrorKind.Throttled)]
        [InlineData(500, CpErrorKind.ServiceError)]
        [InlineData(503, CpErrorKind.ServiceError)]
        [InlineData(418, CpErrorKind.BadRequest)]
        public void Maps_every_status_to_a_kind(int status, object kind)
        {
            Assert.Equal((CpErrorKind)kind, ErrorMapper.KindFor((HttpStatusCode)status));
        }

        [Fact]
        public async Task Carries_the_service_code_message_status_and_url()
        {
            await using var rig = await EmulatorRig.StartAsync();
            var connection = rig.Connect(s => s.ApiVersion = "2016-08-01-preview");

            var error = await Assert.ThrowsAsync<CpException>(() => connection.SendAsync(ApiRequest.Create(HttpMethod.Get, "/api/publishers"), null, default));

            Assert.Equal(CpErrorKind.BadRequest, error.Kind);
            Assert.Equal("CpBadRequest", error.ErrorId);
            Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
            Assert.Equal("InvalidAPIVersion", error.ServiceCode);
            Assert.Contains("Invalid api version", error.ServiceMessage);
            Assert.Contains("InvalidAPIVersion", error.Message);
            Assert.Contains("/api/publishers?api-version=2016-08-01-preview", error.RequestUri);
            Assert.Contains(error.RequestUri!, error.Message);
            Assert.False(string.IsNullOrWhiteSpace(error.RecommendedAction));
        }

        [Fact]
        public async Task Reads_the_401_body_shape()
        {
            await using var rig = await EmulatorRig.StartAsync(o => o.Settings = o.Settings with { AcceptAnyToken = false });
            var connection = rig.Connect();

            var error = await Assert.ThrowsAsync<CpException>(() => connection.SendAsync(ApiRequest.Create(HttpMethod.Get, "/api/publishers"), null, default));

            Assert.Equal(CpErrorKind.Unauthorized, error.Kind);
            Assert.NotNull(error.ServiceMessage);
            Assert.Contains("Connect-CpAccount", error.RecommendedAction);
        }

        [Fact]
        public async Task Describes_an_html_gateway_page_instead_of_dumping_it()
        {
            await using var rig = await EmulatorRig.StartAsync(o => o.Faults.Add(new FaultRule { Kind = FaultKind.Hostile, Variant = HostileVariants.HtmlGateway, Path = "/api/publishers" }));
            var connection = rig.Connect(s => s.MaxRetries = 1);

            var error = await Assert.ThrowsAsync<CpException>(() => connection.SendAsync(ApiRequest.Create(HttpMethod.Get, "/api/publishers"), null, default));

            Assert.Equal(CpErrorKind.ServiceError, error.Kind);
            Assert.Contains("HTML page", error.Message);
            Assert.DoesNotContain("<html", error.Message, System.StringComparison.OrdinalIgnoreCase);
        }

        [Theory]
        [InlineData("{\"error\":{\"code\":\"Forbidden\",\"message\":\"User does not have the required permissions\"}}", "Forbidden", "User does not have the required permissions")]
        [InlineData("{\"Message\":\"Authorization has been denied for this request.\"}", null, "Authorization has been denied for this request.")]
        [InlineData("{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid client secret provided.\"}", "invalid_client", "AADSTS7000215: Invalid client secret provided.")]
        [InlineData("<html>bad gateway</html>", null, null)]
        [InlineData("", null, null)]
        [InlineData("[1,2]", null, null)]
        public void Parses_each_error_envelope(string body, string? code, string? message)
        {
            var (parsedCode, parsedMessage) = ServiceErrorBody.Parse(body);
            Assert.Equal(code, parsedCode);
            Assert.Equal(message, parsedMessage);
        }

        [Theory]
        [InlineData("\u001b[2J\u001b[H")]
        [InlineData("\u001b]8;;https://evil.example.com\u0007click\u001b]8;;\u0007")]
        [InlineData("ok\r\nWARNING: your token expired, run Connect-CpAccount -AccessToken <paste>")]
        [InlineData("name\u202egpj.exe")]
        public void Nothing_the_service_says_reaches_a_terminal_raw(string hostile)
        {
            var body = System.Text.Json.JsonSerializer.Serialize(new { error = new { code = hostile, message = hostile } });

            var error = ErrorMapper.FromResponse(HttpStatusCode.BadRequest, "Bad Request", body, "GET", "https://x/api", new Security.Redactor(), 0);
            var operation = Models.OperationInfo.FromJson(
                System.Text.Json.JsonSerializer.Serialize(new { status = "failed", steps = new[] { new { id = hostile, stepName = hostile, status = "failed", estimatedTimeFrame = hostile, messages = new[] { new { messageHtml = hostile, level = "Error" } } } } }),
                "contoso",
                "contoso-vm");

            foreach (var shown in new[] { error.Message, error.ServiceCode!, error.ServiceMessage!, operation.DescribeFailure(), operation.CurrentStep!.DisplayName, operation.CurrentStep.EstimatedTimeFrame! })
            {
                Assert.DoesNotContain(shown, c => char.IsControl(c) || System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format);
            }

            if (hostile.Contains('\u001b'))
            {
                Assert.Contains("\\u001b", error.Message);
                Assert.Contains("\\u001b", operation.DescribeFailure());
            }
        }
    }
}
