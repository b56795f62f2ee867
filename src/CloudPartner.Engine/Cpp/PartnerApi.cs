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

namespace CloudPartner.Engine.Cpp
{
    /// <summary>Every CPP endpoint as a typed call over one <see cref="ApiConnection"/>.</summary>
    internal sealed class PartnerApi : IOperationSource
    {
        private static readonly Regex EmailPattern = new Regex(@"^[^@\s,;<>""]+@[^@\s,;<>""]+\.[^@\s,;<>""]+\z", RegexOptions.Compiled | RegexOptions.CultureInvariant);

        private readonly SendOnceOrAdopt adopt;

        public PartnerApi(ApiConnection connection)
        {
            Connection = connection ?? throw new ArgumentNullException(nameof(connection));
            adopt = new SendOnceOrAdopt(connection);
        }

        public ApiConnection Connection { get; }

        public async Task<IReadOnlyList<PublisherInfo>> GetPublishersAsync(CommandContext? context, CancellationToken cancellationToken)
        {
            var response = await SendAsync(HttpMethod.Get, "/api/publishers", null, context, cancellationToken).ConfigureAwait(false);
            return PublisherInfo.ParseList(response.Body);
        }

        public async Task<IReadOnlyList<OfferDocument>> ListOffersAsync(string publisherId, string? offerTypeId, CommandContext? context, CancellationToken cancellationToken)
        {
            return (await ListOffersWithTextAsync(publisherId, offerTypeId, context, cancellationToken).ConfigureAwait(false)).Offers;
        }

        /// <summary>The offers list, with the response text exactly as received.</summary>
        public async Task<(IReadOnlyList<OfferDocument> Offers, string Text)> ListOffersWithTextAsync(string publisherId, string? offerTypeId, CommandContext? context, CancellationToken cancellationToken)
        {
            var path = OffersPath(publisherId);
            if (!string.IsNullOrEmpty(offerTypeId))
            {
                var type = Ids.Validate(offerTypeId, "OfferTypeId");
                path += "?$filter=" + Uri.EscapeDataString($"offerTypeId eq '{type}'");
            }

            var response = await SendAsync(HttpMethod.Get, path, null, context, cancellationToken).ConfigureAwait(false);
            return (OfferDocument.ParseList(response.Body), response.Body);
        }

        /// <summary>One offer: the editable (slot-less) document by default, or a version or a slot.</summary>
        public async Task<OfferDocument> GetOfferAsync(string publisherId, string offerId, long? version, OfferSlot? slot, CommandContext? context, CancellationToken cancellationToken)
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

            var response = await SendAsync(HttpMethod.Get, path, null, context, cancellationToken).ConfigureAwait(false);
            return OfferDocument.Parse(response.Body, response.ETag);
        }

        /// <summary>
        /// PUTs a whole offer document. <paramref name="ifMatch"/> null creates (no If-Match); otherwise it is an ETag or "*".
        /// Read-only keys are removed first; the caller's document is not modified. A create or an update of a given ETag
        /// is not repeated blindly when its outcome is unknown: a repeat would be refused (409, 412) exactly when the
        /// first attempt did succeed, so the offer is read first, and a service that holds what was sent is the answer.
        /// </summary>
        public async Task<(OfferDocument Offer, bool Created, IReadOnlyList<string> Stripped)> PutOfferAsync(
            string publisherId, string offerId, JsonObject document, string? ifMatch, CommandContext? context, CancellationToken cancellationToken)
        {
            context ??= new CommandContext();
            var copy = (JsonObject)LosslessJson.Parse(LosslessJson.Write(document), "The offer definition", CpErrorKind.InvalidArgument)!;
            var stripped = OfferDocument.StripReadOnlyKeys(copy);
            var body = LosslessJson.Write(copy);
            var path = OfferPath(publisherId, offerId);
            var result = await adopt.RunAsync(
                ifMatch is null ? $"the PUT creating offer '{offerId}'" : $"the PUT of offer '{offerId}'",
                async (exchange, resent) =>
                {
                    var request = ApiRequest.Create(HttpMethod.Put, path, body);
                    if (ifMatch != null)
                    {
                        request.SetHeader("If-Match", ifMatch, "The offer's ETag");
                    }

                    // Overwriting (If-Match: *) gives the same result however often it is sent; creating or updating a given ETag does not.
                    request.IsIdempotent = ifMatch == "*";
                    var response = await Connection.SendAsync(request, exchange, cancellationToken).ConfigureAwait(false);
                    return new PutResult(OfferDocument.Parse(response.Body, response.ETag), response.StatusCode == HttpStatusCode.Created);
                },
                async exchange =>
                {
                    OfferDocument current;
                    try
                    {
                        current = await GetOfferAsync(publisherId, offerId, null, null, exchange, cancellationToken).ConfigureAwait(false);
                    }
                    catch (CpException e) when (e.Kind == CpErrorKind.NotFound)
                    {
                        return null;
                    }

                    return HoldsSameContent(current.Document, copy) ? new PutResult(current, created: ifMatch is null) : null;
                },
                result => $"the offer holds what was sent (ETag {result.Offer.ETag ?? "none"})",
                context,
                cancellationToken).ConfigureAwait(false);
            return (result.Offer, result.Created, stripped);
        }

        public async Task<OfferStatusInfo> GetOfferStatusAsync(string publisherId, string offerId, CommandContext? context, CancellationToken cancellationToken)
        {
            var response = await SendAsync(HttpMethod.Get, OfferPath(publisherId, offerId) + "/status", null, context, cancellationToken).ConfigureAwait(false);
            return OfferStatusInfo.FromJson(response.Body, publisherId, offerId);
        }

        public async Task<IReadOnlyList<OperationInfo>> ListOperationsAsync(string publisherId, string offerId, string? status, CommandContext? context, CancellationToken cancellationToken)
        {
            var path = OfferPath(publisherId, offerId) + "/submissions";
            if (!string.IsNullOrEmpty(status))
            {
                path += "?status=" + Uri.EscapeDataString(Ids.Validate(status, "Status"));
            }

            var response = await SendAsync(HttpMethod.Get, path, null, context, cancellationToken).ConfigureAwait(false);
            var operations = OperationInfo.ParseList(response.Body, publisherId, offerId).Select(WithLocation).ToList();

            // The filter's parameter name is undocumented (status vs submissionState), so filter here too.
            return string.IsNullOrEmpty(status)
                ? operations
                : operations.Where(o => string.Equals(o.Status, status, StringComparison.OrdinalIgnoreCase) || string.Equals(o.State.ToString(), status, StringComparison.OrdinalIgnoreCase)).ToList();
        }

        public async Task<OperationInfo> GetOperationAsync(OperationLocation location, CommandContext? context, CancellationToken cancellationToken)
        {
            var response = await Connection.SendAsync(ApiRequest.Create(HttpMethod.Get, location.Uri.ToString()), context, cancellationToken).ConfigureAwait(false);
            var operation = OperationInfo.FromJson(response.Body, location.PublisherId, location.OfferId);
            operation.Location = location;
            operation.Id ??= location.OperationId;

            // The documentation's operation sample has no submissionType: a publish must still be known as one, or a
            // wait for it would not stop at publisher sign-off.
            operation.SubmissionType ??= location.SubmissionTypeHint;
            operation.RetryAfter = response.RetryAfter;
            return operation;
        }

        public bool CanPoll(OperationInfo operation) => operation.Location != null;

        public Task<OperationInfo> RefreshOperationAsync(OperationInfo operation, CommandContext context, CancellationToken cancellationToken)
        {
            return GetOperationAsync(operation.Location!, context, cancellationToken);
        }

        public string ResumeCommand(OperationInfo operation) => $"Get-CpOperation -Location '{operation.Location}' | Wait-CpOperation";

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
        /// POSTs publish, golive or cancel and returns the operation it started (for cancel, the operation it canceled).
        /// The offer's operations are read first, so that when the POST's outcome is unknown (dropped connection,
        /// timeout, 5xx) the operation it may have started can be told from every earlier one: the POST is sent again
        /// only when no new operation (for cancel: no operation canceled since) shows, whatever state it is in by then.
        /// </summary>
        public async Task<OperationInfo> StartOperationAsync(string publisherId, string offerId, OperationKind kind, string? notificationEmails, CommandContext? context, CancellationToken cancellationToken)
        {
            context ??= new CommandContext();
            var path = OfferPath(publisherId, offerId) + "/" + kind.ToString().ToLowerInvariant();
            string? body = null;
            if (notificationEmails != null && kind != OperationKind.GoLive)
            {
                body = new JsonObject { ["metadata"] = new JsonObject { ["notification-emails"] = notificationEmails } }.ToJsonString();
            }

            var before = await ListOperationsAsync(publisherId, offerId, null, context, cancellationToken).ConfigureAwait(false);
            return await adopt.RunAsync(
                $"the {kind} request",
                async (exchange, resent) =>
                {
                    try
                    {
                        var response = await Connection.SendAsync(ApiRequest.Create(HttpMethod.Post, path, body), exchange, cancellationToken).ConfigureAwait(false);
                        return await OperationFromResponseAsync(publisherId, offerId, kind, response, before, exchange, cancellationToken).ConfigureAwait(false);
                    }
                    catch (CpException e) when (e.Kind == CpErrorKind.Conflict)
                    {
                        // Sent again and refused because of what is there now: the lost request took effect after all.
                        var adopted = resent
                            ? await FindStartedOperationAsync(publisherId, offerId, kind, before, exchange, cancellationToken).ConfigureAwait(false)
                            : null;
                        if (adopted is null)
                        {
                            e.RecommendedAction = ConflictAdvice(kind, offerId);
                            throw;
                        }

                        exchange.Observer.Verbose($"The {kind} request sent again was refused ({e.ServiceCode ?? "409"}); operation {adopted.Id} ({adopted.Status}) is the one the lost request started.");
                        return adopted;
                    }
                },
                exchange => FindStartedOperationAsync(publisherId, offerId, kind, before, exchange, cancellationToken),
                operation => kind == OperationKind.Cancel
                    ? $"operation {operation.Id} ({operation.SubmissionType}) was canceled ({operation.Status})"
                    : $"operation {operation.Id} ({operation.SubmissionType}, {operation.Status}) was started",
                context,
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

        private async Task<OperationInfo> OperationFromResponseAsync(string publisherId, string offerId, OperationKind kind, ApiResponse response, IReadOnlyList<OperationInfo> before, CommandContext context, CancellationToken cancellationToken)
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
                    var started = await GetOperationAsync(location, context, cancellationToken).ConfigureAwait(false);
                    if (kind == OperationKind.Cancel)
                    {
                        // A 202 cancel may point at the cancellation's own operation rather than at the one it cancels;
                        // the command reports the canceled operation either way.
                        var canceled = IsCanceled(started) ? null : await FindStartedOperationAsync(publisherId, offerId, kind, before, context, cancellationToken).ConfigureAwait(false);
                        if (canceled is not null)
                        {
                            context.Observer.Verbose($"The cancel request was accepted as operation {started.Id ?? location.ToString()} ({started.Status}); it canceled operation {canceled.Id}.");
                            return canceled;
                        }
                    }
                    else
                    {
                        started.SubmissionType ??= kind.ToString().ToLowerInvariant();
                        if (before.Any(o => !o.IsTerminal && string.Equals(o.Id, started.Id, StringComparison.OrdinalIgnoreCase)))
                        {
                            context.Observer.Warning($"A {kind} of offer '{offerId}' was already running (operation {started.Id}); the service answered with it and started nothing new. This command reports that operation.");
                        }
                    }

                    return started;
                }
                catch (CpException e)
                {
                    // The operation was started, whatever keeps us from reading it now (a transient failure, a session
                    // disconnected meanwhile): failing would hide it and invite a second one. Report it, state unknown.
                    context.Observer.Warning($"{kind} started ({location}), but reading the operation failed: {e.Message} Its state is unknown until the next Get-CpOperation.");
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
            // operation is the one this request started or canceled (it may have ended already).
            var found = await adopt.LookUpAsync(
                $"the {kind} request",
                $"it was accepted ({(int)response.StatusCode}) without a Location",
                () => FindStartedOperationAsync(publisherId, offerId, kind, before, context, cancellationToken),
                null,
                context,
                cancellationToken).ConfigureAwait(false);
            if (found is null)
            {
                throw new CpException(CpErrorKind.InvalidResponse, $"The {kind} request was accepted ({(int)response.StatusCode}) but the response has no Location and the offer lists no {kind} operation that it started.")
                {
                    StatusCode = response.StatusCode,
                    RecommendedAction = $"Check the offer's operations with Get-CpOperation -OfferId '{offerId}' before repeating the request.",
                };
            }

            return found;
        }

        /// <summary>
        /// The operation a request of <paramref name="kind"/> started, judged against <paramref name="before"/>, the
        /// offer's operations read just before it was sent: for publish and go-live, an operation of that kind that was
        /// not there before, in whatever state it is now (it may have failed or been canceled already); for cancel, an
        /// operation that was running before and is canceled (or being canceled) now. Earlier operations, whatever
        /// their state, are never taken for it. Null when the request took no effect.
        /// </summary>
        private async Task<OperationInfo?> FindStartedOperationAsync(string publisherId, string offerId, OperationKind kind, IReadOnlyList<OperationInfo> before, CommandContext context, CancellationToken cancellationToken)
        {
            if (kind == OperationKind.Cancel)
            {
                // The operations that were running when the cancel was sent, read in full (a list item may not say
                // that a cancel was requested).
                foreach (var running in before.Where(o => o.Id != null && !o.IsTerminal))
                {
                    var current = await RefreshAsync(running, context, cancellationToken).ConfigureAwait(false);
                    if (IsCanceled(current))
                    {
                        return current;
                    }
                }

                return null;
            }

            var known = new HashSet<string>(before.Where(o => o.Id != null).Select(o => o.Id!), StringComparer.OrdinalIgnoreCase);
            var now = await ListOperationsAsync(publisherId, offerId, null, context, cancellationToken).ConfigureAwait(false);
            var match = now.Where(o => o.Id != null && !known.Contains(o.Id) && Matches(o, kind))
                .OrderByDescending(o => o.CreatedDateTime ?? o.LastActionDateTime ?? DateTimeOffset.MinValue)
                .FirstOrDefault();
            if (match is null)
            {
                return null;
            }

            try
            {
                return await RefreshAsync(match, context, cancellationToken).ConfigureAwait(false);
            }
            catch (CpException e) when (e.IsTransient)
            {
                // The list has shown the operation the request started: that answers the look-up, even if its detail
                // cannot be read now. It is reported as the list shows it; a wait reads it again.
                context.Observer.Verbose($"Operation {match.Id} was found, but reading it failed ({e.Message}); it is reported as the list shows it.");
                return match;
            }
        }

        private static bool IsCanceled(OperationInfo operation)
        {
            return operation.State == OperationState.Canceled || string.Equals(operation.CancellationRequestState, "cancelRequested", StringComparison.OrdinalIgnoreCase);
        }

        private async Task<OperationInfo> RefreshAsync(OperationInfo summary, CommandContext context, CancellationToken cancellationToken)
        {
            return summary.Location is null ? summary : await GetOperationAsync(summary.Location, context, cancellationToken).ConfigureAwait(false);
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

        private Task<ApiResponse> SendAsync(HttpMethod method, string path, string? body, CommandContext? context, CancellationToken cancellationToken)
        {
            return Connection.SendAsync(ApiRequest.Create(method, path, body), context, cancellationToken);
        }

        private static string OffersPath(string publisherId) => "/api/publishers/" + Ids.Segment(Ids.PublisherId(publisherId)) + "/offers";

        private static string OfferPath(string publisherId, string offerId) => OffersPath(publisherId) + "/" + Ids.Segment(Ids.OfferId(offerId));
    }
}
