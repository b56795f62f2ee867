using System;
using System.Linq;
using System.Text.Json.Nodes;

namespace CloudPartner.Emulator.State
{
    /// <summary>What a configure request asked for: draft changes only, or a submission to preview or to live.</summary>
    internal enum JobKind
    {
        Draft,
        Preview,
        Live,
    }

    /// <summary>
    /// One <c>POST configure</c>. Like an operation, its progress is computed from the clock: a draft job completes after
    /// its duration (and only then changes the draft); a submission job follows its publish or go-live, and completes
    /// when the publish reaches sign-off (preview) or the go-live ends (live). A request refused by validation is a job
    /// that fails, with its errors, once its duration has passed.
    /// </summary>
    internal sealed class ConfigureJob
    {
        public ConfigureJob(Guid id, JobKind kind, DateTimeOffset created, TimeSpan duration)
        {
            Id = id;
            Kind = kind;
            Created = created;
            Duration = duration;
        }

        public Guid Id { get; }

        public JobKind Kind { get; }

        public DateTimeOffset Created { get; }

        public TimeSpan Duration { get; }

        /// <summary>The product the job changes (created when the job completes, for a new product).</summary>
        public OfferRecord? Offer { get; set; }

        /// <summary>A product the job creates: its publisher, external id, type and alias.</summary>
        public (PublisherRecord Publisher, string ExternalId, string Type, string Alias)? NewProduct { get; init; }

        /// <summary>The draft resources the job writes when it completes.</summary>
        public JsonArray Changes { get; init; } = new();

        /// <summary>The publish or go-live a submission job started.</summary>
        public OperationRecord? Operation { get; init; }

        /// <summary>Why the request was refused; the job fails with these.</summary>
        public JsonArray? Errors { get; init; }

        public DateTimeOffset? CanceledAt { get; set; }

        public bool Applied { get; set; }

        public JobView Evaluate(DateTimeOffset now)
        {
            var pending = new JobView(now <= Created ? "notStarted" : "running", "pending", null, new JsonArray());
            if (CanceledAt is { } canceled && Operation is null)
            {
                return new JobView("completed", "cancelled", canceled, new JsonArray());
            }

            if (Errors is not null)
            {
                return now >= Created + Duration ? new JobView("completed", "failed", Created + Duration, (JsonArray)Errors.DeepClone()) : pending;
            }

            if (Operation is not { } op)
            {
                return now >= Created + Duration ? new JobView("completed", "succeeded", Created + Duration, new JsonArray()) : pending;
            }

            var view = op.Evaluate(now);
            return view.Status switch
            {
                "canceled" => new JobView("completed", "cancelled", op.CanceledAt, new JsonArray()),
                "failed" => new JobView("completed", "failed", view.LastAction, CertificationErrors(op)),
                "running" when Kind == JobKind.Preview && view.WaitingForSignoff => new JobView("completed", "succeeded", op.PublishBoundaries()[OperationRecord.SignoffIndex], new JsonArray()),
                "running" => pending,
                _ => new JobView("completed", "succeeded", Kind == JobKind.Live ? op.LiveEnd : op.PublishBoundaries()[OperationRecord.SignoffIndex], new JsonArray()),
            };
        }

        /// <summary>Writes the job's draft changes once it has completed and succeeded (creating its product first).</summary>
        public void ApplyWhenDone(DateTimeOffset now, Catalog catalog)
        {
            if (Applied || Kind != JobKind.Draft || Evaluate(now) is not { Status: "completed", Result: "succeeded" })
            {
                return;
            }

            Applied = true;
            if (NewProduct is { } created)
            {
                var document = new JsonObject
                {
                    ["offerTypeId"] = created.Type switch
                    {
                        "coreVirtualMachine" => "microsoft-azure-corevm",
                        "azureApplication" => "microsoft-azure-applications",
                        _ => "microsoft-azure-virtualmachines",
                    },
                    ["publisherId"] = created.Publisher.Id,
                    ["id"] = created.ExternalId,
                    ["definition"] = new JsonObject { ["displayText"] = created.Alias, ["offer"] = new JsonObject(), ["plans"] = new JsonArray() },
                };
                Offer = catalog.AddOffer(created.Publisher, document, migrated: true, etagOnGet: false, now);
                Offer.DraftResources = new JsonArray();
            }

            var resources = Offer!.DraftResources;
            foreach (var change in Changes.OfType<JsonObject>())
            {
                var id = Http.Json.GetString(change["id"]);
                var existing = resources.OfType<JsonObject>().FirstOrDefault(r => Http.Json.GetString(r["id"]) == id);
                if (existing is not null)
                {
                    resources[resources.IndexOf(existing)] = change.DeepClone();
                }
                else
                {
                    resources.Add(change.DeepClone());
                }
            }
        }

        /// <summary>How the service reports a certification failure: nested, the cause deepest (cpp-api's sample message).</summary>
        private static JsonArray CertificationErrors(OperationRecord op) => new(new JsonObject
        {
            ["resourceId"] = op.Offer.SubmissionId(op.SubmissionId),
            ["code"] = "internalServerError",
            ["message"] = "Operation failed",
            ["details"] = new JsonArray(new JsonObject
            {
                ["code"] = "invalidState",
                ["message"] = "Certification",
                ["details"] = new JsonArray(
                    new JsonObject { ["code"] = "invalidState", ["message"] = "Issues found during Certification." },
                    new JsonObject { ["code"] = "invalidState", ["message"] = OperationRecord.CertificationError }),
            }),
        });
    }

    /// <summary>A job's <c>jobStatus</c>, <c>jobResult</c>, end (null until it completes) and errors.</summary>
    internal sealed record JobView(string Status, string Result, DateTimeOffset? End, JsonArray Errors);
}
