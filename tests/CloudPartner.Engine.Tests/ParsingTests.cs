using System;
using System.Linq;
using System.Text.RegularExpressions;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Json;
using CloudPartner.Engine.Models;

namespace CloudPartner.Engine.Tests
{
    /// <summary>Parses the reference's own samples, quirks included.</summary>
    public class ParsingTests
    {
        private static string Sample(string marker)
        {
            var sample = ReferenceSamples.All.Select(s => s.Json).FirstOrDefault(j => j.Contains(marker, StringComparison.Ordinal));
            return sample ?? throw new InvalidOperationException($"No JSON sample containing '{marker}' in the reference.");
        }

        /// <summary>Mends the documented syntax errors of the doc samples (trailing commas, a missing quote, an extra brace).</summary>
        private static string Mend(string json)
        {
            json = json.Replace("liveLinks\":", "\"liveLinks\":").Replace("\"\"liveLinks", "\"liveLinks");
            json = Regex.Replace(json, @",(\s*[}\]])", "$1");
            return json;
        }

        [Fact]
        public void The_operation_detail_sample_is_invalid_as_printed_and_parses_once_mended()
        {
            var raw = Sample("\"cancellationRequestState\": \"canCancel\"");
            Assert.Equal(CpErrorKind.InvalidResponse, Assert.Throws<CpException>(() => LosslessJson.Parse(raw)).Kind);

            // The sample also has an extra closing brace before the closing bracket.
            var mended = Mend(raw);
            var lastBrace = mended.LastIndexOf('}');
            mended = mended.Remove(lastBrace, 1);
            var operation = OperationInfo.Parse(LosslessJson.Parse(mended), "contoso", "offer");

            Assert.Equal(OperationState.Running, operation.State);
            Assert.Equal(6, operation.Steps.Count);
            Assert.Null(operation.Steps.Single(s => s.Id == "publisher-signoff").EstimatedTimeFrame);
            Assert.Equal("canCancel", operation.CancellationRequestState);
            Assert.Equal(2, operation.PublishingVersion);
            Assert.Equal("displaycertify", operation.CurrentStep!.Id);
            Assert.Contains("No virtual machine image was found for the plan contoso.", operation.DescribeFailure());
            Assert.Equal(new DateTimeOffset(2017, 3, 28, 19, 50, 36, TimeSpan.Zero).AddTicks(5000520), operation.Steps[0].Messages[0].Timestamp);
        }

        [Fact]
        public void The_offer_status_sample_parses_once_mended()
        {
            var raw = Sample("\"id\": \"displaydummycertify\",\n          \"stepName\"");
            Assert.Throws<CpException>(() => LosslessJson.Parse(raw));

            var status = OfferStatusInfo.Parse(LosslessJson.Parse(Mend(raw)), "contoso", "offer");

            Assert.Equal(OperationState.Succeeded, status.State);
            Assert.Equal(6, status.Steps.Count);
            Assert.Equal("< 15 min", status.Steps[0].EstimatedTimeFrame);
            Assert.Equal(100, status.Steps[0].ProgressPercentage);
            Assert.Empty(status.LiveLinks);
        }

        [Fact]
        public void The_offers_list_sample_with_status_published_parses()
        {
            var offers = LosslessJson.ParseArray(Sample("\"Contoso Virtual Machine\""));
            var offer = new OfferDocument((System.Text.Json.Nodes.JsonObject)offers[0]!, null);

            Assert.Equal("published", offer.Status);
            Assert.Equal(OperationState.Succeeded, offer.State);
            Assert.Equal(1, offer.Version);
            Assert.Equal(new DateTimeOffset(2017, 5, 23, 23, 33, 47, TimeSpan.Zero).AddTicks(8802283), offer.ChangedTime);
        }

        [Fact]
        public void The_post_migration_list_item_with_a_date_without_Z_parses_as_utc()
        {
            var offer = new OfferDocument(LosslessJson.ParseObject(Sample("\"pcMigrationStatus\": \"migrated\"")), null);

            Assert.True(offer.IsMigrated);
            Assert.Equal("none", offer.LockStatus);
            Assert.Equal(OperationState.NeverPublished, offer.State);
            Assert.Equal(new DateTimeOffset(2022, 6, 2, 12, 25, 56, 651, TimeSpan.Zero), offer.ChangedTime);
        }

        [Fact]
        public void The_submissions_sample_keeps_its_int64_version_and_slot()
        {
            var json = Sample("\"submissionState\": \"running\"");
            var list = LosslessJson.ParseArray(json);
            var operation = OperationInfo.Parse(list[0], "contoso", "offer");

            Assert.Equal("5a63deb5-925b-4ee0-938b-7c86fbf287c5", operation.Id);
            Assert.Equal("publish", operation.SubmissionType);
            Assert.Equal(OperationState.Running, operation.State);
            Assert.Equal("staging", operation.Slot);
            Assert.Contains("jdoe@contoso.com", operation.NotificationEmails);
            Assert.Contains("636576975611768314", LosslessJson.Write(list));
        }

        [Fact]
        public void The_specific_offer_sample_with_changedTime_inside_definition_parses()
        {
            // As printed, the sample closes one brace too many (changedTime slipped inside definition).
            var raw = Sample("\"status\": \"failed\",\n    \"id\": \"059afc24");
            Assert.Throws<CpException>(() => OfferDocument.Parse(raw, null));
            var mended = raw.Remove(raw.LastIndexOf('}'), 1);

            var offer = OfferDocument.Parse(mended, "W/\"datetime'2017-06-07T06%3A15%3A40.4771399Z'\"");

            Assert.Equal(5, offer.Version);
            Assert.Equal(OperationState.Failed, offer.State);
            Assert.NotNull(offer.ChangedTime);
            Assert.Equal("Contoso Virtual Machine Offer", offer.DisplayText);
            Assert.StartsWith("W/", offer.ETag);
        }

        [Fact]
        public void The_publisher_sample_parses()
        {
            var publisher = PublisherInfo.Parse(LosslessJson.ParseArray(Sample("\"sellerId\": 1234567"))[0]);

            Assert.Equal("your-publisher-id", publisher.Id);
            Assert.Equal(1234567, publisher.SellerId);
            Assert.Equal(new[] { "someCategories" }, publisher.OfferTypeCategories);
        }

        [Theory]
        [InlineData("{\"steps\":\"not an array\"}", "steps")]
        [InlineData("{\"steps\":[1,2]}", "steps[]")]
        [InlineData("{\"publishingVersion\":\"two\"}", "publishingVersion")]
        [InlineData("{\"status\":{\"a\":1}}", "status")]
        [InlineData("{\"steps\":[{\"progressPercentage\":[]}]}", "progressPercentage")]
        public void Wrong_types_in_known_fields_are_invalid_responses_naming_the_field(string json, string field)
        {
            var error = Assert.Throws<CpException>(() => OperationInfo.Parse(LosslessJson.Parse(json), "contoso", "vm"));
            Assert.Equal(CpErrorKind.InvalidResponse, error.Kind);
            Assert.Contains("'" + field + "'", error.Message);
        }

        [Theory]
        [InlineData("null")]
        [InlineData("42")]
        [InlineData("[]")]
        [InlineData("\"text\"")]
        public void Non_objects_are_invalid_operations(string json)
        {
            Assert.Equal(CpErrorKind.InvalidResponse, Assert.Throws<CpException>(() => OperationInfo.Parse(LosslessJson.Parse(json), "contoso", "vm")).Kind);
        }
    }
}
