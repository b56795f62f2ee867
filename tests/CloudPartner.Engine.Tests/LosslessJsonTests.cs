using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Json;

namespace CloudPartner.Engine.Tests
{
    public class LosslessJsonTests
    {
        [Theory]
        [InlineData("{\"a\":1,\"a\":2}", "$")]
        [InlineData("{\"x\":{\"y\":[true,{\"k\":1,\"k\":1}]}}", "$.x.y[1]")]
        [InlineData("[{\"ok\":1},[{\"z\":0,\"z\":0}]]", "$[1][0]")]
        public void A_key_given_twice_is_refused_naming_the_object(string json, string path)
        {
            var error = Assert.Throws<CpException>(() => LosslessJson.Parse(json));
            Assert.Equal(CpErrorKind.InvalidResponse, error.Kind);
            Assert.Contains($"Duplicate key in the object at {path}:", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void ParseDocument_reports_malformed_text_as_Parse_does()
        {
            var fromParse = Assert.Throws<CpException>(() => LosslessJson.Parse("{\"a\": [1, 2"));
            var fromDocument = Assert.Throws<CpException>(() => LosslessJson.ParseDocument("{\"a\": [1, 2"));
            Assert.Equal(fromParse.Message, fromDocument.Message);
            Assert.Equal(CpErrorKind.InvalidResponse, fromDocument.Kind);
            Assert.Throws<CpException>(() => LosslessJson.ParseDocument("  "));
        }

        [Fact]
        public void The_reference_has_json_samples_to_check()
        {
            Assert.True(ReferenceSamples.All.Count >= 10, $"expected the reference's JSON samples, found {ReferenceSamples.All.Count} in {ReferenceSamples.ReferencePath}");
        }

        [Fact]
        public void Every_valid_reference_sample_round_trips_exactly_and_every_broken_one_is_reported()
        {
            var roundTripped = 0;
            var rejected = new List<int>();
            foreach (var (line, json) in ReferenceSamples.All)
            {
                if (!IsStrictJson(json))
                {
                    var error = Assert.Throws<CpException>(() => LosslessJson.Parse(json));
                    Assert.Equal(CpErrorKind.InvalidResponse, error.Kind);
                    rejected.Add(line);
                    continue;
                }

                var written = LosslessJson.Write(LosslessJson.Parse(json));
                AssertSameDocument(json, written, $"sample at reference line {line}");
                roundTripped++;
            }

            Assert.True(roundTripped >= 8, $"only {roundTripped} samples round-tripped");
            // The reference documents its broken samples (single quotes, a missing quote, trailing commas, '...').
            Assert.NotEmpty(rejected);
        }

        [Fact]
        public void Int64_numbers_decimals_and_date_strings_survive()
        {
            const string json = "{\"version\":636576975611768314,\"big\":123456789012345678901234567890,\"single\":1.0,\"e\":1.5E-7,\"changedTime\":\"2022-06-02T12:25:56.651\",\"z\":\"2017-06-07T06:15:39.7349221Z\",\"neg\":-0,\"url\":\"https://x/a?b=1&c=2\",\"u\":\"caf\u00e9 \\u2603 <b>\"}";
            var written = LosslessJson.Write(LosslessJson.Parse(json));

            AssertSameDocument(json, written, "scalars");
            Assert.Contains("636576975611768314", written);
            Assert.Contains("123456789012345678901234567890", written);
            Assert.Contains("1.0", written);
            Assert.Contains("https://x/a?b=1&c=2", written);
        }

        [Fact]
        public void A_generated_5MB_40_level_deep_document_round_trips()
        {
            var json = GenerateDeepDocument(targetBytes: 5 * 1024 * 1024, depth: 40);
            Assert.True(json.Length >= 5 * 1024 * 1024);

            var written = LosslessJson.Write(LosslessJson.Parse(json));

            AssertSameDocument(json, written, "generated document");
        }

        [Theory]
        [InlineData("{\"a\":1,\"a\":2}")]
        [InlineData("{\"a\":1,}")]
        [InlineData("{'a':1}")]
        [InlineData("{\"a\":")]
        [InlineData("")]
        [InlineData("<html></html>")]
        public void Malformed_json_is_an_invalid_response(string json)
        {
            Assert.Equal(CpErrorKind.InvalidResponse, Assert.Throws<CpException>(() => LosslessJson.Parse(json)).Kind);
        }

        [Fact]
        public async Task An_offer_put_and_read_back_through_the_emulator_is_unchanged()
        {
            await using var rig = await EmulatorRig.StartAsync();
            var api = rig.Api();
            var original = await api.GetOfferAsync("contoso", "contoso-vm", null, null, null, default);
            var document = (JsonObject)JsonNode.Parse(original.RawJson!)!;
            document["definition"]!["offer"]!["microsoft-azure-marketplace.title"] = "Round trip";

            var put = await api.PutOfferAsync("contoso", "contoso-vm", document, "*", null, default);
            var again = await api.GetOfferAsync("contoso", "contoso-vm", null, null, null, default);

            Assert.False(put.Created);
            var before = (JsonObject)JsonNode.Parse(original.RawJson!)!;
            var after = (JsonObject)JsonNode.Parse(again.RawJson!)!;
            Assert.Equal("Round trip", after["definition"]!["offer"]!["microsoft-azure-marketplace.title"]!.GetValue<string>());
            after["definition"]!["offer"]!["microsoft-azure-marketplace.title"] = before["definition"]!["offer"]!["microsoft-azure-marketplace.title"]!.DeepClone();
            // Only server-managed top-level fields may differ.
            foreach (var key in new[] { "changedTime", "eTag" })
            {
                before.Remove(key);
                after.Remove(key);
            }

            AssertSameDocument(before.ToJsonString(), after.ToJsonString(), "contoso-vm after PUT");
        }

        /// <summary>Same keys in the same order, same number text, same strings, at every depth.</summary>
        internal static void AssertSameDocument(string expected, string actual, string what)
        {
            using var a = JsonDocument.Parse(expected, new JsonDocumentOptions { MaxDepth = 2000 });
            using var b = JsonDocument.Parse(actual, new JsonDocumentOptions { MaxDepth = 2000 });
            var difference = Compare(a.RootElement, b.RootElement, "$");
            Assert.True(difference is null, $"{what}: {difference}");
        }

        private static string? Compare(JsonElement a, JsonElement b, string path)
        {
            if (a.ValueKind != b.ValueKind)
            {
                return $"{path}: {a.ValueKind} became {b.ValueKind}";
            }

            switch (a.ValueKind)
            {
                case JsonValueKind.Object:
                    var left = a.EnumerateObject().ToList();
                    var right = b.EnumerateObject().ToList();
                    if (!left.Select(p => p.Name).SequenceEqual(right.Select(p => p.Name)))
                    {
                        return $"{path}: keys [{string.Join(",", left.Select(p => p.Name))}] became [{string.Join(",", right.Select(p => p.Name))}]";
                    }

                    for (var i = 0; i < left.Count; i++)
                    {
                        var d = Compare(left[i].Value, right[i].Value, path + "." + left[i].Name);
                        if (d != null)
                        {
                            return d;
                        }
                    }

                    return null;
                case JsonValueKind.Array:
                    if (a.GetArrayLength() != b.GetArrayLength())
                    {
                        return $"{path}: array length changed";
                    }

                    var i2 = 0;
                    foreach (var (x, y) in a.EnumerateArray().Zip(b.EnumerateArray()))
                    {
                        var d = Compare(x, y, path + "[" + i2++ + "]");
                        if (d != null)
                        {
                            return d;
                        }
                    }

                    return null;
                case JsonValueKind.String:
                    return a.GetString() == b.GetString() ? null : $"{path}: string changed";
                case JsonValueKind.Number:
                    return a.GetRawText() == b.GetRawText() ? null : $"{path}: number {a.GetRawText()} became {b.GetRawText()}";
                default:
                    return null;
            }
        }

        private static bool IsStrictJson(string json)
        {
            try
            {
                using var _ = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 2000 });
                return true;
            }
            catch (JsonException)
            {
                return false;
            }
        }

        internal static string GenerateDeepDocument(int targetBytes, int depth)
        {
            var random = new Random(42);
            var builder = new StringBuilder(targetBytes + 1024);
            builder.Append("{\"id\":\"generated\",\"version\":9007199254740993,\"plans\":[");
            var plan = 0;
            while (builder.Length < targetBytes)
            {
                if (plan > 0)
                {
                    builder.Append(',');
                }

                builder.Append("{\"planId\":\"plan-").Append(plan).Append("\",\"publishedDate\":\"2019-03-28T19:46:50Z\",\"n\":").Append(-4611686018427387904L + plan).Append(",\"price\":").Append((random.Next(1, 99999) / 100.0m).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)).Append(",\"deep\":");
                for (var level = 0; level < depth; level++)
                {
                    builder.Append("{\"level").Append(level).Append("\":[\"x&y<z>\",").Append(level).Append(",true,null,");
                }

                builder.Append("\"bottom\"");
                for (var level = 0; level < depth; level++)
                {
                    builder.Append("]}");
                }

                builder.Append('}');
                plan++;
            }

            builder.Append("]}");
            return builder.ToString();
        }
    }
}
