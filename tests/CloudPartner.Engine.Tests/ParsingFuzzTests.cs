using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using CloudPartner.Emulator;
using CloudPartner.Engine.Cpp;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Models;
using CloudPartner.Engine.Security;

namespace CloudPartner.Engine.Tests
{
    /// <summary>Real answers of every endpoint, taken from an emulator once for all fuzz cases.</summary>
    public sealed class FuzzSeeds : IAsyncLifetime
    {
        public Dictionary<string, List<string>> ByModel { get; } = new Dictionary<string, List<string>>();

        public async Task InitializeAsync()
        {
            await using var rig = await EmulatorRig.StartAsync();
            var api = rig.Api();
            var started = await api.StartOperationAsync("contoso", "contoso-app", OperationKind.Publish, null, null, default);
            using var http = new HttpClient { BaseAddress = rig.BaseAddress };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", EmulatorRig.Token);

            async Task<string> Get(string path) => await http.GetStringAsync(path.Contains("api-version=", StringComparison.Ordinal) ? path : path + "?api-version=2017-10-31");

            Add("publishers", await Get("/api/publishers"));
            Add("offers", await Get("/api/publishers/contoso/offers"));
            foreach (var offer in new[] { "contoso-vm", "test-vm", "contoso-large", "contoso-app" })
            {
                Add("offer", await Get("/api/publishers/contoso/offers/" + offer));
            }

            Add("status", await Get("/api/publishers/contoso/offers/contoso-vm/status"));
            Add("status", await Get("/api/publishers/contoso/offers/contoso-app/status"));
            Add("submissions", await Get("/api/publishers/contoso/offers/contoso-vm/submissions"));
            Add("operation", await Get(started.Location!.Uri.PathAndQuery));
            var failed = (await api.ListOperationsAsync("contoso", "contoso-vm", null, null, default))[0];
            Add("operation", await Get(failed.Location!.Uri.PathAndQuery));
            Add("error", "{\"error\":{\"code\":\"InternalServerError\",\"message\":\"We cannot complete the request now, please try again later.\"}}");
            Add("error", "{\"Message\":\"Authorization has been denied for this request.\"}");
            Add("error", "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid client secret provided.\"}");

            // The reference's own samples, broken ones included, feed every model.
            foreach (var (_, json) in ReferenceSamples.All)
            {
                foreach (var list in ByModel.Values)
                {
                    list.Add(json);
                }
            }
        }

        public Task DisposeAsync() => Task.CompletedTask;

        private void Add(string model, string json)
        {
            if (!ByModel.TryGetValue(model, out var list))
            {
                ByModel[model] = list = new List<string>();
            }

            list.Add(json);
        }
    }

    /// <summary>
    /// Seeded, bounded fuzzing of every response parser with malformed JSON: each input yields a model (whose derived
    /// properties can all be read) or a CpException, and never any other exception.
    /// </summary>
    public class ParsingFuzzTests : IClassFixture<FuzzSeeds>
    {
        private const int CasesPerModel = 600;

        private static readonly string[] Tokens =
        {
            "null", "[]", "{}", "\"\"", "\"\\ud800\"", "\"\\udc00x\"", "1e400", "-1e400", "-0", "-0.0", "1E+3", "9223372036854775808",
            "-9223372036854775809", "0.1e-400", "true", "false", "\"x\"", ",", ":", "\"", "{", "}", "[", "]", "\\", "\"\\u0000\"",
            "\"<b>html</b>&amp;\"", "\"2024-13-45T99:99:99Z\"", "\"9999-12-31T23:59:59-14:00\"", "\"\\n\\r\\t\"", "NaN", "Infinity",
            "\"steps\"", "\"status\"", "\"definition\"", "\"messages\"", "\"error\"", "\"id\"", "\"version\"",
        };

        private static readonly string[] Fields =
        {
            "id", "status", "submissionState", "steps", "messages", "messageHtml", "level", "timestamp", "definition", "offer",
            "plans", "version", "offerVersion", "publishingVersion", "progressPercentage", "estimatedTimeFrame", "stepName",
            "publisherId", "offerTypeId", "changedTime", "createdDateTime", "lastActionDateTime", "pcMigrationStatus", "error",
            "code", "message", "notificationEmails", "metadata", "emails", "previewLinks", "liveLinks", "sellerId",
            "offerTypeCategories", "displayText", "submissionType", "slot", "cancellationRequestState", "lockStatus",
        };

        private readonly FuzzSeeds seeds;

        public ParsingFuzzTests(FuzzSeeds seeds)
        {
            this.seeds = seeds;
        }

        public static TheoryData<string> Models => new TheoryData<string> { "publishers", "offers", "offer", "status", "submissions", "operation", "error" };

        [Theory]
        [MemberData(nameof(Models))]
        public void Malformed_answers_give_a_model_or_a_CpException_and_nothing_else(string model)
        {
            var random = new Random(20240501 + model.Sum(c => c));
            var inputs = seeds.ByModel[model];
            var surprises = new List<string>();
            var parsed = 0;
            var refused = 0;
            for (var i = 0; i < CasesPerModel; i++)
            {
                var seed = inputs[random.Next(inputs.Count)];
                var input = Mutate(seed, random);
                try
                {
                    Exercise(model, input);
                    parsed++;
                }
                catch (CpException e)
                {
                    Assert.False(string.IsNullOrWhiteSpace(e.Message));
                    refused++;
                }
                catch (Exception e)
                {
                    surprises.Add($"{e.GetType().Name}: {e.Message} <- {Shorten(input)}");
                }
            }

            Assert.True(surprises.Count == 0, string.Join(Environment.NewLine, surprises.Take(10)));

            // The mutations must both break and keep inputs, or the test proves little. (An error envelope is read
            // leniently: any body gives an error with a message, so nothing is refused there.)
            Assert.True(parsed > CasesPerModel / 50, $"only {parsed} parsed");
            Assert.True(model == "error" || refused > CasesPerModel / 4, $"only {refused} refused");
        }

        /// <summary>Parses as the API does, then reads everything derived from the model.</summary>
        private static void Exercise(string model, string body)
        {
            switch (model)
            {
                case "publishers":
                    foreach (var publisher in PublisherInfo.ParseList(body))
                    {
                        _ = (publisher.Id, publisher.DisplayText, publisher.SellerId, publisher.OfferTypeCategories.Count);
                    }

                    break;
                case "offers":
                    foreach (var offer in OfferDocument.ParseList(body))
                    {
                        Read(offer);
                    }

                    break;
                case "offer":
                    var document = OfferDocument.Parse(body, "\"etag\"");
                    Read(document);
                    var copy = (JsonObject)document.Document.DeepClone();
                    OfferDocument.StripReadOnlyKeys(copy);
                    Json.LosslessJson.Write(copy);
                    break;
                case "status":
                    var status = OfferStatusInfo.FromJson(body, "contoso", "offer");
                    _ = (status.State, status.Messages.Select(m => m.Text).ToList(), status.PreviewLinks.Count, status.LiveLinks.Count, status.NotificationEmails.Count);
                    foreach (var step in status.Steps)
                    {
                        _ = (step.DisplayName, step.Messages.Select(m => m.Text).ToList());
                    }

                    break;
                case "submissions":
                    foreach (var operation in OperationInfo.ParseList(body, "contoso", "offer"))
                    {
                        Read(operation);
                    }

                    break;
                case "operation":
                    Read(OperationInfo.FromJson(body, "contoso", "offer"));
                    break;
                case "error":
                    var error = ErrorMapper.FromResponse(HttpStatusCode.InternalServerError, "Internal Server Error", body, "GET", "http://127.0.0.1/api/x", new Redactor(), 2);
                    _ = (error.Message, error.ServiceCode, error.ServiceMessage, error.RecommendedAction);
                    break;
            }
        }

        private static void Read(OfferDocument offer)
        {
            _ = (offer.Id, offer.PublisherId, offer.OfferTypeId, offer.Status, offer.State, offer.Version, offer.ChangedTime, offer.IsMigrated, offer.LockStatus, offer.DisplayText, offer.ETag);
        }

        private static void Read(OperationInfo operation)
        {
            _ = (operation.State, operation.IsTerminal, operation.IsPublish, operation.PercentComplete, operation.CurrentStep?.DisplayName, operation.DescribeFailure(), operation.Error);
            _ = Operations.OperationWaiter.IsDone(operation);
            foreach (var step in operation.Steps)
            {
                _ = (step.DisplayName, step.ProgressPercentage, step.Messages.Select(m => (m.Text, m.Timestamp)).ToList());
            }
        }

        private static string Mutate(string seed, Random random)
        {
            var rounds = 1 + random.Next(3);
            var text = seed;
            for (var round = 0; round < rounds; round++)
            {
                text = random.Next(11) switch
                {
                    9 => PoisonString(text, random, value: true),
                    10 => PoisonString(text, random, value: false),
                    0 => text.Substring(0, random.Next(text.Length + 1)),
                    1 => Replace(text, random.Next(text.Length + 1), 1, Tokens[random.Next(Tokens.Length)]),
                    2 => Replace(text, random.Next(text.Length + 1), 0, Tokens[random.Next(Tokens.Length)]),
                    3 => Replace(text, random.Next(text.Length + 1), random.Next(1, 40), string.Empty),
                    4 => StructuralSwap(text, random) ?? text,
                    5 => StructuralSwap(text, random) ?? text,
                    6 => text.Length > 1 && text[0] == '{' ? "{\"" + Fields[random.Next(Fields.Length)] + "\":" + Tokens[random.Next(Tokens.Length)] + "," + text.Substring(1) : text,
                    7 => new string('[', 1001) + text + new string(']', 1001),
                    _ => Tokens[random.Next(Tokens.Length)],
                };
            }

            return text;
        }

        /// <summary>
        /// Puts a lone UTF-16 surrogate (or another escape a reader may choke on) into one string value or one key,
        /// keeping the text valid JSON, so the parsers meet it where they read.
        /// </summary>
        private static string PoisonString(string text, Random random, bool value)
        {
            var pattern = value ? @"(:\s*)""([^""\\]*)""" : @"([{,]\s*)""([^""\\]*)""(\s*:)";
            var matches = System.Text.RegularExpressions.Regex.Matches(text, pattern);
            if (matches.Count == 0)
            {
                return text;
            }

            var match = matches[random.Next(matches.Count)];
            var poison = new[] { "\\ud800", "\\udfff", "\\ud83d", "\\u0000", "\\ud800\\ud800" }[random.Next(5)];
            var content = match.Groups[2].Value;
            var at = random.Next(content.Length + 1);
            var replaced = match.Groups[1].Value + "\"" + content.Substring(0, at) + poison + content.Substring(at) + "\"" + (value ? string.Empty : match.Groups[3].Value);
            return text.Substring(0, match.Index) + replaced + text.Substring(match.Index + match.Length);
        }

        /// <summary>Parses the text and gives one known field, anywhere in it, a random value; null when the text is not JSON.</summary>
        private static string? StructuralSwap(string text, Random random)
        {
            JsonNode? root;
            try
            {
                root = JsonNode.Parse(text);
            }
            catch (Exception)
            {
                return null;
            }

            try
            {
                var objects = new List<JsonObject>();
                Collect(root, objects);
                if (objects.Count == 0)
                {
                    return null;
                }

                var target = objects[random.Next(objects.Count)];
                var field = random.Next(3) == 0 && target.Count > 0 ? target.ElementAt(random.Next(target.Count)).Key : Fields[random.Next(Fields.Length)];
                target[field] = RandomValue(random, 0);
                return root!.ToJsonString();
            }
            catch (Exception)
            {
                // Text System.Text.Json parses but cannot walk or write (duplicate keys, lone surrogates): left as it is.
                return null;
            }
        }

        private static JsonNode? RandomValue(Random random, int depth)
        {
            switch (random.Next(depth > 3 ? 6 : 9))
            {
                case 0: return null;
                case 1: return JsonValue.Create(random.Next(2) == 0);
                case 2: return JsonNode.Parse(new[] { "-1", "0", "101", "-2147483649", "9223372036854775807", "1.5", "1e308", "-0" }[random.Next(8)]);
                case 3: return JsonValue.Create(new[] { "", "running", "WaitingForPublisherReview", "COMPLETED", "blocked", "x", "2024-05-01", "<p>hi</p>", "a,b;c" }[random.Next(9)]);
                case 4: return JsonValue.Create(new string('x', random.Next(1, 5000)));
                case 5: return JsonValue.Create(random.NextDouble() * 1000);
                case 6: return new JsonArray(Enumerable.Range(0, random.Next(4)).Select(_ => RandomValue(random, depth + 1)).ToArray());
                case 7:
                    var obj = new JsonObject();
                    for (var i = random.Next(4); i > 0; i--)
                    {
                        obj[Fields[random.Next(Fields.Length)]] = RandomValue(random, depth + 1);
                    }

                    return obj;
                default: return new JsonArray(new JsonObject { ["id"] = "publisher-signoff", ["status"] = "waitingForPublisherReview", ["progressPercentage"] = RandomValue(random, depth + 1) });
            }
        }

        private static void Collect(JsonNode? node, List<JsonObject> objects)
        {
            switch (node)
            {
                case JsonObject obj:
                    objects.Add(obj);
                    foreach (var property in obj)
                    {
                        Collect(property.Value, objects);
                    }

                    break;
                case JsonArray array:
                    foreach (var item in array)
                    {
                        Collect(item, objects);
                    }

                    break;
            }
        }

        private static string Replace(string text, int index, int length, string with)
        {
            index = Math.Min(index, text.Length);
            length = Math.Min(length, text.Length - index);
            return new StringBuilder(text).Remove(index, length).Insert(index, with).ToString();
        }

        private static string Shorten(string text) => text.Length > 300 ? text.Substring(0, 300) + "…" : text;
    }
}
