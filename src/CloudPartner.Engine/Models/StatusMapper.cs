using System;
using System.Collections.Generic;

namespace CloudPartner.Engine.Models
{
    /// <summary>
    /// The one place that turns the service's status words into <see cref="OperationState"/>. Sources disagree
    /// (complete / completed / succeeded; canceled / cancelled), so comparison is case-insensitive and lenient;
    /// anything unknown maps to Unknown and the raw word is kept by the caller.
    /// </summary>
    internal static class StatusMapper
    {
        public const string SignoffStepId = "publisher-signoff";

        private static readonly Dictionary<string, OperationState> Words = new Dictionary<string, OperationState>(StringComparer.OrdinalIgnoreCase)
        {
            ["neverPublished"] = OperationState.NeverPublished,
            ["notStarted"] = OperationState.NotStarted,
            ["running"] = OperationState.Running,
            ["inProgress"] = OperationState.Running,
            ["waitingForPublisherReview"] = OperationState.WaitingForPublisherReview,
            ["complete"] = OperationState.Succeeded,
            ["completed"] = OperationState.Succeeded,
            ["succeeded"] = OperationState.Succeeded,
            // Not in the documented enum, but the retrieve-offers sample uses it for a live offer.
            ["published"] = OperationState.Succeeded,
            ["failed"] = OperationState.Failed,
            ["canceled"] = OperationState.Canceled,
            ["cancelled"] = OperationState.Canceled,
        };

        /// <summary>Maps a status word alone (no steps).</summary>
        public static OperationState MapWord(string? status)
        {
            if (string.IsNullOrWhiteSpace(status))
            {
                return OperationState.Unknown;
            }

            var key = status!.Replace(" ", string.Empty).Replace("_", string.Empty);
            return Words.TryGetValue(key, out var state) ? state : OperationState.Unknown;
        }

        /// <summary>Maps an operation or offer status, detecting a running submission that waits at publisher sign-off.</summary>
        public static OperationState Map(string? status, IReadOnlyList<StepInfo>? steps)
        {
            var state = MapWord(status);
            if (state == OperationState.Running && steps != null && SignoffStep(steps) is StepInfo signoff && IsWaitingForReview(signoff.Status))
            {
                return OperationState.WaitingForPublisherReview;
            }

            return state;
        }

        /// <summary>
        /// A Product Ingestion configure job: <c>jobStatus</c> notStarted / running / completed with <c>jobResult</c> pending /
        /// succeeded / failed / cancelled. A job that published to preview and succeeded waits for the publisher's review.
        /// </summary>
        public static OperationState MapJob(string? jobStatus, string? jobResult, bool toPreview)
        {
            switch (Normalize(jobStatus))
            {
                case "notstarted":
                    return OperationState.NotStarted;
                case "running":
                    return OperationState.Running;
                case "completed":
                    var result = MapWord(jobResult);
                    return result == OperationState.Succeeded && toPreview ? OperationState.WaitingForPublisherReview : result;
                default:
                    return OperationState.Unknown;
            }
        }

        /// <summary>
        /// A Product Ingestion submission: running → Running; completed and failed → Failed; a completed, succeeded preview
        /// whose id differs from the live one waits for review; a completed, succeeded live one (or a preview that shares
        /// the live id) → Succeeded.
        /// </summary>
        public static OperationState MapSubmission(string? status, string? result, bool preview, bool sharesLiveId)
        {
            switch (Normalize(status))
            {
                case "notstarted":
                case "running":
                    return OperationState.Running;
                case "completed":
                    var mapped = MapWord(result);
                    return mapped == OperationState.Succeeded && preview && !sharesLiveId ? OperationState.WaitingForPublisherReview : mapped;
                default:
                    return OperationState.Unknown;
            }
        }

        public static bool IsTerminal(OperationState state)
        {
            return state == OperationState.Succeeded || state == OperationState.Failed || state == OperationState.Canceled;
        }

        /// <summary>The publisher sign-off step, matched by <c>id</c> or by <c>stepName</c> (clients have seen both).</summary>
        public static StepInfo? SignoffStep(IReadOnlyList<StepInfo> steps)
        {
            foreach (var step in steps)
            {
                if (IsSignoff(step.Id) || IsSignoff(step.StepName))
                {
                    return step;
                }
            }

            return null;
        }

        public static bool IsStepComplete(string? status) => MapWord(status) == OperationState.Succeeded;

        public static bool IsStepActive(string? status)
        {
            var key = Normalize(status);
            return key == "inprogress" || key == "running" || key == "waitingforpublisherreview" || key == "waitingforapproval";
        }

        public static bool IsStepFailed(string? status)
        {
            var key = Normalize(status);
            return key == "blocked" || key == "rejected" || key == "failed";
        }

        public static bool IsWaitingForReview(string? status) => Normalize(status) == "waitingforpublisherreview";

        private static bool IsSignoff(string? name)
        {
            return Normalize(name) == "publishersignoff";
        }

        private static string Normalize(string? value)
        {
            return (value ?? string.Empty).Replace(" ", string.Empty).Replace("-", string.Empty).Replace("_", string.Empty).ToLowerInvariant();
        }
    }
}
