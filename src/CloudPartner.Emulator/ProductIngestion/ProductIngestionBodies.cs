using System.Collections.Generic;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using CloudPartner.Emulator.Http;
using CloudPartner.Emulator.State;

namespace CloudPartner.Emulator.ProductIngestion
{
    // The Product Ingestion API's answers (product-ingestion-api.md §5). Resources themselves are JSON kept as written.

    /// <summary>A page of a list: <c>value</c> and, when there is more, <c>@nextLink</c>.</summary>
    internal sealed record PageBody(IEnumerable<JsonNode?> Value, [property: JsonPropertyName("@nextLink")] string? NextLink = null);

    /// <summary>A configure job as <c>POST configure</c> and <c>GET configure/{jobId}/status</c> answer it.</summary>
    internal sealed record JobStatusBody(
        [property: JsonPropertyName("$schema")] string Schema,
        string JobId,
        string JobStatus,
        string JobResult,
        string JobStart,
        string JobEnd,
        string? ResourceUri,
        JsonArray Errors)
    {
        /// <summary>What the service writes for a job that has not ended.</summary>
        public const string NoEnd = "0001-01-01T00:00:00";

        public static JobStatusBody Of(ConfigureJob job, JobView view) => new(
            OfferRecord.SchemaRoot + "configure-status/2022-03-01-preview2",
            job.Id.ToString("D"),
            view.Status,
            view.Result,
            Json.Z7(job.Created),
            view.End is { } end ? Json.Z7(end) : NoEnd,
            view.Result == "succeeded" ? "https://product-ingestion.mp.microsoft.com/configure/" + job.Id.ToString("D") : null,
            view.Errors);
    }

    /// <summary>A completed job's detail: the resources it wrote.</summary>
    internal sealed record JobDetailBody([property: JsonPropertyName("$schema")] string Schema, string JobId, string JobStatus, string JobResult, JsonArray Resources);

    internal sealed record TargetBody(string TargetType);

    /// <summary>A submission resource.</summary>
    internal sealed record SubmissionBody(
        [property: JsonPropertyName("$schema")] string Schema,
        string Id,
        string Product,
        TargetBody Target,
        string? Status,
        string? Result,
        string? Created)
    {
        public static SubmissionBody Of(OfferRecord offer, SubmissionView view) => new(
            OfferRecord.SchemaRoot + "submission/2022-03-01-preview2",
            view.Id,
            offer.ProductId,
            new TargetBody(view.TargetType),
            view.Status,
            view.Result,
            view.Created is { } created ? Json.Z7(created) : null);
    }

    /// <summary>The whole product for one target.</summary>
    internal sealed record ResourceTreeBody([property: JsonPropertyName("$schema")] string Schema, string Root, TargetBody Target, JsonArray Resources);

    /// <summary>The error envelope: <c>{"error":{"code":"badRequest","message":"…","details":[]}}</c>.</summary>
    internal sealed record ErrorBody(ErrorDetail Error)
    {
        public static ApiResponse Response(int status, string code, string message) => ApiResponse.Of(status, new ErrorBody(new ErrorDetail(code, message, new JsonArray())));
    }

    internal sealed record ErrorDetail(string Code, string Message, JsonArray Details);
}
