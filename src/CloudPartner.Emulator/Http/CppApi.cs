using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CloudPartner.Emulator.State;

namespace CloudPartner.Emulator.Http
{
    /// <summary>The CPP REST API (cpp-api.md §1), quirks included. All handling happens under the state lock.</summary>
    internal sealed partial class CppApi
    {
        private const string ApiVersion = EmulatorState.ApiVersion;
        private static readonly byte[] InvalidApiVersionBody = Json.Error("InvalidAPIVersion", "Invalid api version. Allowed values are [2017-10-31]");
        private static readonly byte[] UnauthorizedBody = "{\"Message\":\"Authorization has been denied for this request.\"}"u8.ToArray();
        private static readonly byte[] ForbiddenBody = Json.Error("Forbidden", "User does not have the required permissions");
        private static readonly byte[] OfferTypesBody = Json.Write(w =>
        {
            w.WriteStartArray();
            foreach (var (id, text) in new[]
            {
                ("microsoft-azure-virtualmachines", "Virtual Machine"),
                ("microsoft-azure-corevm", "Core Virtual Machine"),
                ("microsoft-azure-applications", "Azure Application"),
            })
            {
                w.WriteStartObject();
                w.WriteString("id", id);
                w.WriteStartObject("definition");
                w.WriteString("displayText", text);
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });

        private readonly EmulatorState state;

        public CppApi(EmulatorState state)
        {
            this.state = state;
        }

        public ApiResponse Handle(ApiRequest request)
        {
            var path = request.Path;
            if (path.Length > 1 && path[^1] == '/')
            {
                path = path.TrimEnd('/');
            }

            if (!path.StartsWith("/api/", StringComparison.OrdinalIgnoreCase) && !string.Equals(path, "/api", StringComparison.OrdinalIgnoreCase))
            {
                if (path == "/" || path.Length == 0)
                {
                    return ApiResponse.Json(200, Json.Write(w =>
                    {
                        w.WriteStartObject();
                        w.WriteString("name", "CloudPartner CPP emulator");
                        w.WriteString("api", "/api/publishers?api-version=" + ApiVersion);
                        w.WriteString("admin", "/_emulator/");
                        w.WriteEndObject();
                    }));
                }

                return NotFound("The requested resource was not found.");
            }

            var versions = request.Query["api-version"];
            if (versions.Count != 1 || !string.Equals(versions[0], ApiVersion, StringComparison.Ordinal))
            {
                return ApiResponse.Json(400, InvalidApiVersionBody);
            }

            var now = this.state.UtcNow;
            var auth = this.state.Tokens.Check(request.Headers.Authorization, now, this.state.TokenLifetime, this.state.AcceptAnyToken, out var token);
            if (auth != AuthResult.Ok)
            {
                var challenge = auth == AuthResult.Expired
                    ? "Bearer error=\"invalid_token\", error_description=\"The access token has expired\""
                    : auth == AuthResult.Unknown ? "Bearer error=\"invalid_token\"" : "Bearer";
                return ApiResponse.Json(401, UnauthorizedBody).WithHeader("WWW-Authenticate", challenge);
            }

            var segments = path.Length > 5 ? path[5..].Split('/') : Array.Empty<string>();
            lock (this.state.Gate)
            {
                now = this.state.UtcNow;
                return Route(request, segments, token, now);
            }
        }

        private ApiResponse Route(ApiRequest request, string[] s, string token, DateTimeOffset now)
        {
            if (s.Length == 0)
            {
                return NotFound("The requested resource was not found.");
            }

            var method = request.Method;
            if (Is(s[0], "publishers"))
            {
                if (s.Length == 1)
                {
                    return Get(method) ?? ListPublishers(token);
                }

                var publisherId = s[1];
                if (!this.state.Tokens.IsAllowed(token, publisherId))
                {
                    return ApiResponse.Json(403, ForbiddenBody);
                }

                var publisher = this.state.FindPublisher(publisherId);
                if (s.Length == 2)
                {
                    return Get(method) ?? (publisher is null ? PublisherNotFound(publisherId) : ApiResponse.Json(200, Json.Write(publisher.Write)));
                }

                if (!Is(s[2], "offers"))
                {
                    return NotFound("The requested resource was not found.");
                }

                if (publisher is null)
                {
                    return PublisherNotFound(publisherId);
                }

                if (s.Length == 3)
                {
                    return Get(method) ?? ListOffers(request, publisher, now);
                }

                var offerId = s[3];
                if (s.Length == 4)
                {
                    if (Is(method, "PUT"))
                    {
                        return PutOffer(request, publisher, offerId, now);
                    }

                    return Get(method, "GET, PUT") ?? WithOffer(publisher, offerId, now, offer => GetDraft(offer));
                }

                var action = s[4];
                if (s.Length == 5)
                {
                    if (Is(action, "status"))
                    {
                        return Get(method) ?? WithOffer(publisher, offerId, now, OfferStatus);
                    }

                    if (Is(action, "submissions"))
                    {
                        return Get(method) ?? WithOffer(publisher, offerId, now, offer => Submissions(request, offer, now));
                    }

                    if (Is(action, "publish"))
                    {
                        return Post(method) ?? WithOffer(publisher, offerId, now, offer => Publish(request, offer, now));
                    }

                    if (Is(action, "golive"))
                    {
                        return Post(method) ?? WithOffer(publisher, offerId, now, offer => GoLive(request, offer, now));
                    }

                    if (Is(action, "cancel"))
                    {
                        return Post(method) ?? WithOffer(publisher, offerId, now, offer => Cancel(request, offer, now));
                    }

                    return NotFound("The requested resource was not found.");
                }

                if (s.Length == 6)
                {
                    var argument = s[5];
                    if (Is(action, "versions"))
                    {
                        return Get(method) ?? WithOffer(publisher, offerId, now, offer => GetVersion(offer, argument));
                    }

                    if (Is(action, "slot"))
                    {
                        return Get(method) ?? WithOffer(publisher, offerId, now, offer => GetSlot(offer, argument));
                    }

                    if (Is(action, "operations"))
                    {
                        return Get(method) ?? WithOffer(publisher, offerId, now, offer => GetOperationByGuid(offer, argument, now));
                    }
                }

                return NotFound("The requested resource was not found.");
            }

            if (Is(s[0], "operations") && s.Length == 2)
            {
                return Get(method) ?? GetOperationByLegacyId(s[1], token, now);
            }

            if (Is(s[0], "offerTypes") && s.Length == 1)
            {
                return Get(method) ?? ApiResponse.Json(200, OfferTypesBody);
            }

            return NotFound("The requested resource was not found.");
        }

        // ---- reads ----------------------------------------------------------------------------------------------

        private ApiResponse ListPublishers(string token)
        {
            return ApiResponse.Json(200, Json.Write(w =>
            {
                w.WriteStartArray();
                foreach (var publisher in this.state.Publishers)
                {
                    if (this.state.Tokens.IsAllowed(token, publisher.Id))
                    {
                        publisher.Write(w);
                    }
                }

                w.WriteEndArray();
            }));
        }

        private ApiResponse ListOffers(ApiRequest request, PublisherRecord publisher, DateTimeOffset now)
        {
            string? field = null;
            string? value = null;
            var filters = request.Query["$filter"];
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
                this.state.Refresh(offer, now);
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

        private ApiResponse OfferStatus(OfferRecord offer)
        {
            var now = this.state.UtcNow;
            var latest = offer.LatestOperation;
            var view = latest?.Evaluate(now);
            return ApiResponse.Json(200, Json.Write(w =>
            {
                w.WriteStartObject();
                w.WriteString("status", latest is null ? "neverPublished" : offer.Status);
                w.WriteStartArray("messages");
                w.WriteEndArray();
                if (view is null)
                {
                    w.WriteStartArray("steps");
                    w.WriteEndArray();
                }
                else
                {
                    OperationRecord.WriteSteps(w, view, this.state.SignoffShape);
                }

                w.WriteStartArray("previewLinks");
                w.WriteEndArray();
                w.WriteStartArray("liveLinks");
                w.WriteEndArray();
                if (!offer.Migrated && latest is not null)
                {
                    w.WriteString("notificationEmails", latest.Emails ?? string.Empty);
                }

                w.WriteEndObject();
            }));
        }

        private ApiResponse Submissions(ApiRequest request, OfferRecord offer, DateTimeOffset now)
        {
            var filter = request.Query["status"];
            var filterValue = filter.Count > 0 ? filter[0] : null;
            var state = request.Query["submissionState"];
            if (state.Count > 0)
            {
                filterValue = state[0];
            }

            return ApiResponse.Json(200, Json.Write(w =>
            {
                w.WriteStartArray();
                for (var i = offer.Operations.Count - 1; i >= 0; i--)
                {
                    var op = offer.Operations[i];
                    var view = op.Evaluate(now);
                    if (!string.IsNullOrEmpty(filterValue) && !string.Equals(filterValue, view.Status, StringComparison.OrdinalIgnoreCase))
                    {
                        continue;
                    }

                    op.WriteSummary(w, view, this.state.Strict);
                }

                w.WriteEndArray();
            }));
        }

        private ApiResponse GetOperationByGuid(OfferRecord offer, string id, DateTimeOffset now)
        {
            if (Guid.TryParse(id, out var guid))
            {
                foreach (var op in offer.Operations)
                {
                    if (op.Id == guid)
                    {
                        return OperationDetail(op, now);
                    }
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

            if (!this.state.Tokens.IsAllowed(token, parts[0]))
            {
                return ApiResponse.Json(403, ForbiddenBody);
            }

            var offer = this.state.FindOffer(parts[0], parts[1]);
            if (offer is null)
            {
                return NotFound($"Operation '{id}' was not found: offer '{parts[0]}/{parts[1]}' does not exist.");
            }

            this.state.Refresh(offer, now);
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
            var view = op.Evaluate(now);
            var response = ApiResponse.Json(200, Json.Write(w => op.WriteDetail(w, view, this.state.Strict, this.state.SignoffShape)));
            if (this.state.OperationRetryAfterUnlocked is { } retry)
            {
                response.WithHeader("Retry-After", ((long)Math.Ceiling(retry.TotalSeconds)).ToString(CultureInfo.InvariantCulture));
            }

            return response;
        }

        // ---- writes ---------------------------------------------------------------------------------------------

        private ApiResponse PutOffer(ApiRequest request, PublisherRecord publisher, string offerId, DateTimeOffset now)
        {
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

            var existing = publisher.OffersById.TryGetValue(offerId, out var found) ? found : null;
            var ifMatch = request.Headers.IfMatch.ToString();
            if (existing is null)
            {
                if (!string.IsNullOrWhiteSpace(ifMatch) && ifMatch.Trim() != "*")
                {
                    return ApiResponse.Error(412, "PreconditionFailed", $"Offer '{offerId}' does not exist, so the If-Match ETag cannot match. Send no If-Match (or '*') to create it.");
                }

                var offer = new OfferRecord(publisher, offerId, document)
                {
                    Migrated = this.state.NewOffersMigrated,
                    EtagOnGet = !this.state.NewOffersMigrated,
                    Version = this.state.NewOffersMigrated ? 0 : 1,
                };
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

            this.state.Refresh(existing, now);
            if (!IfMatchAccepts(ifMatch, existing.ETag))
            {
                return ApiResponse.Error(412, "PreconditionFailed", $"The offer '{offerId}' has been modified since it was retrieved: the If-Match ETag does not match the current ETag. Retrieve the offer again and retry.");
            }

            SetIdentity(document, existing.Publisher.Id, existing.OfferId);
            existing.Draft = document;
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

        private ApiResponse Publish(ApiRequest request, OfferRecord offer, DateTimeOffset now)
        {
            if (!TryReadEmails(request.Body, out var emails, out var error))
            {
                return error!;
            }

            this.state.Refresh(offer, now);
            if (EmulatorState.RunningOperation(offer, now, out _) is { } running)
            {
                return !running.IsGoLive && !this.state.RepeatConflict
                    ? Accepted(request, running, 202, publish: true)
                    : AlreadyRunning(offer, running);
            }

            if (offer.RejectPublishMessage is { } rejection)
            {
                return ApiResponse.Error(422, "UnprocessableEntity", rejection);
            }

            var publishingVersion = offer.Version + 1;
            var op = new OperationRecord(offer, false, publishingVersion, offer.Version, now, this.state.ScaledDurations(), this.state.SuccessWordUnlocked)
            {
                Emails = emails,
                FailCertification = offer.FailCertification,
                Snapshot = (JsonObject)offer.Draft.DeepClone(),
            };
            offer.Operations.Add(op);
            this.state.Refresh(offer, now);
            return Accepted(request, op, 202, publish: true);
        }

        private ApiResponse GoLive(ApiRequest request, OfferRecord offer, DateTimeOffset now)
        {
            this.state.Refresh(offer, now);
            var running = EmulatorState.RunningOperation(offer, now, out var view);
            if (running is null)
            {
                return ApiResponse.Error(409, "Conflict", $"No publish operation of offer '{offer.OfferId}' is waiting for publisher signoff. Publish the offer and wait until it reaches the publisher-signoff step before going live.");
            }

            if (running.IsGoLive && !this.state.RepeatConflict)
            {
                return Accepted(request, running, 202);
            }

            if (running.IsGoLive || view is null || !view.WaitingForSignoff)
            {
                return AlreadyRunning(offer, running, " Go-live is only possible once a publish waits for publisher signoff.");
            }

            running.SignedOffAt = now;
            var op = new OperationRecord(offer, true, running.PublishingVersion, offer.Version, now, this.state.ScaledDurations(), this.state.SuccessWordUnlocked)
            {
                Emails = running.Emails,
                PublishOperation = running,
            };
            offer.Operations.Add(op);
            this.state.Refresh(offer, now);
            return Accepted(request, op, 202);
        }

        private ApiResponse Cancel(ApiRequest request, OfferRecord offer, DateTimeOffset now)
        {
            if (!TryReadEmails(request.Body, out _, out var error))
            {
                return error!;
            }

            this.state.Refresh(offer, now);
            var running = EmulatorState.RunningOperation(offer, now, out _);
            if (running is null)
            {
                return ApiResponse.Error(409, "Conflict", $"There is no running operation to cancel on offer '{offer.OfferId}'.");
            }

            running.CanceledAt = now;
            this.state.Refresh(offer, now);
            if (this.state.SynchronousCancel)
            {
                var response = Accepted(request, running, 200);
                var view = running.Evaluate(now);
                response.Body = Json.Write(w => running.WriteDetail(w, view, this.state.Strict, this.state.SignoffShape));
                response.ContentType = ApiResponse.JsonContentType;
                return response;
            }

            return Accepted(request, running, 202);
        }

        /// <summary>
        /// The answer to a POST that started (or canceled) <paramref name="op"/>. In the 2018 documentation's mode the header
        /// is Operation-Location, in the form the documentation gives each request: a publish of a non-migrated offer gets the
        /// relative non-migrated form, a go-live or a cancel the absolute GUID form.
        /// </summary>
        private ApiResponse Accepted(ApiRequest request, OperationRecord op, int status, bool publish = false)
        {
            var response = ApiResponse.Empty(status);
            if (this.state.LegacyOperationLocation)
            {
                response.WithHeader("Operation-Location", publish && !op.Offer.Migrated
                    ? EmulatorState.RelativeLocation(op)
                    : request.BaseUri + EmulatorState.GuidPath(op));
            }
            else
            {
                response.WithHeader("Location", EmulatorState.RelativeLocation(op));
            }

            return response;
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

        private ApiResponse WithOffer(PublisherRecord publisher, string offerId, DateTimeOffset now, Func<OfferRecord, ApiResponse> handler)
        {
            if (!publisher.OffersById.TryGetValue(offerId, out var offer))
            {
                return NotFound($"Offer '{offerId}' was not found in publisher '{publisher.Id}'.");
            }

            this.state.Refresh(offer, now);
            return handler(offer);
        }

        private static ApiResponse? Get(string method, string allow = "GET") => Is(method, "GET") ? null : MethodNotAllowed(method, allow);

        private static ApiResponse? Post(string method) => Is(method, "POST") ? null : MethodNotAllowed(method, "POST");

        private static ApiResponse MethodNotAllowed(string method, string allow)
        {
            return ApiResponse.Error(405, "MethodNotAllowed", $"The requested resource does not support http method '{method}'.").WithHeader("Allow", allow);
        }

        private static ApiResponse NotFound(string message) => ApiResponse.Error(404, "NotFound", message);

        private static ApiResponse PublisherNotFound(string publisherId) => NotFound($"Publisher '{publisherId}' was not found.");

        private static bool Is(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

        [GeneratedRegex(@"^\s*(\w+)\s+eq\s+'((?:[^']|'')*)'\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
        private static partial Regex FilterRegex();
    }
}
