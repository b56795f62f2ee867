using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CloudPartner.Emulator.Http;
using CloudPartner.Emulator.OAuth;
using CloudPartner.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CloudPartner.Emulator.ProductIngestion
{
    /// <summary>
    /// The Product Ingestion ("configure") API under <c>/rp/product-ingestion</c> (product-ingestion-api.md), over the
    /// same offers as the CPP API: a product's <c>externalId</c> is the CPP offer id, and its submissions are the offer's
    /// publish and go-live operations. Graph-audience tokens; every call runs under the state's gate.
    /// </summary>
    internal sealed partial class ProductIngestionApi
    {
        public const string Prefix = "/rp/product-ingestion";
        private const string RetiredSchemaHost = "https://product-ingestion.azureedge.net/";
        private static readonly TimeSpan DraftJobDuration = TimeSpan.FromMinutes(1);
        private readonly EmulatorState state;

        public ProductIngestionApi(EmulatorState state)
        {
            this.state = state;
        }

        private EmulatorSettings Settings => state.Settings;

        public void Map(IEndpointRouteBuilder app)
        {
            var api = app.MapGroup(Prefix);
            api.MapGet("/product", Call(ListProducts));
            api.MapGet("/product/{productGuid}", Call(c => WithProduct(c, offer => ApiResponse.Of(200, offer.DraftResources[0]))));
            api.MapGet("/plan", Call(ListPlans));
            api.MapGet("/resource-tree/product/{productGuid}", Call(c => WithProduct(c, offer => ResourceTree(c, offer))));
            api.MapGet("/submission/{productGuid}", Call(c => WithProduct(c, offer => Submissions(c, offer))));
            api.MapGet("/submission/{productGuid}/{submissionId}", Call(c => WithProduct(c, offer => Submission(c, offer))));
            api.MapPost("/configure", Call(Configure));
            api.MapGet("/configure/{jobId}/status", Call(c => WithJob(c, job => ApiResponse.Of(200, JobStatusBody.Of(job, job.Evaluate(c.Now))))));
            api.MapGet("/configure/{jobId}", Call(c => WithJob(c, job => JobDetail(job, c.Now))));
            api.MapPost("/configure/{jobId}/cancel", Call(c => WithJob(c, job => CancelJob(job, c.Now))));
            api.MapGet("/{resourceType}/{productGuid}/{**rest}", Call(c => WithProduct(c, offer => DraftResource(c, offer))));
        }

        /// <summary>An endpoint: checks <c>$version</c> (optional, as real clients omit it) and the Graph token, then runs
        /// <paramref name="handler"/> under the gate, once finished draft jobs have changed their products.</summary>
        private Func<HttpContext, ApiResponse> Call(Func<PiCall, ApiResponse> handler) => context =>
        {
            var request = ApiRequest.Of(context);
            var version = request.Query["$version"];
            if (version.Count > 1 || (version.Count == 1 && !VersionPattern().IsMatch(version[0] ?? string.Empty)))
            {
                return ErrorBody.Response(400, "badRequest", $"The $version '{version}' is not valid; use a version such as 2022-07-01 or 2022-03-01-preview2.");
            }

            var settings = Settings;
            var auth = state.Tokens.Check(request.Headers.Authorization, state.UtcNow, settings.TokenLifetime, settings.AcceptAnyToken, OAuthState.GraphResource, out var token);
            if (auth != AuthResult.Ok)
            {
                var message = auth switch
                {
                    AuthResult.Missing => "Access token is empty.",
                    AuthResult.Expired => "Lifetime validation failed, the token is expired.",
                    AuthResult.WrongAudience => "Access token validation failure. Invalid audience.",
                    _ => "Access token validation failure.",
                };
                return ApiResponse.Of(401, new
                {
                    error = new
                    {
                        code = "InvalidAuthenticationToken",
                        message,
                        innerError = new { date = Json.Z7(state.UtcNow), requestId = Guid.NewGuid().ToString("D"), clientRequestId = request.Headers["client-request-id"].ToString() },
                    },
                }).WithHeader("WWW-Authenticate", "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\"");
            }

            lock (state.Gate)
            {
                var now = state.UtcNow;
                foreach (var job in state.Catalog.Jobs.Values)
                {
                    job.ApplyWhenDone(now, state.Catalog);
                }

                return handler(new PiCall(request, token, now));
            }
        };

        private IEnumerable<OfferRecord> Products(PiCall call)
        {
            return state.Catalog.Offers.Where(o => state.Tokens.IsAllowed(call.Token, o.Publisher.Id)).Select(state.Refreshed);
        }

        private ApiResponse WithProduct(PiCall call, Func<OfferRecord, ApiResponse> handler)
        {
            var guid = call.Request.Route("productGuid");
            var offer = Guid.TryParse(guid, out var id) ? Products(call).FirstOrDefault(o => o.ProductGuid == id) : null;
            return offer is null ? ErrorBody.Response(404, "notFound", $"Product 'product/{guid}' was not found.") : handler(offer);
        }

        private ApiResponse WithJob(PiCall call, Func<ConfigureJob, ApiResponse> handler)
        {
            var id = call.Request.Route("jobId");
            return Guid.TryParse(id, out var guid) && state.Catalog.Jobs.TryGetValue(guid, out var job)
                ? handler(job)
                : ErrorBody.Response(404, "notFound", $"Job '{id}' was not found.");
        }

        // ---- reads ----------------------------------------------------------------------------------------------

        /// <summary><c>GET product</c>: every product the token's seller may see, by page (<c>$maxpagesize</c>, an opaque
        /// <c>continuationToken</c> and an absolute <c>@nextLink</c>); <c>externalId</c> and <c>type</c> filter (an unknown
        /// <c>externalId</c> gives an empty <c>value</c>, not 404).</summary>
        private ApiResponse ListProducts(PiCall call)
        {
            var query = call.Request.Query;
            var products = Products(call)
                .Where(o => !query.ContainsKey("externalId") || string.Equals(o.OfferId, query["externalId"], StringComparison.OrdinalIgnoreCase))
                .Where(o => !query.ContainsKey("type") || string.Equals(o.ProductType, query["type"], StringComparison.OrdinalIgnoreCase))
                .Select(o => o.DraftResources[0])
                .ToList();
            return Page(call, products);
        }

        private ApiResponse ListPlans(PiCall call)
        {
            var query = call.Request.Query;
            var product = query["product"].ToString();
            var offer = Products(call).FirstOrDefault(o => string.Equals(o.ProductId, product, StringComparison.OrdinalIgnoreCase));
            if (offer is null)
            {
                return ErrorBody.Response(product.Length == 0 ? 400 : 404, product.Length == 0 ? "badRequest" : "notFound", product.Length == 0 ? "Give the product: plan?product=product/<guid>." : $"Product '{product}' was not found.");
            }

            var plans = offer.DraftResources.OfType<JsonObject>()
                .Where(r => TypeOf(r) == "plan")
                .Where(r => !query.ContainsKey("externalId") || string.Equals(Json.GetString(r["identity"]?["externalId"]), query["externalId"], StringComparison.OrdinalIgnoreCase));
            return Page(call, plans.ToList<JsonNode?>());
        }

        private ApiResponse Page(PiCall call, IReadOnlyList<JsonNode?> items)
        {
            var query = call.Request.Query;
            var size = int.TryParse(query["$maxpagesize"], NumberStyles.None, CultureInfo.InvariantCulture, out var max) && max is > 0 and <= 1000 ? max : 100;
            var start = 0;
            if (query.ContainsKey("continuationToken") && !TryReadContinuation(query["continuationToken"], out start))
            {
                return ErrorBody.Response(400, "badRequest", "The continuationToken is not valid.");
            }

            var next = start + size < items.Count
                ? call.Request.BaseUri + call.Request.Path + "?" + string.Join("&", query.Where(p => p.Key != "continuationToken").Select(p => p.Key + "=" + Uri.EscapeDataString(p.Value.ToString()))
                    .Append("continuationToken=" + Convert.ToBase64String(Encoding.UTF8.GetBytes("offset:" + (start + size)))))
                : null;
            return ApiResponse.Of(200, new PageBody(items.Skip(start).Take(size).Select(i => i?.DeepClone()), next));
        }

        private ApiResponse ResourceTree(PiCall call, OfferRecord offer)
        {
            var target = call.Request.Query["targetType"].FirstOrDefault() ?? "draft";
            if (target is not ("draft" or "preview" or "live"))
            {
                return ErrorBody.Response(400, "badRequest", $"The targetType '{target}' is not supported; use draft, preview or live.");
            }

            if (offer.ProductType == "azureApplication")
            {
                return ErrorBody.Response(400, "badRequest", "Type AzureApplication is not supported.");
            }

            if (offer.ResourcesFor(target, call.Now) is not { } resources)
            {
                return ErrorBody.Response(404, "notFound", $"Product '{offer.ProductId}' has no {target} version: it has not been published there.");
            }

            var tree = (JsonArray)resources.DeepClone();
            if (offer.Submissions(call.Now).LastOrDefault(s => s.TargetType == target) is { } submission)
            {
                tree.Add(JsonSerializer.SerializeToNode(SubmissionBody.Of(offer, submission), Json.Api));
            }

            return ApiResponse.Of(200, new ResourceTreeBody(OfferRecord.SchemaRoot + "resource-tree/2022-03-01-preview2", offer.ProductId, new TargetBody(target), tree));
        }

        private ApiResponse Submissions(PiCall call, OfferRecord offer)
        {
            var target = call.Request.Query["targetType"].FirstOrDefault();
            return ApiResponse.Of(200, new PageBody(offer.Submissions(call.Now)
                .Where(s => target is null || s.TargetType == target)
                .Select(s => JsonSerializer.SerializeToNode(SubmissionBody.Of(offer, s), Json.Api))));
        }

        private ApiResponse Submission(PiCall call, OfferRecord offer)
        {
            var id = offer.SubmissionId(long.TryParse(call.Request.Route("submissionId"), NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : -1);
            return offer.Submissions(call.Now).LastOrDefault(s => s.Id == id) is { } submission
                ? ApiResponse.Of(200, SubmissionBody.Of(offer, submission))
                : ErrorBody.Response(404, "notFound", $"Submission '{id}' was not found.");
        }

        private static ApiResponse DraftResource(PiCall call, OfferRecord offer)
        {
            var id = call.Request.Path[(Prefix.Length + 1)..];
            return offer.DraftResources.OfType<JsonObject>().FirstOrDefault(r => string.Equals(Json.GetString(r["id"]), id, StringComparison.OrdinalIgnoreCase)) is { } resource
                ? ApiResponse.Of(200, resource)
                : ErrorBody.Response(404, "notFound", $"Resource '{id}' was not found.");
        }

        private static ApiResponse JobDetail(ConfigureJob job, DateTimeOffset now)
        {
            var view = job.Evaluate(now);
            return view switch
            {
                { Status: not "completed" } => ErrorBody.Response(400, "badRequest", $"Job '{job.Id:D}' has not completed; its detail exists once it has."),
                { Result: not "succeeded" } => ErrorBody.Response(404, "notFound", $"Job '{job.Id:D}' did not succeed; it has no detail."),
                _ => ApiResponse.Of(200, new JobDetailBody(OfferRecord.SchemaRoot + "configure-detail/2022-03-01-preview2", job.Id.ToString("D"), view.Status, view.Result, (JsonArray)job.Changes.DeepClone())),
            };
        }

        private ApiResponse CancelJob(ConfigureJob job, DateTimeOffset now)
        {
            if (job.Evaluate(now).Status == "completed")
            {
                return ErrorBody.Response(400, "badRequest", "Cannot cancel job, job has already completed.");
            }

            if (job.Operation is { } op)
            {
                op.CanceledAt = now;
                state.Refreshed(op.Offer);
            }
            else
            {
                job.CanceledAt = now;
            }

            return ApiResponse.Of(200, JobStatusBody.Of(job, job.Evaluate(now)));
        }

        private static bool TryReadContinuation(string? token, out int offset)
        {
            offset = 0;
            try
            {
                var text = Encoding.UTF8.GetString(Convert.FromBase64String(token ?? string.Empty));
                return text.StartsWith("offset:", StringComparison.Ordinal) && int.TryParse(text[7..], NumberStyles.None, CultureInfo.InvariantCulture, out offset);
            }
            catch (FormatException)
            {
                return false;
            }
        }

        /// <summary>A resource's type, from its <c>$schema</c> (<c>…/schema/&lt;type&gt;/&lt;version&gt;</c>).</summary>
        private static string? TypeOf(JsonObject resource)
        {
            var schema = Json.GetString(resource["$schema"]);
            return schema is not null && schema.StartsWith(OfferRecord.SchemaRoot, StringComparison.OrdinalIgnoreCase)
                ? schema[OfferRecord.SchemaRoot.Length..].Split('/')[0]
                : null;
        }

        [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}(-preview\d+)?$", RegexOptions.CultureInvariant)]
        private static partial Regex VersionPattern();

        [GeneratedRegex(@"^[a-z](-?[a-z0-9]+)*/[a-z0-9-]+(/?[a-z0-9-])*$", RegexOptions.CultureInvariant)]
        private static partial Regex DurableIdPattern();

        [GeneratedRegex(@"^[a-z0-9][a-z0-9-_]{2,49}$", RegexOptions.CultureInvariant)]
        private static partial Regex ExternalIdPattern();
    }

    /// <summary>One Product Ingestion call: the request, its token and the time it is handled at.</summary>
    internal sealed record PiCall(ApiRequest Request, string Token, DateTimeOffset Now);
}
