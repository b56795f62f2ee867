using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using CloudPartner.Emulator.OAuth;
using CloudPartner.Emulator.ProductIngestion;
using Microsoft.AspNetCore.Http;

namespace CloudPartner.Emulator.Http
{
    /// <summary>
    /// The middleware every request passes after routing. Admin requests (loopback only) go straight to their endpoints.
    /// API and identity requests meet the fault rules, then their endpoint (which returns an <see cref="ApiResponse"/>),
    /// then the request log; this class writes the answer, so a fault can replace or damage what the endpoint said.
    /// </summary>
    internal sealed class EmulatorTraffic
    {
        private const string AdminPrefix = "/_emulator";
        private static readonly byte[] NullBody = "null"u8.ToArray();
        private static readonly byte[] HtmlGatewayBody = Encoding.UTF8.GetBytes(
            "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>Microsoft-Azure-Application-Gateway/v2</center>\r\n</body>\r\n</html>\r\n");

        private readonly EmulatorState state;
        private readonly CancellationToken stopping;

        public EmulatorTraffic(EmulatorState state, CancellationToken stopping)
        {
            this.state = state;
            this.stopping = stopping;
        }

        public async Task InvokeAsync(HttpContext context, RequestDelegate next)
        {
            var path = context.Request.Path.Value ?? "/";
            var body = await ReadBodyAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
            var request = new ApiRequest(context, body);
            context.Features.Set(request);
            if (path.StartsWith(AdminPrefix, StringComparison.OrdinalIgnoreCase) && (path.Length == AdminPrefix.Length || path[AdminPrefix.Length] == '/'))
            {
                await WriteAsync(context, await AdminAsync(context, next).ConfigureAwait(false)).ConfigureAwait(false);
                return;
            }

            var time = state.UtcNow;
            var sequence = state.Log.NextSequence();
            var decision = state.Faults.Evaluate(request.Method, path, Caller(context), time);
            if (decision.LatencyMs > 0)
            {
                await Task.Delay(decision.LatencyMs, context.RequestAborted).ConfigureAwait(false);
            }

            var fault = decision.Terminal;
            ApiResponse response;
            if (fault is not null && fault.Phase == FaultPhase.Before && !fault.AlwaysHandles)
            {
                response = ApplyFault(fault, null, path + context.Request.QueryString.Value);
            }
            else
            {
                ApiResponse handled;
                try
                {
                    await next(context).ConfigureAwait(false);
                    handled = context.Features.Get<ApiResponse>() ?? Unrouted(context);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    handled = ApiResponse.Error(500, "InternalServerError", "Emulator error: " + ex.Message);
                }

                response = fault is null ? handled : ApplyFault(fault, handled, path + context.Request.QueryString.Value);
            }

            response.Fault = fault?.Describe() ?? (decision.LatencyMs + decision.LatencyAfterMs > 0 ? "latency" : null);
            state.Log.Add(new RequestLogEntry
            {
                Sequence = sequence,
                Time = time,
                Method = request.Method,
                Path = path,
                Query = context.Request.QueryString.Value ?? string.Empty,
                Headers = MaskedHeaders(request.Headers),
                Body = RequestLog.BodyText(body, context.Request.ContentType, IdentityApi.Serves(context)),
                Status = response.Special == ResponseSpecial.Abort ? 0 : response.Status,
                Fault = response.Fault,
            });
            if (decision.LatencyAfterMs > 0)
            {
                await Task.Delay(decision.LatencyAfterMs, context.RequestAborted).ConfigureAwait(false);
            }

            await WriteAsync(context, response).ConfigureAwait(false);
        }

        /// <summary>The answer when no endpoint took the request: 405 where the path is known but the method is not, else 404.</summary>
        private static ApiResponse Unrouted(HttpContext context)
        {
            var method = context.Request.Method;
            var notAllowed = context.Response.StatusCode == StatusCodes.Status405MethodNotAllowed;
            var allow = context.Response.Headers.Allow.ToString();
            context.Response.Headers.Remove("Allow");
            if (context.Request.Path.StartsWithSegments(ProductIngestionApi.Prefix, StringComparison.OrdinalIgnoreCase))
            {
                return notAllowed
                    ? ErrorBody.Response(405, "methodNotAllowed", $"The resource does not support http method '{method}'.").WithHeader("Allow", allow)
                    : ErrorBody.Response(404, "notFound", "The requested resource was not found.");
            }

            if (!notAllowed)
            {
                return ApiResponse.Error(404, "NotFound", "The requested resource was not found.");
            }

            return IdentityApi.Serves(context)
                ? IdentityApi.MethodNotAllowed(context, allow)
                : ApiResponse.Error(405, "MethodNotAllowed", $"The requested resource does not support http method '{method}'.").WithHeader("Allow", allow);
        }

        private static async Task<ApiResponse> AdminAsync(HttpContext context, RequestDelegate next)
        {
            var remote = context.Connection.RemoteIpAddress;
            if (remote is not null && !IPAddress.IsLoopback(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote))
            {
                return ApiResponse.Error(403, "Forbidden", "The admin endpoint only answers loopback clients.");
            }

            try
            {
                await next(context).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ArgumentException or JsonException or FormatException or InvalidOperationException or OverflowException)
            {
                return ApiResponse.Error(400, "BadRequest", ex.Message);
            }

            return context.Features.Get<ApiResponse>() ?? (context.Response.StatusCode == StatusCodes.Status405MethodNotAllowed
                ? ApiResponse.Error(405, "MethodNotAllowed", $"The admin route does not support http method '{context.Request.Method}'.")
                : ApiResponse.Error(404, "NotFound", $"Unknown admin route '{context.Request.Path}'. GET /_emulator/ lists the routes."));
        }

        private ApiResponse ApplyFault(FaultRule fault, ApiResponse? handled, string pathAndQuery)
        {
            switch (fault.Kind)
            {
                case FaultKind.Throttle:
                    {
                        var seconds = fault.RetryAfterSeconds ?? FaultRule.DefaultThrottleSeconds;
                        var response = ApiResponse.Error(429, "TooManyRequests", $"Rate limit is exceeded. Try again in {seconds} seconds.");
                        response.WithHeader("Retry-After", RetryAfterValue(fault, seconds));
                        return response;
                    }

                case FaultKind.Status:
                    {
                        var status = fault.StatusCode ?? 500;
                        var response = ApiResponse.Error(status, ((HttpStatusCode)status).ToString(), "We cannot complete the request now, please try again later.");
                        if (fault.RetryAfterSeconds is { } seconds)
                        {
                            response.WithHeader("Retry-After", RetryAfterValue(fault, seconds));
                        }

                        return response;
                    }

                case FaultKind.Drop:
                    return new ApiResponse(0, null) { Special = ResponseSpecial.Abort };

                case FaultKind.Hostile:
                    return Hostile(fault, handled, pathAndQuery);

                default:
                    return handled ?? ApiResponse.Error(500, "InternalServerError", "Unexpected fault.");
            }
        }

        /// <summary>Who is calling, for the throttle's hold: the bearer token, else the remote address.</summary>
        private static string Caller(HttpContext context)
        {
            var authorization = context.Request.Headers.Authorization.ToString();
            return authorization.Length > 0 ? authorization : context.Connection.RemoteIpAddress?.ToString() ?? string.Empty;
        }

        private string RetryAfterValue(FaultRule fault, int seconds)
        {
            return fault.RetryAfterAsHttpDate
                ? state.UtcNow.AddSeconds(seconds).ToString("R", CultureInfo.InvariantCulture)
                : seconds.ToString(CultureInfo.InvariantCulture);
        }

        private static ApiResponse Hostile(FaultRule fault, ApiResponse? handled, string pathAndQuery)
        {
            switch (fault.Variant)
            {
                case HostileVariants.TruncatedJson:
                    {
                        var original = handled?.Body is { Length: > 1 } b ? b : "{\"status\":\"running\",\"steps\":[]}"u8.ToArray();
                        var response = new ApiResponse(handled?.Body is null ? 200 : handled.Status, original.AsSpan(0, Math.Max(1, original.Length / 2)).ToArray());
                        if (handled is not null)
                        {
                            response.Headers.AddRange(handled.Headers);
                        }

                        return response;
                    }

                case HostileVariants.HtmlGateway:
                    return new ApiResponse(fault.StatusCode ?? 502, HtmlGatewayBody, "text/html");

                case HostileVariants.Empty200:
                    return new ApiResponse(200, Array.Empty<byte>());

                case HostileVariants.NullBody:
                    return new ApiResponse(200, NullBody);

                case HostileVariants.HugeBody:
                    return new ApiResponse(200, null) { Special = ResponseSpecial.HugeBody, SpecialLength = fault.HugeBodyBytes, ContentType = ApiResponse.JsonContentType };

                case HostileVariants.NeverEndingBody:
                    return new ApiResponse(200, null) { Special = ResponseSpecial.NeverEndingBody, ContentType = ApiResponse.JsonContentType };

                case HostileVariants.ForeignLocation:
                    {
                        var response = handled ?? ApiResponse.Empty(200);
                        var foreign = fault.ForeignHost.TrimEnd('/');
                        foreach (var name in new[] { "Location", "Operation-Location" })
                        {
                            if (response.GetHeader(name) is { } value)
                            {
                                response.SetHeader(name, Uri.TryCreate(value, UriKind.Absolute, out var absolute) && absolute.Scheme.StartsWith("http", StringComparison.OrdinalIgnoreCase)
                                    ? foreign + absolute.PathAndQuery
                                    : foreign + (value.StartsWith('/') ? value : "/" + value));
                            }
                        }

                        // A Product Ingestion page points to the next one in its body.
                        if (response.Body is { Length: > 0 } body && JsonNode.Parse(body) is JsonObject page && Json.GetString(page["@nextLink"]) is { } next
                            && Uri.TryCreate(next, UriKind.Absolute, out var nextLink))
                        {
                            page["@nextLink"] = foreign + nextLink.PathAndQuery;
                            response.Body = Encoding.UTF8.GetBytes(page.ToJsonString());
                        }

                        return response;
                    }

                case HostileVariants.Redirect:
                    return new ApiResponse(fault.StatusCode ?? 302, Array.Empty<byte>(), "text/html").WithHeader("Location", fault.ForeignHost.TrimEnd('/') + pathAndQuery);

                case HostileVariants.DotDotLocation:
                    return RewriteLocations(handled, value =>
                    {
                        var query = value.IndexOf('?', StringComparison.Ordinal);
                        return query < 0 ? value + "/../../../../../../_emulator/reset" : value[..query] + "/../../../../../../_emulator/reset" + value[query..];
                    });

                case HostileVariants.JavascriptLocation:
                    return RewriteLocations(handled, value => "javascript:alert(document.domain)//" + value);

                case HostileVariants.WrongTypes:
                    {
                        var response = handled ?? ApiResponse.Empty(200);
                        if (response.Body is { Length: > 0 } body)
                        {
                            response.Body = WrongTypes(body);
                        }

                        return response;
                    }

                case HostileVariants.RetryAfter:
                    {
                        var response = handled ?? ApiResponse.Empty(200);
                        response.SetHeader("Retry-After", fault.HeaderValue ?? "1e400");
                        return response;
                    }

                default:
                    return handled ?? ApiResponse.Error(500, "InternalServerError", "Unknown hostile variant.");
            }
        }

        private static ApiResponse RewriteLocations(ApiResponse? handled, Func<string, string> rewrite)
        {
            var response = handled ?? ApiResponse.Empty(200);
            foreach (var name in new[] { "Location", "Operation-Location" })
            {
                if (response.GetHeader(name) is { } value)
                {
                    response.SetHeader(name, rewrite(value));
                }
            }

            return response;
        }

        /// <summary>Gives every top-level field a value of the wrong JSON type (see <see cref="HostileVariants.WrongTypes"/>).</summary>
        private static byte[] WrongTypes(byte[] body)
        {
            JsonNode? node;
            try
            {
                node = JsonNode.Parse(body);
            }
            catch (JsonException)
            {
                return body;
            }

            switch (node)
            {
                case JsonObject obj:
                    Swap(obj);
                    break;
                case JsonArray array:
                    foreach (var item in array)
                    {
                        if (item is JsonObject element)
                        {
                            Swap(element);
                        }
                    }

                    break;
            }

            return Encoding.UTF8.GetBytes(node?.ToJsonString() ?? "null");

            static void Swap(JsonObject obj)
            {
                foreach (var key in obj.Select(p => p.Key).ToList())
                {
                    obj[key] = obj[key] switch
                    {
                        JsonObject => JsonValue.Create("not an object"),
                        JsonArray => JsonValue.Create(42),
                        JsonValue v when v.GetValueKind() == JsonValueKind.String => new JsonArray(JsonValue.Create("not"), JsonValue.Create("a string")),
                        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => JsonValue.Create("maybe"),
                        JsonValue v when v.GetValueKind() == JsonValueKind.Number => JsonValue.Create("not a number"),
                        _ => null,
                    };
                }
            }
        }

        private async Task WriteAsync(HttpContext context, ApiResponse r)
        {
            if (r.Special == ResponseSpecial.Abort)
            {
                context.Abort();
                return;
            }

            var response = context.Response;
            response.StatusCode = r.Status;
            foreach (var header in r.Headers)
            {
                response.Headers.Append(header.Key, header.Value);
            }

            try
            {
                switch (r.Special)
                {
                    case ResponseSpecial.HugeBody:
                        await WriteHugeAsync(context, r.SpecialLength).ConfigureAwait(false);
                        return;
                    case ResponseSpecial.NeverEndingBody:
                        await WriteEndlessAsync(context).ConfigureAwait(false);
                        return;
                }

                if (r.Body is { } body)
                {
                    response.ContentType = r.ContentType ?? ApiResponse.JsonContentType;
                    response.ContentLength = body.Length;
                    if (body.Length > 0)
                    {
                        await response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
                    }
                }
                else
                {
                    response.ContentLength = 0;
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException)
            {
                // The client went away.
            }
        }

        private static async Task WriteHugeAsync(HttpContext context, long length)
        {
            var response = context.Response;
            response.ContentType = ApiResponse.JsonContentType;
            response.ContentLength = length;
            var chunk = new byte[64 * 1024];
            chunk.AsSpan().Fill((byte)'x');
            await response.Body.WriteAsync("[\""u8.ToArray(), context.RequestAborted).ConfigureAwait(false);
            var remaining = length - 4;
            while (remaining > 0)
            {
                var n = (int)Math.Min(chunk.Length, remaining);
                await response.Body.WriteAsync(chunk.AsMemory(0, n), context.RequestAborted).ConfigureAwait(false);
                remaining -= n;
            }

            await response.Body.WriteAsync("\"]"u8.ToArray(), context.RequestAborted).ConfigureAwait(false);
        }

        private async Task WriteEndlessAsync(HttpContext context)
        {
            var response = context.Response;
            response.ContentType = ApiResponse.JsonContentType;
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
            var token = linked.Token;
            var element = Encoding.ASCII.GetBytes("{\"status\":\"running\",\"padding\":\"" + new string('x', 4000) + "\"},");
            await response.Body.WriteAsync("["u8.ToArray(), token).ConfigureAwait(false);
            while (!token.IsCancellationRequested)
            {
                await response.Body.WriteAsync(element, token).ConfigureAwait(false);
                await response.Body.FlushAsync(token).ConfigureAwait(false);
                await Task.Delay(5, token).ConfigureAwait(false);
            }
        }

        private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
        {
            if (request.ContentLength == 0 || (request.ContentLength is null && !request.Headers.ContainsKey("Transfer-Encoding")))
            {
                return Array.Empty<byte>();
            }

            using var buffer = new MemoryStream(request.ContentLength is { } length && length < 16 * 1024 * 1024 ? (int)length : 0);
            await request.Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            return buffer.ToArray();
        }

        private static Dictionary<string, string> MaskedHeaders(IHeaderDictionary headers)
        {
            var result = new Dictionary<string, string>(headers.Count, StringComparer.OrdinalIgnoreCase);
            foreach (var header in headers)
            {
                var value = header.Value.ToString();
                if (string.Equals(header.Key, "Authorization", StringComparison.OrdinalIgnoreCase) || string.Equals(header.Key, "Proxy-Authorization", StringComparison.OrdinalIgnoreCase))
                {
                    value = RequestLog.MaskAuthorization(value);
                }

                result[header.Key] = value;
            }

            return result;
        }
    }
}
