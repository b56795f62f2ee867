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
    internal sealed class PartnerApi
    {
        /// <summary>A running operation of the same kind created this close to our POST is taken to be ours.</summary>
        public static readonly TimeSpan AdoptionWindow = TimeSpan.FromMinutes(5);

        private static readonly Regex EmailPattern = new Regex(@"^[^@\s,;<>""]+@[^@\s,;<>""]+\.[^@\s,;<>""]+\z", RegexOptions.Compiled | RegexOptions.CultureInvariant);

        public PartnerApi(ApiConnection connection)
        {
            Connection = connection ?? throw new ArgumentNullException(nameof(connection));
        }

        public ApiConnection Connection { get; }

        public async Task<IReadOnlyList<PublisherInfo>> GetPublishersAsync(IRequestObserver? observer, CancellationToken cancellationToken)
        {
            var response = await SendAsync(HttpMethod.Get, "/api/publishers", null, observer, cancellationToken).ConfigureAwait(false);
            return PublisherInfo.ParseList(response.Body);
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
            return (OfferDocument.ParseList(response.Body), response.Body);
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
        /// Read-only keys are removed first; the caller's document is not modified. A create or an update of a given ETag
        /// is not repeated blindly when its outcome is unknown: a repeat would be refused (409, 412) exactly when the
        /// first attempt did succeed, so the offer is read first, and a service that holds what was sent is the answer.
        /// </summary>
        public async Task<(OfferDocument Offer, bool Created, IReadOnlyList<string> Stripped)> PutOfferAsync(
            string publisherId, string offerId, JsonObject document, string? ifMatch, IRequestObserver? observer, CancellationToken cancellationToken)
        {
            observer ??= NullRequestObserver.Instance;
            var copy = (JsonObject)LosslessJson.Parse(LosslessJson.Write(document), "The offer definition", CpErrorKind.InvalidArgument)!;
            var stripped = OfferDocument.StripReadOnlyKeys(copy);
            var body = LosslessJson.Write(copy);
            var path = OfferPath(publisherId, offerId);
            var result = await SendOnceOrAdoptAsync(
                ifMatch is null ? $"the PUT creating offer '{offerId}'" : $"the PUT of offer '{offerId}'",
                async resent =>
                {
                    var request = ApiRequest.Create(HttpMethod.Put, path, body);
                    if (ifMatch != null)
                    {
                        request.SetHeader("If-Match", ifMatch, "The offer's ETag");
                    }

                    // Overwriting (If-Match: *) gives the same result however often it is sent; creating or updating a given ETag does not.
                    request.IsIdempotent = ifMatch == "*";
                    var response = await Connection.SendAsync(request, observer, cancellationToken).ConfigureAwait(false);
                    return new PutResult(OfferDocument.Parse(response.Body, response.ETag), response.StatusCode == HttpStatusCode.Created);
                },
                async () =>
                {
                    OfferDocument current;
                    try
                    {
                        current = await GetOfferAsync(publisherId, offerId, null, null, observer, cancellationToken).ConfigureAwait(false);
                    }
                    catch (CpException e) when (e.Kind == CpErrorKind.NotFound)
                    {
                        return null;
                    }

                    return HoldsSameContent(current.Document, copy) ? new PutResult(current, created: ifMatch is null) : null;
                },
                result => $"the offer holds what was sent (ETag {result.Offer.ETag ?? "none"})",
                observer,
                cancellationToken).ConfigureAwait(false);
            return (result.Offer, result.Created, stripped);
        }

        public async Task<OfferStatusInfo> GetOfferStatusAsync(string publisherId, string offerId, IRequestObserver? observer, CancellationToken cancellationToken)
        {
            var response = await SendAsync(HttpMethod.Get, OfferPath(publisherId, offerId) + "/status", null, observer, cancellationToken).ConfigureAwait(false);
            return OfferStatusInfo.FromJson(response.Body, publisherId, offerId);
        }

        public async Task<IReadOnlyList<OperationInfo>> ListOperationsAsync(string publisherId, string offerId, string? status, IRequestObserver? observer, CancellationToken cancellationToken)
        {
            var path = OfferPath(publisherId, offerId) + "/submissions";
            if (!string.IsNullOrEmpty(status))
            {
                path += "?status=" + Uri.EscapeDataString(Ids.Validate(status, "Status"));
            }

            var response = await SendAsync(HttpMethod.Get, path, null, observer, cancellationToken).ConfigureAwait(false);
            var operations = OperationInfo.ParseList(response.Body, publisherId, offerId).Select(WithLocation).ToList();

            // The filter's parameter name is undocumented (status vs submissionState), so filter here too.
            return string.IsNullOrEmpty(status)
                ? operations
                : operations.Where(o => string.Equals(o.Status, status, StringComparison.OrdinalIgnoreCase) || string.Equals(o.State.ToString(), status, StringComparison.OrdinalIgnoreCase)).ToList();
        }

        public async Task<OperationInfo> GetOperationAsync(OperationLocation location, IRequestObserver? observer, CancellationToken cancellationToken)
        {
            var response = await Connection.SendAsync(ApiRequest.Create(HttpMethod.Get, location.Uri.ToString()), observer, cancellationToken).ConfigureAwait(false);
            var operation = OperationInfo.FromJson(response.Body, location.PublisherId, location.OfferId);
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
                // Control characters are refused before trimming: "a@b.com\n" is not quietly turned into an address.
                var trimmed = email?.Trim() ?? string.Empty;
                if (trimmed.Length == 0 || trimmed.Length > 254 || Ids.HasControlCharacters(email!) || !EmailPattern.IsMatch(trimmed))
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

            var started = Connection.Clock();
            return await SendOnceOrAdoptAsync(
                $"the {kind} request",
                async resent =>
                {
                    try
                    {
                        var response = await Connection.SendAsync(ApiRequest.Create(HttpMethod.Post, path, body), observer, cancellationToken).ConfigureAwait(false);
                        return await OperationFromResponseAsync(publisherId, offerId, kind, response, started, observer, cancellationToken).ConfigureAwait(false);
                    }
                    catch (CpException e) when (e.Kind == CpErrorKind.Conflict)
                    {
                        // Sent again and refused because of what is there now: the lost request took effect after all
                        // (its operation may have ended already, or the look-up missed it through clock skew).
                        var adopted = resent
                            ? await FindStartedOperationAsync(publisherId, offerId, kind, started, includeFinished: true, observer, cancellationToken).ConfigureAwait(false)
                            : null;
                        if (adopted is null)
                        {
                            e.RecommendedAction = ConflictAdvice(kind, offerId);
                            throw;
                        }

                        observer.Verbose($"The {kind} request sent again was refused ({e.ServiceCode ?? "409"}); operation {adopted.Id} ({adopted.Status}) is the one the lost request started.");
                        return adopted;
                    }
                },
                () => FindStartedOperationAsync(publisherId, offerId, kind, started, includeFinished: false, observer, cancellationToken),
                operation => $"operation {operation.Id} ({operation.SubmissionType}, {operation.Status}) was started",
                observer,
                cancellationToken).ConfigureAwait(false);
        }

        private static string ConflictAdvice(OperationKind kind, string offerId)
        {
            switch (kind)
            {
                case OperationKind.GoLive:
                    return $"Go live needs a publish waiting at publisher sign-off and no other operation running. Check with Get-CpOperation -OfferId '{offerId}' -Status running; wait for it (Wait-CpOperation) or cancel it (Stop-CpOperation).";
                case OperationKind.Cancel:
                    return $"Nothing could be canceled on offer '{offerId}'; Get-CpOperation -OfferId '{offerId}' shows its operations.";
                default:
                    return $"Only one operation can run on an offer. Check with Get-CpOperation -OfferId '{offerId}' -Status running; wait for it (Wait-CpOperation) or cancel it (Stop-CpOperation).";
            }
        }

        /// <summary>
        /// The one place for requests that must not be repeated blindly (a POST that starts an operation, a PUT that
        /// creates or conditionally updates an offer). When the outcome of <paramref name="send"/> is unknown,
        /// <paramref name="lookUp"/> checks whether it took effect; only when it did not is the request sent again, after
        /// a backoff, up to the session's MaxRetries. A failing look-up is tried again: the request is never repeated
        /// without a look-up that says it must be. <paramref name="send"/> is told whether it is a repeat.
        /// </summary>
        private async Task<T> SendOnceOrAdoptAsync<T>(
            string what,
            Func<bool, Task<T>> send,
            Func<Task<T?>> lookUp,
            Func<T, string> describe,
            IRequestObserver observer,
            CancellationToken cancellationToken)
            where T : class
        {
            var maxRetries = Connection.Settings.MaxRetries;
            var sent = 0;
            while (true)
            {
                CpException unknown;
                try
                {
                    return await send(sent > 0).ConfigureAwait(false);
                }
                catch (CpException e) when (e.OutcomeUnknown && sent < maxRetries)
                {
                    unknown = e;
                }

                sent++;
                observer.Verbose($"The outcome of {what} is unknown ({unknown.Message}); checking whether it took effect before sending it again.");
                var found = await LookUpAsync(what, $"its outcome is unknown: {unknown.Message}", lookUp, unknown, observer, cancellationToken).ConfigureAwait(false);
                if (found != null)
                {
                    observer.Verbose($"It did: {describe(found)}; not sending {what} again.");
                    return found;
                }

                var wait = Connection.RetryPolicy.DelayFor(sent, null, Connection.Clock());
                observer.Verbose($"It did not; sending {what} again in {wait.TotalSeconds:0.##} s (attempt {sent + 1}).");
                await Connection.DelayAsync(wait, cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>Runs <paramref name="lookUp"/>, trying again after transient failures; <paramref name="why"/> says why it is needed.</summary>
        private async Task<T?> LookUpAsync<T>(string what, string why, Func<Task<T?>> lookUp, CpException? cause, IRequestObserver observer, CancellationToken cancellationToken)
            where T : class
        {
            for (var tries = 1; ; tries++)
            {
                try
                {
                    return await lookUp().ConfigureAwait(false);
                }
                catch (CpException e) when (e.IsTransient && tries <= Connection.Settings.MaxRetries)
                {
                    var wait = Connection.RetryPolicy.DelayFor(tries, null, Connection.Clock());
                    observer.Verbose($"Checking whether {what} took effect failed ({e.Message}); checking again in {wait.TotalSeconds:0.##} s.");
                    await Connection.DelayAsync(wait, cancellationToken).ConfigureAwait(false);
                }
                catch (CpException e) when (e.IsTransient)
                {
                    throw new CpException(
                        e.Kind,
                        $"Checking whether {what} took effect failed ({why}): {e.Message}",
                        "It may have taken effect: check with Get-CpOperation (or Get-CpOffer) before repeating it.",
                        e)
                    {
                        StatusCode = e.StatusCode,
                        HttpMethod = cause?.HttpMethod ?? e.HttpMethod,
                        RequestUri = cause?.RequestUri ?? e.RequestUri,
                        OutcomeUnknown = true,
                    };
                }
            }
        }

        private async Task<OperationInfo> OperationFromResponseAsync(string publisherId, string offerId, OperationKind kind, ApiResponse response, DateTimeOffset started, IRequestObserver observer, CancellationToken cancellationToken)
        {
            var header = response.Location ?? response.OperationLocation;
            if (!string.IsNullOrWhiteSpace(header))
            {
                OperationLocation location;
                try
                {
                    location = OperationLocation.Resolve(header, Connection.Settings.Endpoint, Connection.Settings.ApiVersion, parameterName: null);
                }
                catch (CpException e) when (e.Kind == CpErrorKind.UntrustedLocation)
                {
                    e.RecommendedAction = $"The service accepted the {kind} request ({(int)response.StatusCode}) but pointed to a location the module will not follow or send the token to. "
                        + $"The operation may be running: check it with Get-CpOperation -OfferId '{offerId}' before repeating the request.";
                    e.Target = offerId;
                    throw;
                }

                try
                {
                    return await GetOperationAsync(location, observer, cancellationToken).ConfigureAwait(false);
                }
                catch (CpException e)
                {
                    // The operation was started, whatever keeps us from reading it now (a transient failure, a session
                    // disconnected meanwhile): failing would hide it and invite a second one. Report it, state unknown.
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

            // No Location (some migrated offers, synchronous cancel): the 2xx proves the request was acted on, so the
            // operation is the one of this kind that the offer lists as started just now (it may have ended already).
            var found = await LookUpAsync(
                $"the {kind} request",
                $"it was accepted ({(int)response.StatusCode}) without a Location",
                () => FindStartedOperationAsync(publisherId, offerId, kind, started, includeFinished: true, observer, cancellationToken),
                null,
                observer,
                cancellationToken).ConfigureAwait(false);
            if (found is null)
            {
                throw new CpException(CpErrorKind.InvalidResponse, $"The {kind} request was accepted ({(int)response.StatusCode}) but the response has no Location and the offer lists no {kind} operation started since {started - AdoptionWindow:u}.")
                {
                    StatusCode = response.StatusCode,
                    RecommendedAction = $"Check the offer's operations with Get-CpOperation -OfferId '{offerId}' before repeating the request.",
                };
            }

            return found;
        }

        /// <summary>
        /// The operation of <paramref name="kind"/> that a request sent at <paramref name="started"/> may have started:
        /// one created within <see cref="AdoptionWindow"/> of it (the window absorbs clock skew), newest first. Unless
        /// <paramref name="includeFinished"/> (the service said it acted), only a running one counts, so a recent
        /// operation that already failed is never taken for a new one.
        /// </summary>
        private async Task<OperationInfo?> FindStartedOperationAsync(string publisherId, string offerId, OperationKind kind, DateTimeOffset started, bool includeFinished, IRequestObserver observer, CancellationToken cancellationToken)
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
                    .Where(o => (includeFinished || !o.IsTerminal) && (o.CreatedDateTime ?? o.LastActionDateTime ?? started) >= started - AdoptionWindow)
                    .OrderBy(o => o.IsTerminal)
                    .ThenByDescending(o => o.CreatedDateTime ?? DateTimeOffset.MinValue)
                    .FirstOrDefault();
            }

            return match is null ? null : await RefreshAsync(match, observer, cancellationToken).ConfigureAwait(false);
        }

        private async Task<OperationInfo> RefreshAsync(OperationInfo summary, IRequestObserver observer, CancellationToken cancellationToken)
        {
            return summary.Location is null ? summary : await GetOperationAsync(summary.Location, observer, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Whether the offer now holds <paramref name="sent"/>: same type and definition, ignoring what the service stamps or strips.</summary>
        private static bool HoldsSameContent(JsonObject current, JsonObject sent)
        {
            return string.Equals(JsonFields.String(current, "offerTypeId"), JsonFields.String(sent, "offerTypeId"), StringComparison.Ordinal)
                && Comparable(current) == Comparable(sent);
        }

        private static string Comparable(JsonObject document)
        {
            var copy = (JsonObject)document.DeepClone();
            OfferDocument.StripReadOnlyKeys(copy);
            if (!(JsonFields.Get(copy, "definition") is JsonObject definition))
            {
                return "null";
            }

            definition.Remove("changedTime");
            return LosslessJson.Write(definition);
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

        private sealed class PutResult
        {
            public PutResult(OfferDocument offer, bool created)
            {
                Offer = offer;
                Created = created;
            }

            public OfferDocument Offer { get; }

            public bool Created { get; }
        }

        private Task<ApiResponse> SendAsync(HttpMethod method, string path, string? body, IRequestObserver? observer, CancellationToken cancellationToken)
        {
            return Connection.SendAsync(ApiRequest.Create(method, path, body), observer, cancellationToken);
        }

        private static string OffersPath(string publisherId) => "/api/publishers/" + Ids.Segment(Ids.PublisherId(publisherId)) + "/offers";

        private static string OfferPath(string publisherId, string offerId) => OffersPath(publisherId) + "/" + Ids.Segment(Ids.OfferId(offerId));
    }
}
