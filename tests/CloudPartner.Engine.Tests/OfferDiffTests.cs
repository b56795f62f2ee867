using System;
using System.Linq;
using System.Text.Json.Nodes;
using CloudPartner.Engine.Json;
using CloudPartner.Engine.Offers;

namespace CloudPartner.Engine.Tests
{
    /// <summary>The differ behind Compare-CpOffer and Invoke-CpGoLive -WhatIf, on the documentation's samples and on generated documents.</summary>
    public class OfferDiffTests
    {
        private static JsonNode Parse(string json) => LosslessJson.Parse(json)!;

        private static string Describe(OfferChange c) => $"{c.Kind} {c.Path}";

        [Fact]
        public void A_document_compared_with_itself_has_no_changes_for_every_reference_sample()
        {
            foreach (var (line, json) in ReferenceSamples.All)
            {
                JsonNode? document;
                try
                {
                    document = LosslessJson.Parse(json);
                }
                catch (Errors.CpException)
                {
                    continue; // The documentation's own syntax errors (see the fixture).
                }

                Assert.True(OfferDiff.Compare(document, document!.DeepClone(), includeVolatile: true).Count == 0, $"sample at reference line {line}");
            }
        }

        [Fact]
        public void Plans_are_matched_by_planId_so_reordering_is_not_a_change()
        {
            var reference = Parse("""{"definition":{"plans":[{"planId":"a","title":"A"},{"planId":"b","title":"B"}]}}""");
            var difference = Parse("""{"definition":{"plans":[{"planId":"b","title":"B"},{"planId":"a","title":"A"}]}}""");

            Assert.Empty(OfferDiff.Compare(reference, difference));
        }

        [Fact]
        public void A_changed_added_and_removed_plan_are_reported_at_their_indexes()
        {
            var reference = Parse("""{"definition":{"plans":[{"planId":"a","title":"A"},{"planId":"gone","title":"G"},{"planId":"b","title":"B"}]}}""");
            var difference = Parse("""{"definition":{"plans":[{"planId":"b","title":"B2"},{"planId":"a","title":"A"},{"planId":"new","title":"N"}]}}""");

            var changes = OfferDiff.Compare(reference, difference).Select(Describe).ToList();

            // Modified and Added index the difference document; Removed the reference document.
            Assert.Equal(new[] { "Modified /definition/plans/0/title", "Added /definition/plans/2", "Removed /definition/plans/1" }, changes);
        }

        [Fact]
        public void Arrays_without_a_common_id_key_compare_by_position()
        {
            var changes = OfferDiff.Compare(Parse("""{"regions":["US","CA"]}"""), Parse("""{"regions":["CA","US","MX"]}""")).Select(Describe).ToList();

            Assert.Equal(new[] { "Modified /regions/0", "Modified /regions/1", "Added /regions/2" }, changes);
        }

        [Fact]
        public void Keys_added_and_removed_at_any_depth_come_in_document_order()
        {
            var reference = Parse("""{"a":1,"old":true,"b":{"c":{"d":1,"e":2}},"z":0}""");
            var difference = Parse("""{"a":1,"b":{"c":{"d":1,"f":3}},"new":"x","z":0}""");

            var changes = OfferDiff.Compare(reference, difference).Select(Describe).ToList();

            Assert.Equal(new[] { "Removed /old", "Removed /b/c/e", "Added /b/c/f", "Added /new" }, changes);
        }

        [Theory]
        [InlineData("9223372036854775807", "9223372036854775806", true)]
        [InlineData("1.0", "1", true)]
        [InlineData("1E+3", "1E+3", false)]
        [InlineData("\"2018-03-26T21:46:01.179948Z\"", "\"2018-03-26T21:46:01.179948+00:00\"", true)]
        [InlineData("\"2018-03-26T21:46:01Z\"", "\"2018-03-26T21:46:01Z\"", false)]
        [InlineData("1", "\"1\"", true)]
        [InlineData("null", "0", true)]
        public void Scalars_compare_exactly_as_the_lossless_reader_keeps_them(string before, string after, bool differs)
        {
            var changes = OfferDiff.Compare(Parse($$"""{"value":{{before}}}"""), Parse($$"""{"value":{{after}}}"""));

            Assert.Equal(differs, changes.Count == 1);
            if (differs)
            {
                Assert.Equal(ChangeKind.Modified, changes[0].Kind);
                Assert.Equal(before, LosslessJson.Write(changes[0].Before));
                Assert.Equal(after, LosslessJson.Write(changes[0].After));
            }
        }

        [Fact]
        public void Volatile_keys_are_left_out_unless_asked_for()
        {
            var reference = Parse("""{"version":5,"status":"live","changedTime":"2020-01-01T00:00:00Z","definition":{"changedTime":"x","plans":[{"planId":"a","changedTime":"1"}]},"target":{"targetType":"live"}}""");
            var difference = Parse("""{"version":6,"status":"running","changedTime":"2021-01-01T00:00:00Z","definition":{"changedTime":"y","plans":[{"planId":"a","changedTime":"2"}]},"target":{"targetType":"preview"}}""");

            Assert.Empty(OfferDiff.Compare(reference, difference));
            Assert.Equal(
                new[] { "Modified /version", "Modified /status", "Modified /changedTime", "Modified /definition/changedTime", "Modified /definition/plans/0/changedTime", "Modified /target/targetType" },
                OfferDiff.Compare(reference, difference, includeVolatile: true).Select(Describe));
        }

        [Fact]
        public void A_version_below_the_top_is_not_volatile()
        {
            var changes = OfferDiff.Compare(Parse("""{"definition":{"version":"1.0.0"}}"""), Parse("""{"definition":{"version":"1.0.1"}}"""));

            Assert.Equal("Modified /definition/version", Describe(Assert.Single(changes)));
        }

        [Fact]
        public void Keys_with_slashes_and_tildes_are_escaped_as_JSON_Pointer_says()
        {
            var changes = OfferDiff.Compare(Parse("""{"a/b":{"c~d":1}}"""), Parse("""{"a/b":{"c~d":2}}"""));

            Assert.Equal("/a~1b/c~0d", Assert.Single(changes).Path);
        }

        [Fact]
        public void A_type_change_is_one_modification_of_the_whole_value()
        {
            var changes = OfferDiff.Compare(Parse("""{"plans":{"a":1}}"""), Parse("""{"plans":[{"a":1}]}"""));

            var change = Assert.Single(changes);
            Assert.Equal("Modified /plans", Describe(change));
            Assert.IsType<JsonObject>(change.Before);
            Assert.IsType<JsonArray>(change.After);
        }

        [Fact]
        public void Deep_documents_are_compared_to_the_bottom()
        {
            JsonNode Deep(int value)
            {
                JsonNode node = new JsonObject { ["leaf"] = value };
                for (var i = 0; i < 500; i++)
                {
                    node = new JsonObject { ["level"] = node };
                }

                return node;
            }

            var change = Assert.Single(OfferDiff.Compare(Deep(1), Deep(2)));
            Assert.Equal(string.Concat(Enumerable.Repeat("/level", 500)) + "/leaf", change.Path);
        }

        [Fact]
        public void Generated_documents_report_exactly_the_edits_made()
        {
            var random = new Random(11);
            for (var round = 0; round < 50; round++)
            {
                var reference = new JsonObject { ["definition"] = new JsonObject { ["plans"] = new JsonArray() } };
                var plans = (JsonArray)reference["definition"]!["plans"]!;
                var count = random.Next(1, 12);
                for (var i = 0; i < count; i++)
                {
                    plans.Add(new JsonObject { ["planId"] = "plan-" + i, ["price"] = random.Next(1, 1000), ["regions"] = new JsonArray("US", "CA") });
                }

                var difference = (JsonObject)reference.DeepClone();
                var shuffled = ((JsonArray)difference["definition"]!["plans"]!).Select(p => p!.DeepClone()).OrderBy(_ => random.Next()).ToList();
                var edited = random.Next(count);
                ((JsonObject)shuffled[edited])["price"] = 100000 + round;
                var newPlans = new JsonArray(shuffled.ToArray());
                newPlans.Add(new JsonObject { ["planId"] = "added-" + round });
                difference["definition"]!["plans"] = newPlans;

                var changes = OfferDiff.Compare(reference, difference).Select(Describe).ToList();

                Assert.Equal(new[] { $"Modified /definition/plans/{edited}/price", $"Added /definition/plans/{count}" }, changes);
            }
        }

        [Fact]
        public void The_summary_sums_up_by_the_first_two_segments()
        {
            var reference = Parse("""{"definition":{"offer":{"title":"a","summary":"s"},"plans":[{"planId":"p","t":1}]}}""");
            var difference = Parse("""{"definition":{"offer":{"title":"b"},"plans":[{"planId":"p","t":2},{"planId":"q"}]}}""");

            var summary = new OfferChangeSummary(OfferDiff.Compare(reference, difference));

            Assert.Equal((1, 1, 2), (summary.Added, summary.Removed, summary.Modified));
            Assert.Equal(new[] { "/definition/offer", "/definition/plans" }, summary.Areas);
            Assert.Equal("4 changes under /definition/offer, /definition/plans", summary.Describe());
            Assert.Equal("no changes", new OfferChangeSummary(Array.Empty<OfferChange>()).Describe());
        }
    }
}
