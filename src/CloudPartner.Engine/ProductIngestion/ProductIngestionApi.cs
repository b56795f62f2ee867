using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Http;
using CloudPartner.Engine.Json;
using CloudPartner.Engine.Models;
using CloudPartner.Engine.Operations;
using CloudPartner.Engine.Security;

namespace CloudPartner.Engine.ProductIngestion
{
    /// <summary>
    /// The Partner Center Product Ingestion ("configure") API as typed calls over the same pipeline as the CPP client
    /// (<see cref="ApiConnection"/>: its own endpoint, <c>$version</c> and Graph-audience token). Products are found by
    /// their <c>externalId</c>, the CPP offer id; publish and go-live are submissions posted to <c>configure</c>, refused
    /// here before any POST when the service would lock or refuse them, and never sent twice.
    /// </summary>
    internal sealed class ProductIngestionApi : IOperationSource
    {
        public const string DefaultVersion = "2022-07-01";
        public const string SchemaRoot = "https://schema.mp.microsoft.com/schema/";
        public static readonly Uri DefaultEndpoint = new Uri("https://graph.microsoft.com/rp/product-ingestion");

        private readonly SendOnceOrAdopt adopt;
        private readonly string basePath;

        public ProductIngestionApi(ApiConnection connection)
        {
            Connection = connection ?? throw new ArgumentNullException(nameof(connection));
            adopt = new SendOnceOrAdopt(connection);
            basePath = connection.Settings.Endpoint.AbsolutePath.TrimEnd('/');
        }

        public ApiConnection Connection { get; }

        /// <summary>Every product the token's seller account may see, page by page (<c>@nextLink</c> on the endpoint's host only).</summary>
        public async Task<IReadOnlyList<JsonObject>> ListProductsAsync(CommandContext? context, CancellationToken cancellationToken)
        {
            return await PagesAsync(Path("product"), "The product list", context, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>The product whose <c>externalId</c> is <paramref name="offerId"/>, or one named <c>product/&lt;guid&gt;</c>; CpNotFound otherwise.</summary>
        public async Task<JsonObject> GetProductAsync(string offerId, CommandContext? context, CancellationToken cancellationToken)
        {
            if (offerId.StartsWith("product/", StringComparison.OrdinalIgnoreCase))
            {
                var guid = ProductGuid(offerId);
                var response = await SendAsync(HttpMethod.Get, Path("product/" + guid), null, context, cancellationToken).ConfigureAwait(false);
                return LosslessJson.ParseObject(response.Body, "The product");
            }

            var found = await PagesAsync(Path("product?externalId=" + Uri.EscapeDataString(Ids.OfferId(offerId))), "The product look-up", context, cancellationToken).ConfigureAwait(false);
            return found.FirstOrDefault() ?? throw new CpException(
                CpErrorKind.NotFound,
                $"No product has the externalId '{offerId}' on the Product Ingestion API.",
                "Check the offer id (the product's externalId is the offer id of Partner Center and CPP); Get-CpOffer -Api ProductIngestion lists the products.")
            { Target = offerId };
        }

        /// <summary>The product's resources for one target (draft, preview, live), as the service returns them.</summary>
        public async Task<(JsonObject Tree, string Text)> GetResourceTreeAsync(string productId, string targetType, CommandContext? context, CancellationToken cancellationToken)
        {
            var response = await SendAsync(HttpMethod.Get, Path("resource-tree/product/" + ProductGuid(productId) + "?targetType=" + targetType), null, context, cancellationToken).ConfigureAwait(false);
            return (LosslessJson.ParseObject(response.Body, "The resource tree"), response.Body);
        }

        /// <summary>The product's submissions: draft (<c>/0</c>), preview and live.</summary>
        public async Task<IReadOnlyList<SubmissionInfo>> ListSubmissionsAsync(string productId, CommandContext? context, CancellationToken cancellationToken)
        {
            var pages = await PagesAsync(Path("submission/" + ProductGuid(productId)), "The submission list", context, cancellationToken).ConfigureAwait(false);
            return pages.Select(SubmissionInfo.Parse).ToList();
        }

        /// <summary>A configure job's status.</summary>
        public async Task<JobInfo> GetJobAsync(string jobId, CommandContext? context, CancellationToken cancellationToken)
        {
            var response = await SendAsync(HttpMethod.Get, Path("configure/" + JobGuid(jobId) + "/status"), null, context, cancellationToken).ConfigureAwait(false);
            var job = JobInfo.Parse(LosslessJson.ParseObject(response.Body, "The job status"));
            job.RetryAfter = response.RetryAfter;
            return job;
        }

        /// <summary>Cancels a job; the service refuses one that has completed (CpConflict with its message).</summary>
        public async Task<JobInfo> CancelJobAsync(string jobId, CommandContext? context, CancellationToken cancellationToken)
        {
            try
            {
                var response = await Connection.SendAsync(ApiRequest.Create(HttpMethod.Post, Path("configure/" + JobGuid(jobId) + "/cancel")), context, cancellationToken).ConfigureAwait(false);
                return JobInfo.Parse(LosslessJson.ParseObject(response.Body, "The canceled job"));
            }
            catch (CpException e) when (e.Kind == CpErrorKind.BadRequest)
            {
                throw new CpException(CpErrorKind.Conflict, e.Message, $"Get-CpOperation -OperationId '{jobId}' -Api ProductIngestion shows the job.", e) { Target = jobId, StatusCode = e.StatusCode };
            }
        }

        /// <summary>
        /// Writes draft resources (<c>POST configure</c> without a submission) and returns the job. Sent again when its
        /// answer is lost: the same resources give the same draft.
        /// </summary>
        public async Task<JobInfo> ConfigureDraftAsync(IEnumerable<JsonObject> resources, CommandContext? context, CancellationToken cancellationToken)
        {
            var request = ApiRequest.Create(HttpMethod.Post, Path("configure"), ConfigureBody(resources));
            request.IsIdempotent = true;
            var response = await Connection.SendAsync(request, context, cancellationToken).ConfigureAwait(false);
            return JobInfo.Parse(LosslessJson.ParseObject(response.Body, "The configure answer"));
        }

        /// <summary>
        /// Publishes the product's draft to preview. Refused with CpConflict, before any POST, while a submission of the
        /// product has not completed. A lost answer is resolved by looking for a preview submission that was not there
        /// before the POST; only when none shows is it sent again.
        /// </summary>
        public async Task<OperationInfo> PublishAsync(JsonObject product, CommandContext? context, CancellationToken cancellationToken)
        {
            context ??= new CommandContext();
            var productId = ProductIdOf(product);
            var before = await ListSubmissionsAsync(productId, context, cancellationToken).ConfigureAwait(false);
            if (before.FirstOrDefault(s => s.TargetType != "draft" && !s.IsCompleted) is { } running)
            {
                throw Refusal(product, $"submission {running.Id} ({running.TargetType}) is {running.Status}", "Wait for it (Wait-CpOperation) or cancel its job (Stop-CpOperation), then publish again.");
            }

            var submission = new JsonObject
            {
                ["$schema"] = SchemaRoot + "submission/2022-03-01-preview2",
                ["product"] = productId,
                ["target"] = new JsonObject { ["targetType"] = "preview" },
            };
            return await StartAsync(product, "preview", submission, before, context, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// Takes the product's preview live: refused with CpConflict, before any POST, when there is no preview submission
        /// or it has not completed and succeeded; when preview and live already share its id, nothing is sent and the
        /// live submission is returned with a warning.
        /// </summary>
        public async Task<OperationInfo> GoLiveAsync(JsonObject product, CommandContext? context, CancellationToken cancellationToken)
        {
            context ??= new CommandContext();
            var productId = ProductIdOf(product);
            var before = await ListSubmissionsAsync(productId, context, cancellationToken).ConfigureAwait(false);
            var preview = before.LastOrDefault(s => s.TargetType == "preview");
            if (preview is null || !preview.IsCompleted || preview.Result != "succeeded")
            {
                throw Refusal(product, preview is null ? "it has no preview submission" : $"its preview submission {preview.Id} is {preview.Status} ({preview.Result})", "Publish it (Publish-CpOffer -Api ProductIngestion) and wait until the preview has succeeded.");
            }

            var live = before.LastOrDefault(s => s.TargetType == "live" && s.Id == preview.Id);
            if (live is not null)
            {
                context.Observer.Warning($"Product '{ExternalIdOf(product)}' is already live: its preview and live submissions share the id {preview.Id}. Nothing was sent.");
                return ToOperation(product, live, before);
            }

            var running = before.FirstOrDefault(s => s.TargetType == "live" && !s.IsCompleted);
            if (running is not null)
            {
                throw Refusal(product, $"submission {running.Id} is going live", "Wait for it (Wait-CpOperation).");
            }

            var submission = new JsonObject
            {
                ["$schema"] = SchemaRoot + "submission/2022-03-01-preview2",
                ["id"] = preview.Id,
                ["product"] = productId,
                ["target"] = new JsonObject { ["targetType"] = "live" },
            };
            return await StartAsync(product, "live", submission, before, context, cancellationToken).ConfigureAwait(false);
        }

        public bool CanPoll(OperationInfo operation) => operation.JobId != null;

        public string ResumeCommand(OperationInfo operation) => $"Get-CpOperation -OperationId '{operation.JobId}' -Api ProductIngestion | Wait-CpOperation";

        /// <summary>A job as an operation, read again.</summary>
        public async Task<OperationInfo> RefreshOperationAsync(OperationInfo operation, CommandContext context, CancellationToken cancellationToken)
        {
            if (operation.JobId is null)
            {
                throw new CpException(CpErrorKind.InvalidArgument, $"Operation {operation.Id} has no configure job to poll: only operations started by a configure request can be followed.");
            }

            var job = await GetJobAsync(operation.JobId, context, cancellationToken).ConfigureAwait(false);
            return ToOperation(job, operation.SubmissionType, operation.OfferId, operation.ProductId, operation.SubmissionId);
        }

        /// <summary>A product's submissions (draft left out) as operations, newest first.</summary>
        public static IReadOnlyList<OperationInfo> ToOperations(JsonObject product, IReadOnlyList<SubmissionInfo> submissions)
        {
            return submissions.Where(s => s.TargetType != "draft")
                .OrderByDescending(s => s.Created ?? DateTimeOffset.MinValue).ThenBy(s => s.TargetType == "live" ? 1 : 0)
                .Select(s => ToOperation(product, s, submissions)).ToList();
        }

        /// <summary>A configure job as an operation: its state, its errors (every nested one) as messages.</summary>
        public static OperationInfo ToOperation(JobInfo job, string? submissionType, string offerId, string? productId, string? submissionId)
        {
            var messages = job.Errors.Select(e => new MessageInfo { MessageHtml = System.Net.WebUtility.HtmlEncode(e), Level = "error" }).ToList();
            return new OperationInfo
            {
                Api = ApiKind.ProductIngestion,
                Id = job.JobId,
                JobId = job.JobId,
                OfferId = offerId,
                ProductId = productId,
                SubmissionId = submissionId,
                SubmissionType = submissionType,
                Status = job.JobStatus + "/" + job.JobResult,
                State = StatusMapper.MapJob(job.JobStatus, job.JobResult, submissionType == "preview"),
                CreatedDateTime = job.JobStart,
                LastActionDateTime = job.JobEnd,
                Messages = messages,
                Error = job.Errors.Count == 0 ? null : string.Join(" ", job.Errors),
                RetryAfter = job.RetryAfter,
            };
        }

        private static OperationInfo ToOperation(JsonObject product, SubmissionInfo submission, IReadOnlyList<SubmissionInfo> all)
        {
            var sharesLiveId = all.Any(s => s.TargetType == "live" && s.Id == submission.Id && s.IsCompleted && s.Result == "succeeded");
            return new OperationInfo
            {
                Api = ApiKind.ProductIngestion,
                Id = submission.Id,
                SubmissionId = submission.Id,
                OfferId = ExternalIdOf(product),
                ProductId = ProductIdOf(product),
                SubmissionType = submission.TargetType,
                Slot = submission.TargetType,
                Status = submission.Status + "/" + submission.Result,
                State = StatusMapper.MapSubmission(submission.Status, submission.Result, submission.TargetType == "preview", sharesLiveId),
                CreatedDateTime = submission.Created,
            };
        }

        private async Task<OperationInfo> StartAsync(JsonObject product, string target, JsonObject submission, IReadOnlyList<SubmissionInfo> before, CommandContext context, CancellationToken cancellationToken)
        {
            var offerId = ExternalIdOf(product);
            var productId = ProductIdOf(product);
            var body = ConfigureBody(new[] { submission });
            var known = new HashSet<string>(before.Where(s => s.TargetType == target).Select(s => s.Id + "|" + s.Status), StringComparer.Ordinal);
            return await adopt.RunAsync(
                $"the {target} submission",
                async (exchange, resent) =>
                {
                    var response = await Connection.SendAsync(ApiRequest.Create(HttpMethod.Post, Path("configure"), body), exchange, cancellationToken).ConfigureAwait(false);
                    var job = JobInfo.Parse(LosslessJson.ParseObject(response.Body, "The configure answer"));
                    var started = ToOperation(job, target, offerId, productId, target == "live" ? JsonFields.String(submission, "id") : null);
                    if (started.State == OperationState.Failed)
                    {
                        throw new CpException(CpErrorKind.Conflict, $"The {target} submission of product '{offerId}' was refused: {started.Error}", "Get-CpOperation -OfferId '" + offerId + "' -Api ProductIngestion shows its submissions.") { Target = started };
                    }

                    return started;
                },
                async exchange =>
                {
                    // The submission a lost POST created: one of that target that was not there (or not running) before.
                    var now = await ListSubmissionsAsync(productId, exchange, cancellationToken).ConfigureAwait(false);
                    var created = now.LastOrDefault(s => s.TargetType == target && !known.Contains(s.Id + "|" + s.Status) && !(target == "live" && s.IsCompleted && before.Any(b => b.Id == s.Id && b.TargetType == "live")));
                    return created is null ? null : ToOperation(product, created, now);
                },
                operation => $"submission {operation.Id} ({operation.SubmissionType}, {operation.Status}) was created",
                context,
                cancellationToken).ConfigureAwait(false);
        }

        private async Task<List<JsonObject>> PagesAsync(string path, string what, CommandContext? context, CancellationToken cancellationToken)
        {
            var items = new List<JsonObject>();
            string? next = path;
            while (next != null)
            {
                // An absolute @nextLink is resolved like any path: one on another host is refused, never followed.
                var response = await SendAsync(HttpMethod.Get, next, null, context, cancellationToken).ConfigureAwait(false);
                var page = LosslessJson.ParseObject(response.Body, what);
                items.AddRange(JsonFields.Objects(page, "value"));
                next = JsonFields.String(page, "@nextLink");
            }

            return items;
        }

        private Task<ApiResponse> SendAsync(HttpMethod method, string path, string? body, CommandContext? context, CancellationToken cancellationToken)
        {
            return Connection.SendAsync(ApiRequest.Create(method, path, body), context, cancellationToken);
        }

        private string Path(string relative) => basePath + "/" + relative;

        private static string ConfigureBody(IEnumerable<JsonObject> resources)
        {
            var body = new JsonObject
            {
                ["$schema"] = SchemaRoot + "configure/2022-07-01",
                ["resources"] = new JsonArray(resources.Select(r => (JsonNode)r.DeepClone()).ToArray()),
            };
            return LosslessJson.Write(body);
        }

        private static CpException Refusal(JsonObject product, string why, string action)
        {
            var offerId = ExternalIdOf(product);
            return new CpException(CpErrorKind.Conflict, $"Product '{offerId}' cannot be submitted now: {why}. Nothing was sent.", action) { Target = offerId };
        }

        public static string ProductIdOf(JsonObject product) => JsonFields.String(product, "id") ?? throw new CpException(CpErrorKind.InvalidResponse, "The product has no id.");

        public static string ExternalIdOf(JsonObject product) => JsonFields.Object(product, "identity") is JsonObject identity ? JsonFields.String(identity, "externalId") ?? string.Empty : string.Empty;

        private static string ProductGuid(string productId)
        {
            var guid = productId.StartsWith("product/", StringComparison.OrdinalIgnoreCase) ? productId.Substring("product/".Length) : productId;
            return Guid.TryParse(guid, out var parsed) ? parsed.ToString("D") : throw new CpException(CpErrorKind.InvalidArgument, $"'{Ids.Printable(productId)}' is not a product id (product/<guid>).");
        }

        private static string JobGuid(string jobId)
        {
            return Guid.TryParse(jobId, out var parsed) ? parsed.ToString("D") : throw new CpException(CpErrorKind.InvalidArgument, $"'{Ids.Printable(jobId)}' is not a configure job id (a GUID).");
        }
    }
}
