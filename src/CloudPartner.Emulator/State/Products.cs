using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using CloudPartner.Emulator.Http;

namespace CloudPartner.Emulator.State
{
    /// <summary>
    /// An offer as the Product Ingestion API sees it: a product (<c>product/&lt;guid&gt;</c>, its <c>externalId</c> the CPP
    /// offer id) with resources per target and submissions. Its submissions are the offer's publish and go-live
    /// operations, so a publish or a go-live on either API shows on both.
    /// </summary>
    internal sealed partial class OfferRecord
    {
        public const string SchemaRoot = "https://schema.mp.microsoft.com/schema/";
        private JsonArray? draftResources;

        public Guid ProductGuid => ProductGuidOf(Publisher.Id, OfferId);

        public string ProductId => "product/" + ProductGuid.ToString("D");

        /// <summary>The submission id of what was live when the offer was seeded (no go-live operation made it live).</summary>
        public long? SeedLiveSubmissionId { get; set; }

        /// <summary>The product's <c>type</c>, from the CPP offer type.</summary>
        public string ProductType => OfferTypeId switch
        {
            "microsoft-azure-virtualmachines" => "azureVirtualMachine",
            "microsoft-azure-corevm" => "coreVirtualMachine",
            "microsoft-azure-applications" => "azureApplication",
            _ => "softwareAsAService",
        };

        /// <summary>The draft resources: derived from the CPP draft until a configure job changes them; a CPP PUT derives them again.</summary>
        public JsonArray DraftResources
        {
            get => draftResources ??= ResourcesOf(Draft);
            set => draftResources = value;
        }

        public void ForgetDraftResources() => draftResources = null;

        /// <summary>The publish that put what preview shows (the newest publish that reached sign-off), or null.</summary>
        public OperationRecord? PreviewPublish(DateTimeOffset now)
        {
            return Operations.LastOrDefault(op => !op.IsGoLive && SubmissionState(op, now) == ("completed", "succeeded"));
        }

        /// <summary>The go-live that made live what it is (the newest that succeeded), or null.</summary>
        public OperationRecord? LiveGoLive(DateTimeOffset now)
        {
            return Operations.LastOrDefault(op => op.IsGoLive && SubmissionState(op, now) == ("completed", "succeeded"));
        }

        /// <summary>The resources of a target (draft, preview, live), or null when nothing was ever published there.</summary>
        public JsonArray? ResourcesFor(string targetType, DateTimeOffset now)
        {
            switch (targetType)
            {
                case "draft":
                    return DraftResources;
                case "live":
                    return LiveGoLive(now)?.PublishOperation?.Resources ?? (SeedLiveSubmissionId is not null && Production is not null ? ResourcesOf(Production) : null);
                default:
                    var live = LiveGoLive(now);
                    var preview = PreviewPublish(now);
                    return preview is not null && (live is null || preview.Created > live.PublishOperation!.Created) ? preview.Resources : ResourcesFor("live", now);
            }
        }

        /// <summary>The product's submissions, as <c>GET submission/&lt;guid&gt;</c> lists them: draft, live, then preview.</summary>
        public IEnumerable<SubmissionView> Submissions(DateTimeOffset now)
        {
            var draft = new SubmissionView(SubmissionId(0), "draft", null, null, null);
            var list = new List<SubmissionView> { draft };
            var live = LiveGoLive(now);
            if (live is not null)
            {
                list.Add(View(live, "live", now));
            }
            else if (SeedLiveSubmissionId is { } seeded && Production is not null)
            {
                list.Add(new SubmissionView(SubmissionId(seeded), "live", "completed", "succeeded", LastModified));
            }

            if (Operations.LastOrDefault(op => op.IsGoLive) is { } goingLive && goingLive != live)
            {
                list.Add(View(goingLive, "live", now));
            }

            if (Operations.LastOrDefault(op => !op.IsGoLive) is { } publish)
            {
                list.Add(View(publish, "preview", now));
            }
            else if (list.FirstOrDefault(s => s.TargetType == "live") is { } current)
            {
                list.Add(current with { TargetType = "preview" });
            }

            return list;
        }

        public string SubmissionId(long number) => "submission/" + ProductGuid.ToString("D") + "/" + number.ToString(System.Globalization.CultureInfo.InvariantCulture);

        /// <summary>The submission's <c>status</c> and <c>result</c>: a publish completes when it reaches sign-off, a go-live when it is live.</summary>
        public static (string Status, string Result) SubmissionState(OperationRecord op, DateTimeOffset now)
        {
            var view = op.Evaluate(now);
            return view.Status switch
            {
                "failed" or "canceled" => ("completed", "failed"),
                "running" when !op.IsGoLive && view.WaitingForSignoff => ("completed", "succeeded"),
                "running" => ("running", "pending"),
                _ => ("completed", "succeeded"),
            };
        }

        /// <summary>The resources a product document is made of: the product, and per plan the plan and, for virtual
        /// machines, its technical configuration (image versions as SAS URIs).</summary>
        public JsonArray ResourcesOf(JsonObject document)
        {
            var definition = document["definition"] as JsonObject;
            var resources = new JsonArray
            {
                new JsonObject
                {
                    ["$schema"] = SchemaRoot + "product/2022-03-01-preview3",
                    ["id"] = ProductId,
                    ["identity"] = new JsonObject { ["externalId"] = OfferId },
                    ["type"] = ProductType,
                    ["alias"] = Json.GetString(definition?["displayText"]) ?? OfferId,
                },
            };
            foreach (var plan in (definition?["plans"] as JsonArray ?? new JsonArray()).OfType<JsonObject>())
            {
                var planId = Json.GetString(plan["planId"]);
                if (planId is null)
                {
                    continue;
                }

                var planGuid = PlanGuidOf(ProductGuid, planId).ToString("D");
                var planDurableId = $"plan/{ProductGuid:D}/{planGuid}";
                resources.Add(new JsonObject
                {
                    ["$schema"] = SchemaRoot + "plan/2022-03-01-preview2",
                    ["id"] = planDurableId,
                    ["product"] = ProductId,
                    ["identity"] = new JsonObject { ["externalId"] = planId },
                    ["alias"] = Json.GetString(plan["microsoft-azure-virtualmachines.skuTitle"]) ?? planId,
                });
                if (plan["microsoft-azure-virtualmachines.vmImages"] is JsonObject images)
                {
                    resources.Add(new JsonObject
                    {
                        ["$schema"] = SchemaRoot + "virtual-machine-plan-technical-configuration/2022-03-01-preview5",
                        ["id"] = $"virtual-machine-plan-technical-configuration/{ProductGuid:D}/{planGuid}",
                        ["product"] = ProductId,
                        ["plan"] = planDurableId,
                        ["skus"] = new JsonArray(new JsonObject { ["imageType"] = "x64Gen1", ["skuId"] = planId }),
                        ["vmImageVersions"] = new JsonArray(images.Select(version => (JsonNode)new JsonObject
                        {
                            ["versionNumber"] = version.Key,
                            ["lifecycleState"] = "generallyAvailable",
                            ["vmImages"] = new JsonArray(new JsonObject
                            {
                                ["imageType"] = "x64Gen1",
                                ["source"] = new JsonObject
                                {
                                    ["sourceType"] = "sasUri",
                                    ["osDisk"] = new JsonObject { ["uri"] = Json.GetString((version.Value as JsonObject)?["osVhdUrl"]) },
                                    ["dataDisks"] = new JsonArray(),
                                },
                            }),
                        }).ToArray()),
                    });
                }
            }

            return resources;
        }

        private SubmissionView View(OperationRecord op, string targetType, DateTimeOffset now)
        {
            var (status, result) = SubmissionState(op, now);
            return new SubmissionView(SubmissionId(op.SubmissionId), targetType, status, result, op.IsGoLive ? op.PublishOperation!.Created : op.Created);
        }

        /// <summary>The product GUID of an offer: stable, so that ids survive a reset.</summary>
        public static Guid ProductGuidOf(string publisherId, string offerId) => StableGuid("product:" + publisherId + "/" + offerId);

        /// <summary>The plan GUID of a plan of a product, from its external id.</summary>
        public static Guid PlanGuidOf(Guid productGuid, string planId) => StableGuid("plan:" + productGuid + "/" + planId);

        private static Guid StableGuid(string seed) => new(MD5.HashData(Encoding.UTF8.GetBytes(seed)));
    }

    /// <summary>One submission of a product (the draft one has no status).</summary>
    internal sealed record SubmissionView(string Id, string TargetType, string? Status, string? Result, DateTimeOffset? Created);
}
