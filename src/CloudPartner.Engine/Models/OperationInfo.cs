using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Json;
using CloudPartner.Engine.Security;
using CloudPartner.Engine.Operations;

namespace CloudPartner.Engine.Models
{
    /// <summary>An operation (submission) as the service describes it, with its state derived in one place.</summary>
    internal sealed class OperationInfo
    {
        public string? Id { get; set; }

        /// <summary>The API the operation is on.</summary>
        public ApiKind Api { get; set; } = ApiKind.Cpp;

        /// <summary>Product Ingestion: the product's durable id (<c>product/&lt;guid&gt;</c>).</summary>
        public string? ProductId { get; set; }

        /// <summary>Product Ingestion: the configure job's id.</summary>
        public string? JobId { get; set; }

        /// <summary>Product Ingestion: the submission's durable id (<c>submission/&lt;guid&gt;/&lt;n&gt;</c>), once known.</summary>
        public string? SubmissionId { get; set; }

        public string PublisherId { get; set; } = string.Empty;

        public string OfferId { get; set; } = string.Empty;

        /// <summary>publish, golive or cancel.</summary>
        public string? SubmissionType { get; set; }

        /// <summary>The service's own word, kept as is.</summary>
        public string? Status { get; set; }

        public OperationState State { get; set; }

        public string? Slot { get; set; }

        public long? OfferVersion { get; set; }

        public long? PublishingVersion { get; set; }

        public DateTimeOffset? CreatedDateTime { get; set; }

        public DateTimeOffset? LastActionDateTime { get; set; }

        public string? CancellationRequestState { get; set; }

        public IReadOnlyList<StepInfo> Steps { get; set; } = new StepInfo[0];

        public IReadOnlyList<MessageInfo> Messages { get; set; } = new MessageInfo[0];

        public IReadOnlyList<string> NotificationEmails { get; set; } = new string[0];

        public OperationLocation? Location { get; set; }

        public string? Error { get; set; }

        /// <summary>The server's Retry-After on the last GET of this operation, if any.</summary>
        public TimeSpan? RetryAfter { get; set; }

        public bool IsTerminal => StatusMapper.IsTerminal(State);

        /// <summary>A publish (CPP) or a submission to preview (Product Ingestion): its wait ends at the publisher's review.</summary>
        public bool IsPublish => string.Equals(SubmissionType, "publish", StringComparison.OrdinalIgnoreCase) || string.Equals(SubmissionType, "preview", StringComparison.OrdinalIgnoreCase);

        /// <summary>The step being worked on, the one that failed, or the one waiting for the publisher.</summary>
        public StepInfo? CurrentStep
        {
            get
            {
                var failed = Steps.FirstOrDefault(s => StatusMapper.IsStepFailed(s.Status));
                if (failed != null)
                {
                    return failed;
                }

                var active = Steps.FirstOrDefault(s => StatusMapper.IsStepActive(s.Status));
                if (active != null || State == OperationState.Succeeded)
                {
                    return active;
                }

                return IsTerminal ? null : Steps.FirstOrDefault(s => !StatusMapper.IsStepComplete(s.Status));
            }
        }

        /// <summary>
        /// Overall progress from the steps. A publish is whole when it reaches sign-off, so its later steps do not count.
        /// </summary>
        public int PercentComplete
        {
            get
            {
                if (State == OperationState.Succeeded || (State == OperationState.WaitingForPublisherReview && IsPublish))
                {
                    return 100;
                }

                var relevant = Steps.ToList();
                if (IsPublish)
                {
                    var signoff = StatusMapper.SignoffStep(Steps);
                    if (signoff != null)
                    {
                        relevant = Steps.TakeWhile(s => !ReferenceEquals(s, signoff)).ToList();
                    }
                }

                if (relevant.Count == 0)
                {
                    return 0;
                }

                var total = relevant.Sum(s => StatusMapper.IsStepComplete(s.Status) ? 100 : Math.Max(0, Math.Min(100, s.ProgressPercentage ?? 0)));
                return Math.Min(99, total / relevant.Count);
            }
        }

        /// <summary>The body of an operation GET (any Location form).</summary>
        public static OperationInfo FromJson(string json, string publisherId, string offerId)
        {
            return Parse(LosslessJson.Parse(json, "The operation"), publisherId, offerId);
        }

        /// <summary>The body of GET …/submissions: the offer's operations, newest first.</summary>
        public static IReadOnlyList<OperationInfo> ParseList(string json, string publisherId, string offerId)
        {
            return LosslessJson.ParseArray(json, "The submissions list").Select(node => Parse(node, publisherId, offerId)).ToList();
        }

        /// <summary>
        /// Reads an operation detail or a submissions-list entry. The documented sample wraps the object in an array,
        /// so a one-element array is accepted too.
        /// </summary>
        public static OperationInfo Parse(JsonNode? node, string publisherId, string offerId)
        {
            if (node is JsonArray array && array.Count == 1)
            {
                node = array[0];
            }

            if (!(node is JsonObject obj))
            {
                throw new CpException(CpErrorKind.InvalidResponse, "The operation in the response is not a JSON object.");
            }

            var steps = JsonFields.Objects(obj, "steps").Select(ParseStep).ToList();
            var status = Ids.VisibleOrNull(JsonFields.String(obj, "status") ?? JsonFields.String(obj, "submissionState"));
            var emails = JsonFields.Strings(obj, "notificationEmails");
            if (emails.Count == 0 && JsonFields.Object(obj, "definition") is JsonObject definition && JsonFields.Object(definition, "metadata") is JsonObject metadata)
            {
                emails = JsonFields.Strings(metadata, "emails");
            }

            var operation = new OperationInfo
            {
                Id = JsonFields.String(obj, "id"),
                PublisherId = JsonFields.String(obj, "publisherId") ?? publisherId,
                OfferId = offerId,
                SubmissionType = Ids.VisibleOrNull(JsonFields.String(obj, "submissionType")),
                Status = status,
                State = StatusMapper.Map(status, steps),
                Slot = JsonFields.String(obj, "slot"),
                OfferVersion = JsonFields.Int64(obj, "offerVersion"),
                PublishingVersion = JsonFields.Int64(obj, "publishingVersion"),
                CreatedDateTime = JsonFields.Timestamp(obj, "createdDateTime"),
                LastActionDateTime = JsonFields.Timestamp(obj, "lastActionDateTime") ?? JsonFields.Timestamp(obj, "changedTime"),
                CancellationRequestState = JsonFields.String(obj, "cancellationRequestState"),
                Steps = steps,
                Messages = JsonFields.Objects(obj, "messages").Select(ParseMessage).ToList(),
                NotificationEmails = emails,
                Error = ReadError(obj),
            };
            return operation;
        }

        public static StepInfo ParseStep(JsonObject step)
        {
            return new StepInfo
            {
                Id = Ids.VisibleOrNull(JsonFields.String(step, "id")),
                StepName = Ids.VisibleOrNull(JsonFields.String(step, "stepName")),
                Description = Ids.VisibleOrNull(JsonFields.String(step, "description")),
                Status = Ids.VisibleOrNull(JsonFields.String(step, "status")),
                EstimatedTimeFrame = Ids.VisibleOrNull(JsonFields.String(step, "estimatedTimeFrame")),
                ProgressPercentage = (int?)ClampPercent(JsonFields.Int64(step, "progressPercentage")),
                Messages = JsonFields.Objects(step, "messages").Select(ParseMessage).ToList(),
            };
        }

        public static MessageInfo ParseMessage(JsonObject message)
        {
            return new MessageInfo
            {
                MessageHtml = JsonFields.String(message, "messageHtml"),
                Level = Ids.VisibleOrNull(JsonFields.String(message, "level")),
                Timestamp = JsonFields.Timestamp(message, "timestamp"),
            };
        }

        /// <summary>The failing step's name and its messages as text, for error records.</summary>
        public string DescribeFailure()
        {
            var step = CurrentStep;
            var parts = new List<string>();
            if (step != null)
            {
                var messages = step.Messages.Where(m => !string.Equals(m.Level, "information", StringComparison.OrdinalIgnoreCase)).Select(m => m.Text).Where(t => t.Length > 0).ToList();
                if (messages.Count == 0)
                {
                    messages = step.Messages.Select(m => m.Text).Where(t => t.Length > 0).ToList();
                }

                parts.Add($"step '{step.DisplayName}' is {step.Status}" + (messages.Count > 0 ? ": " + string.Join(" ", messages) : string.Empty));
            }

            var top = Messages.Select(m => m.Text).Where(t => t.Length > 0).ToList();
            if (top.Count > 0)
            {
                parts.Add(string.Join(" ", top));
            }

            if (!string.IsNullOrEmpty(Error))
            {
                parts.Add(Error!);
            }

            return string.Join("; ", parts);
        }

        private static long? ClampPercent(long? value) => value.HasValue ? Math.Max(0, Math.Min(100, value.Value)) : (long?)null;

        private static string? ReadError(JsonObject obj)
        {
            var node = JsonFields.Get(obj, "error");
            switch (node)
            {
                case null:
                    return null;
                case JsonObject error:
                    var code = JsonFields.String(error, "code");
                    var message = JsonFields.String(error, "message");
                    return Ids.VisibleOrNull(code is null ? message : $"{code}: {message}");
                default:
                    return Ids.VisibleOrNull(JsonFields.String(obj, "error"));
            }
        }
    }
}
