using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CloudPartner.Emulator.Http;
using CloudPartner.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CloudPartner.Emulator.Cpp
{
    /// <summary>The CPP REST API (cpp-api.md §1), quirks included, under <c>/api</c>. Every call runs under the state's gate.</summary>
    internal sealed partial class CppApi
    {
        public const string ApiVersion = "2017-10-31";
        private const string OfferRoute = "/publishers/{publisherId}/offers/{offerId}";
        private static readonly byte[] InvalidApiVersionBody = Json.Error("InvalidAPIVersion", "Invalid api version. Allowed values are [" + ApiVersion + "]");
        private static readonly byte[] UnauthorizedBody = "{\"Message\":\"Authorization has been denied for this request.\"}"u8.ToArray();
        private static readonly byte[] ForbiddenBody = Json.Error("Forbidden", "User does not have the required permissions");
        private static readonly OfferTypeBody[] OfferTypes =
        {
            new("microsoft-azure-virtualmachines", new("Virtual Machine")),
            new("microsoft-azure-corevm", new("Core Virtual Machine")),
            new("microsoft-azure-applications", new("Azure Application")),
        };

        private readonly EmulatorState state;

        public CppApi(EmulatorState state)
        {
            this.state = state;
        }

        private EmulatorSettings Settings => state.Settings;

        public void Map(IEndpointRouteBuilder app)
        {
            app.MapGet("/", () => ApiResponse.Of(200, new { name = "CloudPartner CPP emulator", api = "/api/publishers?api-version=" + ApiVersion, productIngestion = ProductIngestion.ProductIngestionApi.Prefix + "/product", admin = "/_emulator/" }));
            var api = app.MapGroup("/api");
            api.MapGet("/publishers", Call(ListPublishers));
            api.MapGet("/publishers/{publisherId}", Call(c => ApiResponse.Of(200, PublisherBody.Of(c.Publisher!))));
            api.MapGet("/publishers/{publisherId}/offers", Call(ListOffers));
            api.MapGet(OfferRoute, Call(c => GetDraft(c.Offer!)));
            api.MapPut(OfferRoute, Call(PutOffer, offerMustExist: false));
            api.MapGet(OfferRoute + "/status", Call(c => OfferStatus(c.Offer!, c.Now)));
            api.MapGet(OfferRoute + "/submissions", Call(Submissions));
            api.MapGet(OfferRoute + "/versions/{version}", Call(c => GetVersion(c.Offer!, c.Request.Route("version"))));
            api.MapGet(OfferRoute + "/slot/{slot}", Call(c => GetSlot(c.Offer!, c.Request.Route("slot"))));
            api.MapGet(OfferRoute + "/operations/{operationId}", Call(c => GetOperationByGuid(c.Offer!, c.Request.Route("operationId"), c.Now)));
            api.MapPost(OfferRoute + "/publish", Call(Publish));
            api.MapPost(OfferRoute + "/golive", Call(GoLive));
            api.MapPost(OfferRoute + "/cancel", Call(Cancel));
            api.MapGet("/operations/{legacyId}", Call(c => GetOperationByLegacyId(c.Request.Route("legacyId"), c.Token, c.Now)));
            api.MapGet("/offerTypes", Call(_ => ApiResponse.Of(200, OfferTypes)));
        }

        /// <summary>
        /// An endpoint: checks the api-version and the token, then, under the gate, the publisher and offer its route names
        /// (403 for a publisher the token may not use, 404 for one that does not exist) before <paramref name="handler"/> runs.
        /// </summary>
        private Func<HttpContext, ApiResponse> Call(Func<CppCall, ApiResponse> handler, bool offerMustExist = true) => context =>
        {
            var request = ApiRequest.Of(context);
            var versions = request.Query["api-version"];
            if (versions.Count != 1 || !string.Equals(versions[0], ApiVersion, StringComparison.Ordinal))
            {
                return ApiResponse.Json(400, InvalidApiVersionBody);
            }

            var settings = Settings;
            var auth = state.Tokens.Check(request.Headers.Authorization, state.UtcNow, settings.TokenLifetime, settings.AcceptAnyToken, OAuth.OAuthState.Resource, out var token);
            if (auth != AuthResult.Ok)
            {
                var challenge = auth switch
                {
                    AuthResult.Expired => "Bearer error=\"invalid_token\", error_description=\"The access token has expired\"",
                    AuthResult.WrongAudience => "Bearer error=\"invalid_token\", error_description=\"The audience is invalid\"",
                    AuthResult.Unknown => "Bearer error=\"invalid_token\"",
                    _ => "Bearer",
                };
                return ApiResponse.Json(401, UnauthorizedBody).WithHeader("WWW-Authenticate", challenge);
            }

            lock (state.Gate)
            {
                var call = new CppCall(request, token, state.UtcNow, null, null);
                if (context.Request.RouteValues.ContainsKey("publisherId"))
                {
                    var publisherId = request.Route("publisherId");
                    if (!state.Tokens.IsAllowed(token, publisherId))
                    {
                        return ApiResponse.Json(403, ForbiddenBody);
                    }

                    call = call with { Publisher = state.Catalog.FindPublisher(publisherId) };
                    if (call.Publisher is null)
                    {
                        return NotFound($"Publisher '{publisherId}' was not found.");
                    }
                }

                if (context.Request.RouteValues.ContainsKey("offerId"))
                {
                    var offerId = request.Route("offerId");
                    call = call with { Offer = call.Publisher!.OffersById.TryGetValue(offerId, out var offer) ? state.Refreshed(offer) : null };
                    if (call.Offer is null && offerMustExist)
                    {
                        return NotFound($"Offer '{offerId}' was not found in publisher '{call.Publisher!.Id}'.");
                    }
                }

                return handler(call);
            }
        };

        // ---- reads ----------------------------------------------------------------------------------------------

        private ApiResponse ListPublishers(CppCall call)
        {
            return ApiResponse.Of(200, state.Catalog.Publishers.Where(p => state.Tokens.IsAllowed(call.Token, p.Id)).Select(PublisherBody.Of));
        }

        private ApiResponse ListOffers(CppCall call)
        {
            var publisher = call.Publisher!;
            string? field = null;
            string? value = null;
            var filters = call.Request.Query["$filter"];
            if (filters.Count > 0)
            {
                var match = filters.Count == 1 ? FilterRegex().Match(filters[0] ?? string.Empty) : Match.Empty;
                field = match.Success ? match.Groups[1].Value : null;
                if (field is null || !(Is(field, "offerTypeId") || Is(field, "id") || Is(field, "status") || Is(field, "publisherId")))
                {
                    return ApiResponse.Error(400, "BadRequest", "The query specified in the URI is not valid. Supported: $filter=offerTypeId eq '<value>' (also id, status, publisherId).");
                }

                value = match.Groups[2].Value.Replace("''", "'", StringComparison.Ordinal);
            }

            var buffer = new System.Buffers.ArrayBufferWriter<byte>(4096);
            buffer.Write("["u8);
            var first = true;
            foreach (var offer in publisher.Offers)
            {
                state.Refreshed(offer);
                if (field is not null)
                {
                    var actual = Is(field, "offerTypeId") ? offer.OfferTypeId
                        : Is(field, "id") ? offer.OfferId
                        : Is(field, "status") ? offer.Status
                        : publisher.Id;
                    if (!string.Equals(actual, value, StringComparison.OrdinalIgnoreCase))
                    {
                        continue;
                    }
                }

                if (!first)
                {
                    buffer.Write(","u8);
                }

                first = false;
                buffer.Write(offer.SummaryBytes);
            }

            buffer.Write("]"u8);
            return ApiResponse.Json(200, buffer.WrittenSpan.ToArray());
        }

        private static ApiResponse GetDraft(OfferRecord offer)
        {
            var response = ApiResponse.Json(200, offer.DraftBytes);
            if (offer.EtagOnGet)
            {
                response.WithHeader("ETag", offer.ETag);
            }

            return response;
        }

        private static ApiResponse GetVersion(OfferRecord offer, string text)
        {
            if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                return ApiResponse.Error(400, "BadRequest", $"The value '{text}' is not a valid offer version; use an integer.");
            }

            if (offer.Versions.TryGetValue(version, out var bytes))
            {
                return ApiResponse.Json(200, bytes);
            }

            if (version == offer.Version)
            {
                return GetDraft(offer);
            }

            return NotFound($"Version {version} of offer '{offer.OfferId}' was not found.");
        }

        private static ApiResponse GetSlot(OfferRecord offer, string slot)
        {
            if (Is(slot, "draft"))
            {
                return GetDraft(offer);
            }

            if (Is(slot, "preview"))
            {
                return offer.PreviewBytes is { } preview
                    ? ApiResponse.Json(200, preview)
                    : NotFound($"Offer '{offer.OfferId}' has no version in the preview slot: it has not been previewed (published) yet.");
            }

            if (Is(slot, "production"))
            {
                return offer.ProductionBytes is { } production
                    ? ApiResponse.Json(200, production)
                    : NotFound($"Offer '{offer.OfferId}' has no version in the production slot: it has not gone live yet.");
            }

            return ApiResponse.Error(400, "BadRequest", $"Invalid slot '{slot}'. Allowed values are [Draft, Preview, Production].");
        }

        private ApiResponse OfferStatus(OfferRecord offer, DateTimeOffset now)
        {
            var latest = offer.LatestOperation;
            var steps = latest is null ? Enumerable.Empty<StepBody>() : StepBody.Of(latest.Evaluate(now), Settings.SignoffShape);
            var emails = !offer.Migrated && latest is not null ? latest.Emails ?? string.Empty : null;
            return ApiResponse.Of(200, new OfferStatusBody(latest is null ? "neverPublished" : offer.Status, [], steps, [], [], emails));
        }

        private ApiResponse Submissions(CppCall call)
        {
            var query = call.Request.Query;
            var wanted = query["submissionState"].FirstOrDefault() ?? query["status"].FirstOrDefault();
            var strict = Settings.Strict;
            return ApiResponse.Of(200, Enumerable.Reverse(call.Offer!.Operations)
                .Select(op => (op, view: op.Evaluate(call.Now)))
                .Where(o => string.IsNullOrEmpty(wanted) || string.Equals(wanted, o.view.Status, StringComparison.OrdinalIgnoreCase))
                .Select(o => SubmissionBody.Of(o.op, o.view, strict)));
        }

        private ApiResponse GetOperationByGuid(OfferRecord offer, string id, DateTimeOffset now)
        {
            if (Guid.TryParse(id, out var guid))
            {
                if (offer.Operations.FirstOrDefault(op => op.Id == guid) is { } op)
                {
                    return OperationDetail(op, now);
                }

                if (offer.Cancellations.FirstOrDefault(c => c.Id == guid) is { } cancellation)
                {
                    return WithRetryAfter(ApiResponse.Of(200, OperationBody.Of(cancellation, Settings.SuccessWord, Settings.Strict)));
                }
            }

            return NotFound($"Operation '{id}' was not found on offer '{offer.OfferId}'.");
        }

        private ApiResponse GetOperationByLegacyId(string id, string token, DateTimeOffset now)
        {
            var parts = id.Split('$');
            if (parts.Length != 4 || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                || !(Is(parts[3], "preview") || Is(parts[3], "production")))
            {
                return NotFound($"Operation '{id}' was not found. The expected form is {{publisherId}}${{offerId}}${{n}}$preview|production.");
            }

            if (!state.Tokens.IsAllowed(token, parts[0]))
            {
                return ApiResponse.Json(403, ForbiddenBody);
            }

            var offer = state.Catalog.FindOffer(parts[0], parts[1]);
            if (offer is null)
            {
                return NotFound($"Operation '{id}' was not found: offer '{parts[0]}/{parts[1]}' does not exist.");
            }

            state.Refreshed(offer);
            var goLive = Is(parts[3], "production");
            for (var i = offer.Operations.Count - 1; i >= 0; i--)
            {
                var op = offer.Operations[i];
                if (op.PublishingVersion == n && op.IsGoLive == goLive)
                {
                    return OperationDetail(op, now);
                }
            }

            return NotFound($"Operation '{id}' was not found.");
        }

        private ApiResponse OperationDetail(OperationRecord op, DateTimeOffset now)
        {
            return WithRetryAfter(ApiResponse.Of(200, OperationBody.Of(op, op.Evaluate(now), Settings.Strict, Settings.SignoffShape)));
        }

        private ApiResponse WithRetryAfter(ApiResponse response)
        {
            return Settings.OperationRetryAfterSeconds is { } seconds
                ? response.WithHeader("Retry-After", ((long)Math.Ceiling(seconds)).ToString(CultureInfo.InvariantCulture))
                : response;
        }

        // ---- writes ---------------------------------------------------------------------------------------------

        private ApiResponse PutOffer(CppCall call)
        {
            var (request, publisher, now) = (call.Request, call.Publisher!, call.Now);
            var offerId = request.Route("offerId");
            JsonObject? document;
            try
            {
                document = request.Body.Length == 0 ? null : Json.Parse(request.Body) as JsonObject;
            }
            catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
            {
                return ApiResponse.Error(400, "BadRequest", "The request body is not valid JSON: " + ex.Message);
            }

            if (document is null)
            {
                return ApiResponse.Error(400, "BadRequest", "The request body must be a JSON object with the full offer document.");
            }

            if (string.IsNullOrEmpty(Json.GetString(document["offerTypeId"])))
            {
                return ApiResponse.Error(400, "BadRequest", "The argument: 'OfferTypeId' cannot be null or empty.");
            }

            if (FindReadOnlyKey(document["definition"] as JsonObject) is { } readOnlyKey)
            {
                return ApiResponse.Error(400, "BadRequest", $"The property '{readOnlyKey}' is read-only and cannot be written. Remove it from the offer document before sending it.");
            }

            var existing = call.Offer;
            var ifMatch = request.Headers.IfMatch.ToString();
            if (existing is null)
            {
                if (!string.IsNullOrWhiteSpace(ifMatch) && ifMatch.Trim() != "*")
                {
                    return ApiResponse.Error(412, "PreconditionFailed", $"Offer '{offerId}' does not exist, so the If-Match ETag cannot match. Send no If-Match (or '*') to create it.");
                }

                var migrated = Settings.NewOffersMigrated;
                var offer = new OfferRecord(publisher, offerId, document) { Migrated = migrated, EtagOnGet = !migrated, Version = migrated ? 0 : 1 };
                SetIdentity(document, publisher.Id, offerId);
                offer.ApplyServerFields();
                offer.Touch(now);
                offer.Rebuild();
                publisher.Add(offer);
                return ApiResponse.Json(201, offer.DraftBytes).WithHeader("ETag", offer.ETag);
            }

            if (string.IsNullOrWhiteSpace(ifMatch))
            {
                return ApiResponse.Error(409, "InvalidResourceId", "Offer ID already exists. If you wanted to update an existing offer, please ensure If-Match header is specified as per documentation.");
            }

            if (!IfMatchAccepts(ifMatch, existing.ETag))
            {
                return ApiResponse.Error(412, "PreconditionFailed", $"The offer '{offerId}' has been modified since it was retrieved: the If-Match ETag does not match the current ETag. Retrieve the offer again and retry.");
            }

            SetIdentity(document, existing.Publisher.Id, existing.OfferId);
            existing.Draft = document;
            existing.ForgetDraftResources();
            existing.Touch(now);
            existing.Rebuild();
            return ApiResponse.Json(200, existing.DraftBytes).WithHeader("ETag", existing.ETag);
        }

        private static void SetIdentity(JsonObject document, string publisherId, string offerId)
        {
            if (!string.Equals(Json.GetString(document["publisherId"]), publisherId, StringComparison.Ordinal))
            {
                document["publisherId"] = publisherId;
            }

            if (!string.Equals(Json.GetString(document["id"]), offerId, StringComparison.Ordinal))
            {
                document["id"] = offerId;
            }
        }

        private static bool IfMatchAccepts(string header, string etag)
        {
            foreach (var raw in header.Split(','))
            {
                var candidate = raw.Trim();
                if (candidate == "*")
                {
                    return true;
                }

                if (string.Equals(Strip(candidate), Strip(etag), StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;

            static string Strip(string tag) => tag.StartsWith("W/", StringComparison.OrdinalIgnoreCase) ? tag[2..] : tag;
        }

        /// <summary>The first key, at any depth of definition.offer or the plans, that the service refuses to take back.</summary>
        private static string? FindReadOnlyKey(JsonObject? definition)
        {
            if (definition is null)
            {
                return null;
            }

            return Scan(definition["offer"]) ?? Scan(definition["plans"]);

            static string? Scan(JsonNode? node)
            {
                switch (node)
                {
                    case JsonObject obj:
                        foreach (var pair in obj)
                        {
                            if (pair.Key.EndsWith(".legacyOfferId", StringComparison.OrdinalIgnoreCase) || pair.Key.EndsWith(".legacyPublisherId", StringComparison.OrdinalIgnoreCase))
                            {
                                return pair.Key;
                            }

                            if (Scan(pair.Value) is { } key)
                            {
                                return key;
                            }
                        }

                        break;
                    case JsonArray array:
                        foreach (var item in array)
                        {
                            if (Scan(item) is { } key)
                            {
                                return key;
                            }
                        }

                        break;
                }

                return null;
            }
        }

        private ApiResponse Publish(CppCall call)
        {
            var (request, offer, now) = (call.Request, call.Offer!, call.Now);
            if (!TryReadEmails(request.Body, out var emails, out var error))
            {
                return error!;
            }

            if (offer.RunningOperation(now, out _) is { } running)
            {
                return !running.IsGoLive && !Settings.RepeatConflict
                    ? Accepted(request, running, 202, publish: true)
                    : AlreadyRunning(offer, running);
            }

            if (offer.RejectPublishMessage is { } rejection)
            {
                return ApiResponse.Error(422, "UnprocessableEntity", rejection);
            }

            var op = offer.StartPublish(now, Settings, state.Catalog.NextSubmissionId(), emails);
            return Accepted(request, op, 202, publish: true);
        }

        private ApiResponse GoLive(CppCall call)
        {
            var (request, offer, now) = (call.Request, call.Offer!, call.Now);
            var running = offer.RunningOperation(now, out var view);
            if (running is null)
            {
                return ApiResponse.Error(409, "Conflict", $"No publish operation of offer '{offer.OfferId}' is waiting for publisher signoff. Publish the offer and wait until it reaches the publisher-signoff step before going live.");
            }

            if (running.IsGoLive && !Settings.RepeatConflict)
            {
                return Accepted(request, running, 202);
            }

            if (running.IsGoLive || view is null || !view.WaitingForSignoff)
            {
                return AlreadyRunning(offer, running, " Go-live is only possible once a publish waits for publisher signoff.");
            }

            return Accepted(request, offer.StartGoLive(running, now, Settings), 202);
        }

        /// <summary>
        /// Cancels the running operation at once. Synchronously (200) the answer is the canceled operation; otherwise 202
        /// points at the cancellation's own operation, as the documentation words it. A non-migrated offer's Location is the
        /// relative form the documentation shows, which names the canceled publish or go-live (it has no form of its own).
        /// </summary>
        private ApiResponse Cancel(CppCall call)
        {
            var (request, offer, now) = (call.Request, call.Offer!, call.Now);
            if (!TryReadEmails(request.Body, out var emails, out var error))
            {
                return error!;
            }

            var running = offer.RunningOperation(now, out _);
            if (running is null)
            {
                return ApiResponse.Error(409, "Conflict", $"There is no running operation to cancel on offer '{offer.OfferId}'.");
            }

            running.CanceledAt = now;
            state.Refreshed(offer);
            if (Settings.SynchronousCancel)
            {
                var canceled = OperationDetail(running, now);
                return Accepted(request, running, 200).WithBody(canceled.Body!);
            }

            var cancellation = new CancellationRecord(Guid.NewGuid(), running, now, emails);
            offer.Cancellations.Add(cancellation);
            var guidPath = GuidPath(offer, cancellation.Id);
            return Settings.LegacyOperationLocation
                ? ApiResponse.Empty(202).WithHeader("Operation-Location", request.BaseUri + guidPath)
                : ApiResponse.Empty(202).WithHeader("Location", offer.Migrated ? guidPath + "?api-version=" + ApiVersion : RelativeLocation(running));
        }

        /// <summary>
        /// The answer to a POST that started <paramref name="op"/> (or found it running). In the 2018 documentation's mode
        /// the header is Operation-Location, in the form the documentation gives each request: a publish of a non-migrated
        /// offer gets the relative non-migrated form, a go-live the absolute GUID form.
        /// </summary>
        private ApiResponse Accepted(ApiRequest request, OperationRecord op, int status, bool publish = false)
        {
            var response = ApiResponse.Empty(status);
            return Settings.LegacyOperationLocation
                ? response.WithHeader("Operation-Location", publish && !op.Offer.Migrated ? RelativeLocation(op) : request.BaseUri + GuidPath(op.Offer, op.Id))
                : response.WithHeader("Location", RelativeLocation(op));
        }

        /// <summary>The <c>Location</c> value for an operation, by the offer's migration state.</summary>
        internal static string RelativeLocation(OperationRecord op)
        {
            var offer = op.Offer;
            return offer.Migrated
                ? GuidPath(offer, op.Id) + "?api-version=" + ApiVersion
                : "/api/operations/" + Uri.EscapeDataString(offer.Publisher.Id) + "$" + Uri.EscapeDataString(offer.OfferId) + "$"
                    + op.PublishingVersion.ToString(CultureInfo.InvariantCulture) + "$" + op.LegacySlot + "?api-version=" + ApiVersion;
        }

        private static string GuidPath(OfferRecord offer, Guid id)
        {
            return "/api/publishers/" + Uri.EscapeDataString(offer.Publisher.Id) + "/offers/" + Uri.EscapeDataString(offer.OfferId) + "/operations/" + id.ToString("D");
        }

        private static ApiResponse AlreadyRunning(OfferRecord offer, OperationRecord running, string extra = "")
        {
            return ApiResponse.Error(409, "Conflict", $"Another operation ({running.SubmissionType} operation '{running.Id:D}') is already running on offer '{offer.OfferId}'. Only one operation can run on an offer at a time.{extra}");
        }

        private static bool TryReadEmails(byte[] body, out string? emails, out ApiResponse? error)
        {
            emails = null;
            error = null;
            if (body.Length == 0 || IsWhiteSpace(body))
            {
                return true;
            }

            JsonNode? node;
            try
            {
                node = Json.Parse(body);
            }
            catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
            {
                error = ApiResponse.Error(400, "BadRequest", "The request body is not valid JSON: " + ex.Message);
                return false;
            }

            if (node is not JsonObject obj)
            {
                if (node is null)
                {
                    return true;
                }

                error = ApiResponse.Error(400, "BadRequest", "The request body must be a JSON object such as {\"metadata\":{\"notification-emails\":\"a@contoso.com\"}}.");
                return false;
            }

            var value = (obj["metadata"] as JsonObject)?["notification-emails"];
            switch (value)
            {
                case null:
                    return true;
                case JsonArray array:
                    var list = new List<string>();
                    foreach (var item in array)
                    {
                        if (Json.GetString(item) is { } s)
                        {
                            list.Add(s);
                        }
                    }

                    emails = string.Join(",", list);
                    return true;
                default:
                    emails = Json.GetString(value);
                    if (emails is null)
                    {
                        error = ApiResponse.Error(400, "BadRequest", "metadata.notification-emails must be a comma-separated string of email addresses.");
                        return false;
                    }

                    return true;
            }
        }

        private static bool IsWhiteSpace(byte[] body)
        {
            foreach (var b in body)
            {
                if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
                {
                    return false;
                }
            }

            return true;
        }

        // ---- helpers --------------------------------------------------------------------------------------------

        private static ApiResponse NotFound(string message) => ApiResponse.Error(404, "NotFound", message);

        private static bool Is(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

        [GeneratedRegex(@"^\s*(\w+)\s+eq\s+'((?:[^']|'')*)'\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
        private static partial Regex FilterRegex();
    }

    /// <summary>One CPP call: the request, its token, the time it is handled at, and the publisher and offer its route names.</summary>
    internal sealed record CppCall(ApiRequest Request, string Token, DateTimeOffset Now, PublisherRecord? Publisher, OfferRecord? Offer);
}
