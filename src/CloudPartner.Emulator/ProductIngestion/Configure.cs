using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudPartner.Emulator.Http;
using CloudPartner.Emulator.State;

namespace CloudPartner.Emulator.ProductIngestion
{
    /// <summary><c>POST configure</c>: draft changes, a publish to preview (with or without changes) or a go-live.</summary>
    internal sealed partial class ProductIngestionApi
    {
        /// <summary>
        /// Checks what the service checks at once (a JSON body, every <c>$schema</c> on the schema host: the retired
        /// <c>product-ingestion.azureedge.net</c> cannot be reached, 400) and answers 202 with a job. What is wrong with
        /// the resources themselves shows as that job failing, with nested errors, as the service reports it.
        /// </summary>
        private ApiResponse Configure(PiCall call)
        {
            JsonObject? body;
            try
            {
                body = call.Request.Body.Length == 0 ? null : Json.Parse(call.Request.Body) as JsonObject;
            }
            catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
            {
                return ErrorBody.Response(400, "badRequest", "The request body is not valid JSON: " + ex.Message);
            }

            if (body is null)
            {
                return ErrorBody.Response(400, "badRequest", "The request body must be {\"$schema\": \"" + OfferRecord.SchemaRoot + "configure/2022-07-01\", \"resources\": [...]}.");
            }

            if (SchemaRefused(body) is { } refused)
            {
                return refused;
            }

            if (TypeOf(body) != "configure")
            {
                return ErrorBody.Response(400, "badRequest", "The request's $schema must be a configure schema, e.g. " + OfferRecord.SchemaRoot + "configure/2022-07-01.");
            }

            if (body["resources"] is not JsonArray { Count: > 0 } resources || resources.Any(r => r is not JsonObject))
            {
                return ErrorBody.Response(400, "badRequest", "resources must be a non-empty array of resources.");
            }

            if (resources.OfType<JsonObject>().Select(SchemaRefused).FirstOrDefault(r => r is not null) is { } resourceRefused)
            {
                return resourceRefused;
            }

            var job = Plan(call, resources.OfType<JsonObject>().Select(r => (JsonObject)r.DeepClone()).ToList());
            state.Catalog.Jobs[job.Id] = job;
            return ApiResponse.Of(202, JobStatusBody.Of(job, job.Evaluate(call.Now)));
        }

        private static ApiResponse? SchemaRefused(JsonObject resource)
        {
            var schema = Json.GetString(resource["$schema"]);
            if (schema is null)
            {
                return ErrorBody.Response(400, "badRequest", "The request and every resource need a $schema, e.g. " + OfferRecord.SchemaRoot + "plan/2022-03-01-preview2.");
            }

            return TypeOf(resource) is null ? ErrorBody.Response(400, "badRequest", $"Schema {schema} could not be accessed") : null;
        }

        /// <summary>The job a configure request becomes; what is refused becomes a job that fails with its reasons.</summary>
        private ConfigureJob Plan(PiCall call, List<JsonObject> resources)
        {
            var now = call.Now;
            var duration = Settings.Scaled(DraftJobDuration);
            var submissions = resources.Where(r => TypeOf(r) == "submission").ToList();
            var changes = resources.Except(submissions).ToList();
            var submission = submissions.FirstOrDefault();
            var target = submission is null ? null : Json.GetString(submission["target"]?["targetType"]);
            var kind = target switch
            {
                "live" => JobKind.Live,
                null when submission is null => JobKind.Draft,
                _ => JobKind.Preview,
            };

            ConfigureJob Refused(params JsonObject[] errors) => new(Guid.NewGuid(), kind, now, duration) { Errors = new JsonArray(errors) };

            if (submissions.Count > 1)
            {
                return Refused(Error(null, "invalidRequest", "Send at most one submission per request."));
            }

            if (submission is not null && target is not ("preview" or "live"))
            {
                return Refused(Error(null, "notSupported", $"The targetType '{target}' is not supported: publish to preview, then go live."));
            }

            var (offer, newProduct, productError) = ResolveProduct(call, resources);
            if (productError is not null)
            {
                return Refused(productError);
            }

            var productGuid = offer?.ProductGuid ?? OfferRecord.ProductGuidOf(newProduct!.Value.Publisher.Id, newProduct.Value.ExternalId);
            var errors = changes.Select(change => Normalize(change, productGuid)).OfType<JsonObject>().ToArray();
            if (errors.Length > 0)
            {
                return Refused(errors);
            }

            if (kind == JobKind.Draft)
            {
                return new ConfigureJob(Guid.NewGuid(), kind, now, duration) { Offer = offer, NewProduct = newProduct, Changes = new JsonArray(changes.ToArray<JsonNode>()) };
            }

            if (offer is null)
            {
                return Refused(Error(null, "resourceNotFound", "The product does not exist yet: create it with a configure request of its own before publishing it."));
            }

            var running = offer.RunningOperation(now, out var view);
            return kind == JobKind.Preview ? PublishToPreview(call, offer, submission!, changes, running, Refused) : GoLive(call, offer, submission!, changes, running, view, Refused);
        }

        private ConfigureJob PublishToPreview(PiCall call, OfferRecord offer, JsonObject submission, List<JsonObject> changes, OperationRecord? running, Func<JsonObject[], ConfigureJob> refused)
        {
            if (submission.ContainsKey("id"))
            {
                return refused([Error(null, "invalidRequest", "A submission to preview has no id: leave the id out (a null id breaks the request).")]);
            }

            if (running is not null)
            {
                return refused([Locked(offer, running)]);
            }

            if (offer.RejectPublishMessage is { } rejection)
            {
                return refused([Error(offer.ProductId, "businessValidationError", rejection)]);
            }

            // A modular publish: the resources sent with the submission are written to the draft first, then published.
            var draft = offer.DraftResources;
            foreach (var change in changes)
            {
                var existing = draft.OfType<JsonObject>().FirstOrDefault(r => Json.GetString(r["id"]) == Json.GetString(change["id"]));
                if (existing is not null)
                {
                    draft[draft.IndexOf(existing)] = change.DeepClone();
                }
                else
                {
                    draft.Add(change.DeepClone());
                }
            }

            var op = offer.StartPublish(call.Now, Settings, state.Catalog.NextSubmissionId(), emails: null);

            // The job's detail shows the submission it created, with its id.
            submission["id"] = offer.SubmissionId(op.SubmissionId);
            return new ConfigureJob(Guid.NewGuid(), JobKind.Preview, call.Now, Settings.Scaled(DraftJobDuration)) { Offer = offer, Operation = op, Changes = new JsonArray(changes.Append(submission).Select(c => c.DeepClone()).ToArray()) };
        }

        private ConfigureJob GoLive(PiCall call, OfferRecord offer, JsonObject submission, List<JsonObject> changes, OperationRecord? running, OperationView? view, Func<JsonObject[], ConfigureJob> refused)
        {
            if (changes.Count > 0)
            {
                return refused([Error(null, "invalidRequest", "Modular publish is not possible for live: send only the submission, with the id of the preview submission.")]);
            }

            var id = Json.GetString(submission["id"]);
            if (id is null)
            {
                return refused([Error(null, "invalidRequest", "A submission to live needs the id of the preview submission it takes live.")]);
            }

            var publish = offer.Operations.LastOrDefault(op => !op.IsGoLive && offer.SubmissionId(op.SubmissionId) == id);
            if (publish is null)
            {
                return refused([Error(id, "resourceNotFound", $"Submission '{id}' was not found.")]);
            }

            if (offer.LiveGoLive(call.Now)?.PublishOperation == publish)
            {
                return refused([Error(id, "invalidState", $"Submission '{id}' is already live.")]);
            }

            if (running is { IsGoLive: true })
            {
                return refused([Locked(offer, running)]);
            }

            if (running != publish || view is not { WaitingForSignoff: true })
            {
                var (status, result) = OfferRecord.SubmissionState(publish, call.Now);
                return refused([Error(id, "invalidState", $"Submission '{id}' cannot go live: it must first be published to preview, and its preview is {status} ({result}).")]);
            }

            var goLive = offer.StartGoLive(publish, call.Now, Settings);
            return new ConfigureJob(Guid.NewGuid(), JobKind.Live, call.Now, Settings.Scaled(DraftJobDuration)) { Offer = offer, Operation = goLive, Changes = new JsonArray(submission.DeepClone()) };
        }

        /// <summary>
        /// The one product a request is about: named by a product resource (its <c>id</c>, or its <c>identity.externalId</c>,
        /// which creates a product when none has it), or by the <c>product</c> reference of the other resources (a durable
        /// id, <c>{"externalId": …}</c> or the <c>{"resourceName": …}</c> of a resource in the same request).
        /// </summary>
        private (OfferRecord? Offer, (PublisherRecord Publisher, string ExternalId, string Type, string Alias)? NewProduct, JsonObject? Error) ResolveProduct(PiCall call, List<JsonObject> resources)
        {
            var products = Products(call).ToList();
            var named = new List<OfferRecord>();
            (PublisherRecord, string, string, string)? created = null;
            foreach (var resource in resources)
            {
                if (TypeOf(resource) == "product")
                {
                    var externalId = Json.GetString(resource["identity"]?["externalId"]);
                    var byId = Json.GetString(resource["id"]) is { } id ? products.FirstOrDefault(o => o.ProductId == id) : null;
                    var existing = byId ?? products.FirstOrDefault(o => string.Equals(o.OfferId, externalId, StringComparison.OrdinalIgnoreCase));
                    if (existing is not null)
                    {
                        named.Add(existing);
                    }
                    else if (resource["id"] is not null)
                    {
                        return (null, null, Error(Json.GetString(resource["id"]), "resourceNotFound", $"Product '{resource["id"]}' was not found."));
                    }
                    else if (externalId is null || !ExternalIdPattern().IsMatch(externalId))
                    {
                        return (null, null, Error(null, "invalidId", $"A new product needs identity.externalId of 3 to 50 lower-case letters, digits, '-' or '_', not '{externalId}'."));
                    }
                    else if (state.Catalog.Publishers.FirstOrDefault(p => state.Tokens.IsAllowed(call.Token, p.Id)) is { } publisher)
                    {
                        created = (publisher, externalId, Json.GetString(resource["type"]) ?? "azureVirtualMachine", Json.GetString(resource["alias"]) ?? externalId);
                    }
                    else
                    {
                        return (null, null, Error(null, "forbidden", "The token's seller account has no publisher to create the product in."));
                    }

                    continue;
                }

                switch (resource["product"])
                {
                    case JsonValue value when Json.GetString(value) is { } id:
                        if (products.FirstOrDefault(o => o.ProductId == id) is { } byDurableId)
                        {
                            named.Add(byDurableId);
                        }
                        else
                        {
                            return (null, null, Error(id, "resourceNotFound", $"Product '{id}' was not found."));
                        }

                        break;
                    case JsonObject reference when Json.GetString(reference["externalId"]) is { } externalId:
                        if (products.FirstOrDefault(o => string.Equals(o.OfferId, externalId, StringComparison.OrdinalIgnoreCase)) is { } byExternalId)
                        {
                            named.Add(byExternalId);
                        }
                        else
                        {
                            return (null, null, Error(null, "resourceNotFound", $"No product has the externalId '{externalId}'."));
                        }

                        break;
                    case JsonObject reference when reference.ContainsKey("resourceName"):
                        break;
                    default:
                        return (null, null, Error(Json.GetString(resource["id"]), "invalidRequest", "Every resource but the product names its product: a durable id, {\"externalId\": …} or {\"resourceName\": …}."));
                }
            }

            var distinct = named.Distinct().ToList();
            return distinct.Count switch
            {
                > 1 => (null, null, Error(null, "invalidRequest", "A configure request changes one product: these resources name " + string.Join(", ", distinct.Select(o => o.ProductId)) + ".")),
                1 when created is not null => (null, null, Error(null, "invalidRequest", "A new product and an existing one in one request.")),
                1 => (distinct[0], null, null),
                _ => created is not null ? (null, created, null) : (null, null, Error(null, "invalidRequest", "The request names no product.")),
            };
        }

        /// <summary>Gives a draft resource its durable id (a new one gets one) and its product reference; an error when its id is malformed.</summary>
        private static JsonObject? Normalize(JsonObject resource, Guid productGuid)
        {
            var type = TypeOf(resource)!;
            var productId = "product/" + productGuid.ToString("D");
            if (Json.GetString(resource["id"]) is { } id)
            {
                if (!DurableIdPattern().IsMatch(id) || !id.StartsWith(type + "/", StringComparison.Ordinal))
                {
                    return Error(id, "invalidId", $"'{id}' is not a durable id of a {type} resource.");
                }
            }
            else
            {
                var externalId = Json.GetString(resource["identity"]?["externalId"]);
                resource["id"] = type switch
                {
                    "product" => productId,
                    "plan" when externalId is not null => $"plan/{productGuid:D}/{OfferRecord.PlanGuidOf(productGuid, externalId):D}",
                    _ => $"{type}/{productGuid:D}/{Guid.NewGuid():D}",
                };
            }

            resource.Remove("resourceName");
            if (type != "product")
            {
                resource["product"] = productId;
            }

            return null;
        }

        private static JsonObject Locked(OfferRecord offer, OperationRecord running) => new()
        {
            ["code"] = "conflict",
            ["message"] = "The product is locked: a submission of it is in progress.",
            ["details"] = new JsonArray(Error(offer.SubmissionId(running.SubmissionId), "productLocked", $"Submission '{offer.SubmissionId(running.SubmissionId)}' ({(running.IsGoLive ? "live" : "preview")}) is in progress; wait for it or cancel its job.")),
        };

        private static JsonObject Error(string? resourceId, string code, string message)
        {
            var error = new JsonObject();
            if (resourceId is not null)
            {
                error["resourceId"] = resourceId;
            }

            error["code"] = code;
            error["message"] = message;
            error["details"] = new JsonArray();
            return error;
        }
    }
}
