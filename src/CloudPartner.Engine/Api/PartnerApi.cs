using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Http;
using CloudPartner.Engine.Json;
using CloudPartner.Engine.Models;
using CloudPartner.Engine.Operations;
using CloudPartner.Engine.Security;

namespace CloudPartner.Engine.Api
{
    /// <summary>Every CPP endpoint as a typed call over one <see cref="ApiConnection"/>.</summary>
    public sealed class PartnerApi
    {
        /// <summary>A running operation of the same kind created this close to our POST is taken to be ours.</summary>
        public static readonly TimeSpan AdoptionWindow = TimeSpan.FromMinutes(5);

        private static readonly Regex EmailPattern = new Regex(@"^[^@\s,;<>""]+@[^@\s,;<>""]+\.[^@\s,;<>""]+$", RegexOptions.Compiled | RegexOptions.CultureInvariant);

        public PartnerApi(ApiConnection connection)
        {
            Connection = connection ?? throw new ArgumentNullException(nameof(connection));
        }

        public ApiConnection Connection { get; }

        public async Task<IReadOnlyList<PublisherInfo>> GetPublishersAsync(IRequestObserver? observer, CancellationToken cancellationToken)
        {
            var response = await SendAsync(HttpMethod.Get, "/api/publishers", null, observer, cancellationToken).ConfigureAwait(false);
            return LosslessJson.ParseArray(response.Body, "The publishers list").Select(PublisherInfo.Parse).ToList();
        }

        public async Task<IReadOnlyList<OfferDocument>> ListOffersAsync(string publisherId, string? offerTypeId, IRequestObserver? observer, CancellationToken cancellationToken)
        {
            return (await ListOffersWithTextAsync(publisherId, offerTypeId, observer, cancellationToken).ConfigureAwait(false)).Offers;
        }

        /// <summary>The offers list, with the response text exactly as received.</summary>
        public async Task<(IReadOnlyList<OfferDocument> Offers, string Text)> ListOffersWithTextAsync(string publisherId, string? offerTypeId, IRequestObserver? observer, CancellationToken cancellationToken)
        {
            var path = OffersPath(publisherId);
            if (!string.IsNullOrEmpty(offerTypeId))
            {
                var type = Ids.Validate(offerTypeId, "OfferTypeId");
                path += "?$filter=" + Uri.EscapeDataString($"offerTypeId eq '{type}'");
            }

            var response = await SendAsync(HttpMethod.Get, path, null, observer, cancellationToken).ConfigureAwait(false);
            var offers = new List<OfferDocument>();
            foreach (var item in LosslessJson.ParseArray(response.Body, "The offers list"))
            {
                if (!(item is JsonObject offer))
                {
                    throw new CpException(CpErrorKind.InvalidResponse, "An entry of the offers list is not a JSON object.");
                }

                offers.Add(new OfferDocument(offer, eTag: null));
            }

            return (offers, response.Body);
        }

        /// <summary>One offer: the editable (slot-less) document by default, or a version or a slot.</summary>
        public async Task<OfferDocument> GetOfferAsync(string publisherId, string offerId, long? version, OfferSlot? slot, IRequestObserver? observer, CancellationToken cancellationToken)
        {
            var path = OfferPath(publisherId, offerId);
            if (version.HasValue)
            {
                if (version.Value < 0)
                {
                    throw new CpException(CpErrorKind.InvalidArgument, "-Version must be zero or positive.");
                }

                path += "/versions/" + version.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (slot.HasValue)
            {
                path += "/slot/" + slot.Value.ToString().ToLowerInvariant();
            }

            var response = await SendAsync(HttpMethod.Get, path, null, observer, cancellationToken).ConfigureAwait(false);
            return OfferDocument.Parse(response.Body, response.ETag);
        }

        /// <summary>
        /// PUTs a whole offer document. <paramref name="ifMatch"/> null creates (no If-Match); otherwise it is an ETag or "*".
        /// Read-only keys are removed first; the caller's document is not modified.
        /// </summary>
        public async Task<(OfferDocument Offer, bool Created, IReadOnlyList<string> Stripped)> PutOfferAsync(
            string publisherId, string offerId, JsonObject document, string? ifMatch, IRequestObserver? observer, CancellationToken cancellationToken)
        {
            var copy = (JsonObject)LosslessJson.Parse(LosslessJson.Write(document), "The offer definition", CpErrorKind.InvalidArgument)!;
            var stripped = OfferDocument.StripReadOnlyKeys(copy);
            var request = ApiRequest.Create(HttpMethod.Put, OfferPath(publisherId, offerId), LosslessJson.Write(copy));
            if (ifMatch != null)
            {
                request.Headers["If-Match"] = ifMatch;
            }

            var response = await Connection.SendAsync(request, observer, cancellationToken).ConfigureAwait(false);
            return (OfferDocument.Parse(response.Body, response.ETag), response.StatusCode == HttpStatusCode.Created, stripped);
        }

        public async Task<OfferStatusInfo> GetOfferStatusAsync(string publisherId, string offerId, IRequestObserver? observer, CancellationToken cancellationToken)
        {
            var response = await SendAsync(HttpMethod.Get, OfferPath(publisherId, offerId) + "/status", null, observer, cancellationToken).ConfigureAwait(false);
            return OfferStatusInfo.Parse(LosslessJson.Parse(response.Body, "The offer status"), publisherId, offerId);
        }

        public async Task<IReadOnlyList<OperationInfo>> ListOperationsAsync(string publisherId, string offerId, string? status, IRequestObserver? observer, CancellationToken cancellationToken)
        {
            var path = OfferPath(publisherId, offerId) + "/submissions";
            if (!string.IsNullOrEmpty(status))
            {
                path += "?status=" + Uri.EscapeDataString(status);
            }

            var response = await SendAsync(HttpMethod.Get, path, null, observer, cancellationToken).ConfigureAwait(false);
            var operations = LosslessJson.ParseArray(response.Body, "The submissions list")
                .Select(node => WithLocation(OperationInfo.Parse(node, publisherId, offerId)))
                .ToList();

            // The filter's parameter name is undocumented (status vs submissionState), so filter here too.
            return string.IsNullOrEmpty(status)
                ? operations
                : operations.Where(o => string.Equals(o.Status, status, StringComparison.OrdinalIgnoreCase) || string.Equals(o.State.ToString(), status, StringComparison.OrdinalIgnoreCase)).ToList();
        }

        public async Task<OperationInfo> GetOperationAsync(OperationLocation location, IRequestObserver? observer, CancellationToken cancellationToken)
        {
            var response = await Connection.SendAsync(ApiRequest.Create(HttpMethod.Get, location.Uri.ToString()), observer, cancellationToken).ConfigureAwait(false);
            var operation = OperationInfo.Parse(LosslessJson.Parse(response.Body, "The operation"), location.PublisherId, location.OfferId);
            operation.Location = location;
            operation.Id ??= location.OperationId;
            operation.RetryAfter = response.RetryAfter;
            return operation;
        }

        public OperationLocation LocationOf(string publisherId, string offerId, string operationId)
        {
            return OperationLocation.ForOperation(Connection.Settings.Endpoint, Connection.Settings.ApiVersion, publisherId, offerId, operationId);
        }

        public OperationLocation ResolveLocation(string location, string parameterName = "Location")
        {
            return OperationLocation.Resolve(location, Connection.Settings.Endpoint, Connection.Settings.ApiVersion, parameterName);
        }

        /// <summary>Validates addresses and joins them the way the service wants them: one comma-separated string.</summary>
        public static string? JoinNotificationEmails(IEnumerable<string>? emails)
        {
            if (emails is null)
            {
                return null;
            }

            var list = new List<string>();
            foreach (var email in emails)
            {
                var trimmed = email?.Trim() ?? string.Empty;
                if (trimmed.Length == 0 || trimmed.Length > 254 || !EmailPattern.IsMatch(trimmed) || trimmed.Any(char.IsControl))
                {
                    throw new CpException(CpErrorKind.InvalidArgument, $"-NotificationEmail '{Ids.Printable(email ?? string.Empty)}' is not an email address.");
                }

                list.Add(trimmed);
            }

            return list.Count == 0 ? null : string.Join(",", list);
        }

        /// <summary>
        /// POSTs publish, golive or cancel and returns the operation it started (or, for a synchronous cancel, the canceled one).
        /// When the POST's outcome is unknown (dropped connection, timeout, 5xx) it does not POST again blindly: it first
        /// looks for an operation of the same kind that the lost request may have started, and adopts it.
        /// </summary>
        public async Task<OperationInfo> StartOperationAsync(string publisherId, string offerId, OperationKind kind, string? notificationEmails, IRequestObserver? observer, CancellationToken cancellationToken)
        {
            observer ??= NullRequestObserver.Instance;
            var path = OfferPath(publisherId, offerId) + "/" + kind.ToString().ToLowerInvariant();
            string? body = null;
            if (notificationEmails != null && kind != OperationKind.GoLive)
            {
                body = new JsonObject { ["metadata"] = new JsonObject { ["notification-emails"] = notificationEmails } }.ToJsonString();
            }

            var attempts = 0;
            while (true)
            {
                var started = Connection.Clock();
                try
                {
                    var response = await Connection.SendAsync(ApiRequest.Create(HttpMethod.Post, path, body), observer, cancellationToken).ConfigureAwait(false);
                    return await OperationFromResponseAsync(publisherId, offerId, kind, response, started, observer, cancellationToken).ConfigureAwait(false);
                }
                catch (CpException e) when (e.Kind == CpErrorKind.Conflict)
                {
                    e.RecommendedAction = kind == OperationKind.GoLive
                        ? $"Go live needs a publish waiting at publisher sign-off and no other operation running. Check with Get-CpOperation -OfferId '{offerId}' -Status running; wait for it (Wait-CpOperation) or cancel it (Stop-CpOperation)."
                        : kind == OperationKind.Cancel
                            ? $"Nothing could be canceled on offer '{offerId}'; Get-CpOperation -OfferId '{offerId}' shows its operations."
                            : $"Only one operation can run on an offer. Check with Get-CpOperation -OfferId '{offerId}' -Status running; wait for it (Wait-CpOperation) or cancel it (Stop-CpOperation).";
                    throw;
                }
                catch (CpException e) when (e.OutcomeUnknown && attempts < Connection.Settings.MaxRetries)
                {
                    attempts++;
                    observer.Verbose($"The {kind} request's outcome is unknown ({e.Message}); looking for an operation it may have started before trying again.");
                    var adopted = await FindStartedOperationAsync(publisherId, offerId, kind, started, observer, cancellationToken).ConfigureAwait(false);
                    if (adopted != null)
                    {
                        observer.Verbose($"Found operation {adopted.Id} ({adopted.SubmissionType}, {adopted.Status}); using it instead of sending {kind} again.");
                        return adopted;
                    }

                    var wait = Connection.RetryPolicy.DelayFor(attempts, null, Connection.Clock());
                    observer.Verbose($"No {kind} operation was started; sending {kind} again in {wait.TotalSeconds:0.##} s (attempt {attempts + 1}).");
                    await Connection.DelayAsync(wait, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        private async Task<OperationInfo> OperationFromResponseAsync(string publisherId, string offerId, OperationKind kind, ApiResponse response, DateTimeOffset started, IRequestObserver observer, CancellationToken cancellationToken)
        {
            var header = response.Location ?? response.OperationLocation;
            if (!string.IsNullOrWhiteSpace(header))
            {
                var location = ResolveLocation(header!, "Location");
                try
                {
                    return await GetOperationAsync(location, observer, cancellationToken).ConfigureAwait(false);
                }
                catch (CpException e) when (e.Kind == CpErrorKind.ServiceError || e.Kind == CpErrorKind.Throttled || e.Kind == CpErrorKind.InvalidResponse)
                {
                    // The operation was started; failing now would invite a second one. Report it with an unknown state.
                    observer.Warning($"{kind} started ({location}), but reading the operation failed: {e.Message} Its state is unknown until the next Get-CpOperation.");
                    return new OperationInfo
                    {
                        Id = location.OperationId,
                        PublisherId = publisherId,
                        OfferId = offerId,
                        SubmissionType = kind.ToString().ToLowerInvariant(),
                        State = OperationState.Unknown,
                        Location = location,
                    };
                }
            }

            // No Location (some migrated offers, synchronous cancel): find the operation in the offer's submissions.
            var found = await FindStartedOperationAsync(publisherId, offerId, kind, started, observer, cancellationToken).ConfigureAwait(false)
                ?? await LatestOperationAsync(publisherId, offerId, kind, observer, cancellationToken).ConfigureAwait(false);
            if (found is null)
            {
                throw new CpException(CpErrorKind.InvalidResponse, $"The {kind} request was accepted ({(int)response.StatusCode}) but the response has no Location and the offer lists no matching operation.");
            }

            return found;
        }

        private async Task<OperationInfo?> FindStartedOperationAsync(string publisherId, string offerId, OperationKind kind, DateTimeOffset started, IRequestObserver observer, CancellationToken cancellationToken)
        {
            var operations = await ListOperationsAsync(publisherId, offerId, null, observer, cancellationToken).ConfigureAwait(false);
            var candidates = operations.Where(o => Matches(o, kind)).ToList();
            OperationInfo? match;
            if (kind == OperationKind.Cancel)
            {
                // A cancel leaves the running operation canceled (or being canceled).
                match = candidates.Where(o => o.State == OperationState.Canceled || string.Equals(o.CancellationRequestState, "cancelRequested", StringComparison.OrdinalIgnoreCase))
                    .OrderByDescending(o => o.LastActionDateTime ?? o.CreatedDateTime ?? DateTimeOffset.MinValue)
                    .FirstOrDefault(o => (o.LastActionDateTime ?? started) >= started - AdoptionWindow);
            }
            else
            {
                match = candidates
                    .Where(o => !o.IsTerminal && (o.CreatedDateTime ?? o.LastActionDateTime ?? started) >= started - AdoptionWindow)
                    .OrderByDescending(o => o.CreatedDateTime ?? DateTimeOffset.MinValue)
                    .FirstOrDefault();
            }

            return match is null ? null : await RefreshAsync(match, observer, cancellationToken).ConfigureAwait(false);
        }

        private async Task<OperationInfo?> LatestOperationAsync(string publisherId, string offerId, OperationKind kind, IRequestObserver observer, CancellationToken cancellationToken)
        {
            var operations = await ListOperationsAsync(publisherId, offerId, null, observer, cancellationToken).ConfigureAwait(false);
            var latest = operations.Where(o => Matches(o, kind)).OrderByDescending(o => o.LastActionDateTime ?? o.CreatedDateTime ?? DateTimeOffset.MinValue).FirstOrDefault();
            return latest is null ? null : await RefreshAsync(latest, observer, cancellationToken).ConfigureAwait(false);
        }

        private async Task<OperationInfo> RefreshAsync(OperationInfo summary, IRequestObserver observer, CancellationToken cancellationToken)
        {
            return summary.Location is null ? summary : await GetOperationAsync(summary.Location, observer, cancellationToken).ConfigureAwait(false);
        }

        private static bool Matches(OperationInfo operation, OperationKind kind)
        {
            var type = operation.SubmissionType ?? string.Empty;
            switch (kind)
            {
                case OperationKind.Publish:
                    return type.Equals("publish", StringComparison.OrdinalIgnoreCase) || string.Equals(operation.Slot, "staging", StringComparison.OrdinalIgnoreCase);
                case OperationKind.GoLive:
                    return type.Equals("golive", StringComparison.OrdinalIgnoreCase) || (type.Length == 0 && string.Equals(operation.Slot, "production", StringComparison.OrdinalIgnoreCase));
                default:
                    return true;
            }
        }

        private OperationInfo WithLocation(OperationInfo operation)
        {
            if (operation.Id != null && operation.Location is null)
            {
                try
                {
                    operation.Location = LocationOf(operation.PublisherId, operation.OfferId, operation.Id);
                }
                catch (CpException)
                {
                    // An id that is neither a GUID nor the legacy form: the operation is listed without a location.
                }
            }

            return operation;
        }

        private Task<ApiResponse> SendAsync(HttpMethod method, string path, string? body, IRequestObserver? observer, CancellationToken cancellationToken)
        {
            return Connection.SendAsync(ApiRequest.Create(method, path, body), observer, cancellationToken);
        }

        private static string OffersPath(string publisherId) => "/api/publishers/" + Ids.Segment(Ids.PublisherId(publisherId)) + "/offers";

        private static string OfferPath(string publisherId, string offerId) => OffersPath(publisherId) + "/" + Ids.Segment(Ids.OfferId(offerId));
    }
}
