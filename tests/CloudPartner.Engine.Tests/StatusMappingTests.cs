using System.Collections.Generic;
using CloudPartner.Engine.Models;

namespace CloudPartner.Engine.Tests
{
    public class StatusMappingTests
    {
        [Theory]
        // Offer status table (docs, PascalCase) and the JSON camelCase forms.
        [InlineData("NeverPublished", OperationState.NeverPublished)]
        [InlineData("neverPublished", OperationState.NeverPublished)]
        [InlineData("NotStarted", OperationState.NotStarted)]
        [InlineData("notStarted", OperationState.NotStarted)]
        [InlineData("not started", OperationState.NotStarted)]
        [InlineData("WaitingForPublisherReview", OperationState.WaitingForPublisherReview)]
        [InlineData("Running", OperationState.Running)]
        [InlineData("running", OperationState.Running)]
        [InlineData("inProgress", OperationState.Running)]
        [InlineData("Succeeded", OperationState.Succeeded)]
        [InlineData("succeeded", OperationState.Succeeded)]
        [InlineData("complete", OperationState.Succeeded)]
        [InlineData("completed", OperationState.Succeeded)]
        [InlineData("COMPLETED", OperationState.Succeeded)]
        [InlineData("published", OperationState.Succeeded)]
        [InlineData("Canceled", OperationState.Canceled)]
        [InlineData("cancelled", OperationState.Canceled)]
        [InlineData("Failed", OperationState.Failed)]
        [InlineData("failed", OperationState.Failed)]
        [InlineData("somethingNew", OperationState.Unknown)]
        [InlineData("", OperationState.Unknown)]
        [InlineData(null, OperationState.Unknown)]
        public void Maps_each_status_word(string? word, object expected)
        {
            Assert.Equal((OperationState)expected, StatusMapper.Map(word, null));
        }

        [Theory]
        [InlineData("publisher-signoff", "Publisher signoff")]
        [InlineData("step-7", "publisher-signoff")]
        [InlineData("PUBLISHER-SIGNOFF", null)]
        [InlineData(null, "Publisher Signoff")]
        public void A_running_operation_waiting_at_signoff_is_matched_by_id_or_step_name(string? id, string? stepName)
        {
            var steps = new List<StepInfo>
            {
                new StepInfo { Id = "displaycertify", Status = "complete" },
                new StepInfo { Id = id, StepName = stepName, Status = "waitingForPublisherReview" },
            };

            Assert.Equal(OperationState.WaitingForPublisherReview, StatusMapper.Map("running", steps));
            Assert.Equal(OperationState.Succeeded, StatusMapper.Map("succeeded", steps));
        }

        [Fact]
        public void A_signoff_step_that_is_not_waiting_leaves_the_operation_running()
        {
            var steps = new List<StepInfo> { new StepInfo { Id = "publisher-signoff", Status = "notStarted" } };
            Assert.Equal(OperationState.Running, StatusMapper.Map("running", steps));
        }

        [Theory]
        [InlineData("inProgress", true, false, false)]
        [InlineData("running", true, false, false)]
        [InlineData("waitingForPublisherReview", true, false, false)]
        [InlineData("WaitingForApproval", true, false, false)]
        [InlineData("blocked", false, true, false)]
        [InlineData("Rejected", false, true, false)]
        [InlineData("failed", false, true, false)]
        [InlineData("complete", false, false, true)]
        [InlineData("completed", false, false, true)]
        [InlineData("notStarted", false, false, false)]
        [InlineData("canceled", false, false, false)]
        public void Classifies_every_step_status(string status, bool active, bool failed, bool complete)
        {
            Assert.Equal(active, StatusMapper.IsStepActive(status));
            Assert.Equal(failed, StatusMapper.IsStepFailed(status));
            Assert.Equal(complete, StatusMapper.IsStepComplete(status));
        }

        [Fact]
        public void Unknown_operation_status_is_kept_raw()
        {
            var operation = OperationInfo.Parse(System.Text.Json.Nodes.JsonNode.Parse("{\"status\":\"quantumSuperposition\",\"steps\":[]}"), "contoso", "vm");
            Assert.Equal(OperationState.Unknown, operation.State);
            Assert.Equal("quantumSuperposition", operation.Status);
        }

        [Fact]
        public void Html_messages_become_text()
        {
            Assert.Equal("No image for plan <contoso>. See docs & retry.", Html.ToText("<p>No image for plan <b>&lt;contoso&gt;</b>.</p>See <a href='x'>docs</a> &amp; retry."));
        }
    }
}
