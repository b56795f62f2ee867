using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;
using CloudPartner.Engine.Json;
using CloudPartner.Engine.Security;

namespace CloudPartner.Engine.ProductIngestion
{
    /// <summary>A submission of a product: draft (<c>/0</c>, no status), preview or live.</summary>
    internal sealed class SubmissionInfo
    {
        public string Id { get; set; } = string.Empty;

        public string TargetType { get; set; } = string.Empty;

        public string? Status { get; set; }

        public string? Result { get; set; }

        public DateTimeOffset? Created { get; set; }

        public bool IsCompleted => string.Equals(Status, "completed", StringComparison.OrdinalIgnoreCase);

        public static SubmissionInfo Parse(JsonObject submission)
        {
            return new SubmissionInfo
            {
                Id = Ids.Visible(JsonFields.String(submission, "id") ?? string.Empty),
                TargetType = Ids.Visible(JsonFields.Object(submission, "target") is JsonObject target ? JsonFields.String(target, "targetType") ?? string.Empty : string.Empty),
                Status = Ids.VisibleOrNull(JsonFields.String(submission, "status")),
                Result = Ids.VisibleOrNull(JsonFields.String(submission, "result")),
                Created = JsonFields.Timestamp(submission, "created"),
            };
        }
    }

    /// <summary>A configure job's status: <c>jobStatus</c>, <c>jobResult</c>, times, and its errors flattened to lines.</summary>
    internal sealed class JobInfo
    {
        public string JobId { get; set; } = string.Empty;

        public string? JobStatus { get; set; }

        public string? JobResult { get; set; }

        public DateTimeOffset? JobStart { get; set; }

        /// <summary>Null until the job ends (the service writes <c>0001-01-01T00:00:00</c>).</summary>
        public DateTimeOffset? JobEnd { get; set; }

        /// <summary>Every error, nested <c>details</c> included, as "code: message (resource)".</summary>
        public IReadOnlyList<string> Errors { get; set; } = new string[0];

        public TimeSpan? RetryAfter { get; set; }

        public static JobInfo Parse(JsonObject job)
        {
            var errors = new List<string>();
            Flatten(JsonFields.Objects(job, "errors"), errors);
            var end = JsonFields.Timestamp(job, "jobEnd");
            return new JobInfo
            {
                JobId = Ids.Visible(JsonFields.String(job, "jobId") ?? string.Empty),
                JobStatus = Ids.VisibleOrNull(JsonFields.String(job, "jobStatus")),
                JobResult = Ids.VisibleOrNull(JsonFields.String(job, "jobResult")),
                JobStart = JsonFields.Timestamp(job, "jobStart"),
                JobEnd = end is { } e && e.Year > 1 ? end : null,
                Errors = errors,
            };
        }

        private static void Flatten(IEnumerable<JsonObject> errors, List<string> lines)
        {
            foreach (var error in errors)
            {
                var resource = JsonFields.String(error, "resourceId");
                lines.Add(Ids.Visible($"{JsonFields.String(error, "code")}: {JsonFields.String(error, "message")}" + (resource is null ? string.Empty : $" ({resource})")));
                Flatten(JsonFields.Objects(error, "details"), lines);
            }
        }
    }
}
