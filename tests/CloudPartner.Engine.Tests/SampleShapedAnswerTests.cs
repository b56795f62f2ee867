using System;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using CloudPartner.Engine.Auth;
using CloudPartner.Engine.Cpp;
using CloudPartner.Engine.Http;
using CloudPartner.Engine.Models;
using CloudPartner.Engine.Operations;

namespace CloudPartner.Engine.Tests
{
    /// <summary>
    /// The module depends on no field that the documentation's samples do not show: an operation answered as the
    /// "GET operation" sample is (no id, no submissionType, no dates) is still waited for correctly, with publisher
    /// sign-off shown either way real sources disagree on.
    /// </summary>
    public class SampleShapedAnswerTests
    {
        private const string Endpoint = "http://127.0.0.1:9/";

        /// <summary>Sign-off as a step under a running operation (what real clients detect).</summary>
        private const string SignoffAsStep = """
            {"status":"running","messages":[],"steps":[
              {"estimatedTimeFrame":"< 15 min","id":"validation","description":"","stepName":"Validation","status":"complete","messages":[],"progressPercentage":100},
              {"estimatedTimeFrame":null,"id":"publisher-signoff","description":"","stepName":"publisher-signoff","status":"waitingForPublisherReview","messages":[],"progressPercentage":0}],
             "previewLinks":[],"liveLinks":[],"notificationEmails":"jd@contoso.com","publishingVersion":2,"offerVersion":1,"cancellationRequestState":null}
            """;

        /// <summary>Sign-off as the operation's own status (what the emulator's /status shows by default).</summary>
        private const string SignoffAsStatus = """
            {"status":"waitingForPublisherReview","messages":[],"steps":[
              {"estimatedTimeFrame":null,"id":"publisher-signoff","description":"","stepName":"Publisher signoff","status":"waitingForPublisherReview","messages":[],"progressPercentage":0}],
             "previewLinks":[],"liveLinks":[],"publishingVersion":2,"offerVersion":1}
            """;

        [Theory]
        [InlineData(SignoffAsStep, "publish", "4a9e9ad0-8a86-4c07-9c21-3b1d5a7f2f5e")]
        [InlineData(SignoffAsStatus, "publish", "4a9e9ad0-8a86-4c07-9c21-3b1d5a7f2f5e")]
        [InlineData(SignoffAsStep, null, "contoso$contoso-vm$2$preview")]
        [InlineData(SignoffAsStatus, null, "contoso$contoso-vm$2$preview")]
        public async Task A_publish_wait_ends_at_sign_off_whatever_shape_and_without_submissionType(string answer, string? knownType, string operationId)
        {
            using var connection = new ApiConnection(
                new ConnectionSettings { Endpoint = new Uri(Endpoint), PublisherId = "contoso" },
                new StaticTokenProvider("sample-token"),
                handler: new Answering(answer),
                delay: (_, _) => Task.CompletedTask);
            var api = new PartnerApi(connection);
            var operation = new OperationInfo
            {
                Id = operationId,
                PublisherId = "contoso",
                OfferId = "contoso-vm",
                SubmissionType = knownType,
                State = OperationState.Running,
                Location = api.LocationOf("contoso", "contoso-vm", operationId),
            };

            var result = await new OperationWaiter(api).WaitAsync(operation, new WaitOptions { PollingInterval = TimeSpan.FromSeconds(1), Timeout = TimeSpan.FromHours(1) }, null, null, default);

            Assert.Equal(WaitOutcome.Completed, result.Outcome);
            Assert.Equal(OperationState.WaitingForPublisherReview, result.Operation.State);
            Assert.Equal("publish", result.Operation.SubmissionType);
            Assert.Equal(operationId, result.Operation.Id);
            Assert.Equal(1, result.Polls);
        }

        /// <summary>Answers every request with one body, as a service that sends only what its samples show.</summary>
        private sealed class Answering : HttpMessageHandler
        {
            private readonly string body;

            public Answering(string body) => this.body = body;

            protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
                Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        }
    }
}
