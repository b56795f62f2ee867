using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using CloudPartner.Engine.Cpp;
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

        /// <summary>The scope of the API's tokens: Microsoft Graph.</summary>
        public const string GraphScope = "https://graph.microsoft.com/.default";
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

            return await FindProductAsync(offerId, context, cancellationToken).ConfigureAwait(false) ?? throw new CpException(
                CpErrorKind.NotFound,
                $"No product has the externalId '{offerId}' on the Product Ingestion API.",
                "Check the offer id (the product's externalId is the offer id of Partner Center and CPP); Get-CpOffer -Api ProductIngestion lists the products.")
            { Target = offerId };
        }

        /// <summary>
        /// A product as an offer document: <c>id</c> its externalId, <c>offerTypeId</c> its type, <c>productId</c>,
        /// <c>displayText</c> its alias, and as <c>definition</c> its resource tree for <paramref name="slot"/> (draft,
        /// preview or live), kept losslessly; the tree's text is the document's raw text.
        /// </summary>
        public async Task<OfferDocument> GetOfferAsync(string offerId, OfferSlot? slot, CommandContext? context, CancellationToken cancellationToken)
        {
            var product = await GetProductAsync(offerId, context, cancellationToken).ConfigureAwait(false);
            var (tree, text) = await GetResourceTreeAsync(ProductIdOf(product), TargetOf(slot), context, cancellationToken).ConfigureAwait(false);
            return ToOffer(product, tree, text);
        }

        /// <summary>A product as a summary offer document (no definition), as a list shows it.</summary>
        public static OfferDocument ToOffer(JsonObject product, JsonObject? tree = null, string? treeText = null)
        {
            var document = new JsonObject
            {
                ["id"] = ExternalIdOf(product),
                ["offerTypeId"] = JsonFields.String(product, "type"),
                ["productId"] = JsonFields.String(product, "id"),
                ["displayText"] = JsonFields.String(product, "alias"),
            };
            if (tree != null)
            {
                document["definition"] = tree.DeepClone();
            }

            return new OfferDocument(document, null, treeText);
        }

        /// <summary>The target of a slot: Draft → draft, Preview → preview, Production → live.</summary>
        public static string TargetOf(OfferSlot? slot) => slot == OfferSlot.Production ? "live" : slot == OfferSlot.Preview ? "preview" : "draft";

        /// <summary>The product whose <c>externalId</c> is <paramref name="offerId"/>, or null (the service answers an empty <c>value</c>).</summary>
        private async Task<JsonObject?> FindProductAsync(string offerId, CommandContext? context, CancellationToken cancellationToken)
        {
            var found = await PagesAsync(Path("product?externalId=" + Uri.EscapeDataString(Ids.OfferId(offerId))), "The product look-up", context, cancellationToken).ConfigureAwait(false);
            return found.FirstOrDefault();
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
        /// Writes a product's draft from its resources and waits for the job (polling after 2 s, then twice as long each
        /// time up to a minute, within <paramref name="timeout"/>, null for no limit); a failed job is CpValidationFailed
        /// carrying every nested error. Returns the draft as it is then.
        /// </summary>
        public async Task<OfferDocument> ConfigureAndWaitAsync(string offerId, IReadOnlyList<JsonObject> resources, TimeSpan? timeout, CommandContext? context, CancellationToken cancellationToken)
        {
            context ??= new CommandContext();
            var wait = new WaitOptions { Timeout = timeout };
            wait.Validate();
            var job = await ConfigureDraftAsync(resources, context, cancellationToken).ConfigureAwait(false);
            var deadline = wait.DeadlineFrom(Connection.Clock()) ?? DateTimeOffset.MaxValue;
            var pause = TimeSpan.FromSeconds(2);
            while (!string.Equals(job.JobStatus, "completed", StringComparison.OrdinalIgnoreCase))
            {
                var left = deadline - Connection.Clock();
                if (left <= TimeSpan.Zero)
                {
                    throw new CpException(CpErrorKind.OperationTimeout, $"The configure job {job.JobId} for product '{offerId}' did not complete within {timeout}.", $"Follow it with Get-CpOperation -OperationId '{job.JobId}' -Api ProductIngestion | Wait-CpOperation.") { Target = offerId };
                }

                await Connection.DelayAsync(pause < left ? pause : left, cancellationToken).ConfigureAwait(false);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromMinutes(1).Ticks));
                job = await GetJobAsync(job.JobId, context, cancellationToken).ConfigureAwait(false);
                context.Observer.Verbose($"Configure job {job.JobId}: {job.JobStatus} ({job.JobResult}).");
            }

            if (!string.Equals(job.JobResult, "succeeded", StringComparison.OrdinalIgnoreCase))
            {
                throw new CpException(
                    CpErrorKind.ValidationFailed,
                    $"The configure job {job.JobId} for product '{offerId}' ended {job.JobResult}: {(job.Errors.Count == 0 ? "no reason given" : string.Join(" | ", job.Errors))}",
                    "Correct the resources named in the messages and send them again; the draft was not changed.") { Target = offerId };
            }

            return await GetOfferAsync(offerId, OfferSlot.Draft, context, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// Creates the product <paramref name="offerId"/> from a definition's resources (CpConflict when it exists): the
        /// product resource gets that externalId, every resource loses its durable id and names the new product by
        /// <c>resourceName</c>, as resources created in one request do.
        /// </summary>
        public async Task<OfferDocument> CreateAsync(string offerId, JsonObject definition, TimeSpan? timeout, CommandContext? context, CancellationToken cancellationToken)
        {
            if (await FindProductAsync(offerId, context, cancellationToken).ConfigureAwait(false) != null)
            {
                throw new CpException(CpErrorKind.Conflict, $"Product '{offerId}' already exists on the Product Ingestion API.", $"To change it, use Set-CpOffer -OfferId '{offerId}' -Api ProductIngestion.") { Target = offerId };
            }

            var resources = DraftResourcesOf(definition).Select(r => (JsonObject)r.DeepClone()).ToList();
            var product = resources.FirstOrDefault(r => (JsonFields.String(r, "$schema") ?? string.Empty).IndexOf("/product/", StringComparison.Ordinal) >= 0);
            if (product is null)
            {
                product = new JsonObject { ["$schema"] = SchemaRoot + "product/2022-03-01-preview3", ["type"] = "azureVirtualMachine", ["alias"] = offerId };
                resources.Insert(0, product);
            }

            const string name = "new-product";
            foreach (var resource in resources)
            {
                resource.Remove("id");
                if (!ReferenceEquals(resource, product))
                {
                    resource["product"] = new JsonObject { ["resourceName"] = name };
                }
            }

            product["identity"] = new JsonObject { ["externalId"] = offerId };
            product["resourceName"] = name;
            return await ConfigureAndWaitAsync(offerId, resources, timeout, context, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// A resource tree as it is compared: without its submission entries, which say what target was read (draft
        /// <c>/0</c>, preview, live) rather than what the product holds. Other documents are returned as they are.
        /// </summary>
        public static JsonObject ForComparison(JsonObject document)
        {
            if (!(JsonFields.Array(document, "resources") is JsonArray resources) || !document.ContainsKey("root"))
            {
                return document;
            }

            var copy = (JsonObject)document.DeepClone();
            var kept = resources.OfType<JsonObject>().Where(r => (JsonFields.String(r, "$schema") ?? string.Empty).IndexOf("/submission/", StringComparison.Ordinal) < 0);
            copy["resources"] = new JsonArray(kept.Select(r => (JsonNode)r.DeepClone()).ToArray());
            return copy;
        }

        /// <summary>
        /// The draft resources of a definition: a resource tree (as Get-CpOffer reads it) or an object with
        /// <c>resources</c>; the tree's submission entries are not sent (publishing is Publish-CpOffer's).
        /// </summary>
        public static IReadOnlyList<JsonObject> DraftResourcesOf(JsonObject definition)
        {
            var resources = JsonFields.Array(definition, "resources")
                ?? throw new CpException(CpErrorKind.InvalidArgument, "On the Product Ingestion API the definition is the product's resource tree: an object with 'resources', as Get-CpOffer -Api ProductIngestion returns in Definition.");
            return resources.OfType<JsonObject>()
                .Where(r => (JsonFields.String(r, "$schema") ?? string.Empty).IndexOf("/submission/", StringComparison.Ordinal) < 0)
                .ToList();
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

        /// <summary>A job is followed by its status; a submission found after a lost answer (no job id known) by the product's submissions.</summary>
        public bool CanPoll(OperationInfo operation) => operation.JobId != null || (operation.SubmissionId != null && operation.ProductId != null);

        public string ResumeCommand(OperationInfo operation) => $"Get-CpOperation -OperationId '{operation.JobId}' -Api ProductIngestion | Wait-CpOperation";

        /// <summary>A job as an operation, read again.</summary>
        public async Task<OperationInfo> RefreshOperationAsync(OperationInfo operation, CommandContext context, CancellationToken cancellationToken)
        {
            if (operation.JobId is null)
            {
                if (operation.SubmissionId is null || operation.ProductId is null)
                {
                    throw new CpException(CpErrorKind.InvalidArgument, $"Operation {operation.Id} has no configure job or submission to poll; read it again with Get-CpOperation -OfferId '{operation.OfferId}' -Api ProductIngestion.");
                }

                var submissions = await ListSubmissionsAsync(operation.ProductId, context, cancellationToken).ConfigureAwait(false);
                var current = submissions.LastOrDefault(s => s.Id == operation.SubmissionId && s.TargetType == operation.SubmissionType)
                    ?? throw new CpException(CpErrorKind.NotFound, $"Submission {operation.SubmissionId} of product '{operation.OfferId}' is no longer listed.");
                var product = new JsonObject { ["id"] = operation.ProductId, ["identity"] = new JsonObject { ["externalId"] = operation.OfferId } };
                return ToOperation(product, current, submissions);
            }

            var job = await GetJobAsync(operation.JobId, context, cancellationToken).ConfigureAwait(false);
            var submissionId = operation.SubmissionId;
            if (submissionId is null && StatusMapper.MapJob(job.JobStatus, job.JobResult, toPreview: false) == OperationState.Succeeded)
            {
                // A publish's submission id is known once its job has succeeded: its detail shows what it created.
                submissionId = (await ReadJobDetailAsync(operation.JobId, context, cancellationToken).ConfigureAwait(false))?.Id;
            }

            return ToOperation(job, operation.SubmissionType, operation.OfferId, operation.ProductId, submissionId);
        }

        /// <summary>The preview and live submissions of the product <paramref name="offerId"/> as operations, newest first.</summary>
        public async Task<IReadOnlyList<OperationInfo>> ListOperationsAsync(string offerId, CommandContext? context, CancellationToken cancellationToken)
        {
            var product = await GetProductAsync(offerId, context, cancellationToken).ConfigureAwait(false);
            return ToOperations(product, await ListSubmissionsAsync(ProductIdOf(product), context, cancellationToken).ConfigureAwait(false));
        }

        /// <summary>
        /// A configure job as an operation. Its status does not say what it did; once it has succeeded its detail does
        /// (the resources it wrote), so a job that published to preview is known as one and waits for the review.
        /// </summary>
        public async Task<OperationInfo> GetJobOperationAsync(string jobId, string? offerId, CommandContext? context, CancellationToken cancellationToken)
        {
            var job = await GetJobAsync(jobId, context, cancellationToken).ConfigureAwait(false);
            var submission = StatusMapper.MapJob(job.JobStatus, job.JobResult, toPreview: false) == OperationState.Succeeded
                ? await ReadJobDetailAsync(jobId, context, cancellationToken).ConfigureAwait(false)
                : null;
            return ToOperation(job, submission?.TargetType ?? "draft", offerId ?? string.Empty, submission?.Product, submission?.Id);
        }

        /// <summary>The submission a succeeded job created or took live, from its detail; null for a draft-only job.</summary>
        private async Task<(string? Id, string TargetType, string? Product)?> ReadJobDetailAsync(string jobId, CommandContext? context, CancellationToken cancellationToken)
        {
            var detail = await SendAsync(HttpMethod.Get, Path("configure/" + JobGuid(jobId)), null, context, cancellationToken).ConfigureAwait(false);
            var submission = JsonFields.Objects(LosslessJson.ParseObject(detail.Body, "The job detail"), "resources")
                .FirstOrDefault(r => (JsonFields.String(r, "$schema") ?? string.Empty).IndexOf("/submission/", StringComparison.Ordinal) >= 0);
            if (submission is null)
            {
                return null;
            }

            var info = SubmissionInfo.Parse(submission);
            return (info.Id.Length == 0 ? null : info.Id, info.TargetType, JsonFields.String(submission, "product"));
        }

        /// <summary>
        /// The product's status from its newest preview and live submissions: none → NeverPublished; running → Running;
        /// failed → Failed; a succeeded preview not yet live → WaitingForPublisherReview; live → Succeeded.
        /// </summary>
        public async Task<OfferStatusInfo> GetStatusAsync(string offerId, CommandContext? context, CancellationToken cancellationToken)
        {
            var operations = await ListOperationsAsync(offerId, context, cancellationToken).ConfigureAwait(false);
            var newest = operations.FirstOrDefault();
            return new OfferStatusInfo
            {
                OfferId = offerId,
                Status = newest?.Status ?? "neverPublished",
                State = newest?.State ?? OperationState.NeverPublished,
            };
        }

        /// <summary>A product's submissions (draft left out) as operations, newest first.</summary>
        public static IReadOnlyList<OperationInfo> ToOperations(JsonObject product, IReadOnlyList<SubmissionInfo> submissions)
        {
            return submissions.Where(s => s.TargetType != "draft")
                .OrderByDescending(s => s.Created ?? DateTimeOffset.MinValue).ThenBy(s => s.TargetType == "live" ? 0 : 1)
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
