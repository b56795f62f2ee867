using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace CloudPartner.Emulator.Http
{
    /// <summary>An API request with its body read, as the fault engine, the request log and the endpoints see it.</summary>
    internal sealed class ApiRequest
    {
        public ApiRequest(HttpContext context, byte[] body)
        {
            Context = context;
            Body = body;
        }

        public HttpContext Context { get; }

        public string Method => Context.Request.Method;

        public string Path => Context.Request.Path.Value ?? "/";

        public IQueryCollection Query => Context.Request.Query;

        public IHeaderDictionary Headers => Context.Request.Headers;

        public byte[] Body { get; }

        /// <summary>Scheme and authority the client used, e.g. <c>http://127.0.0.1:41234</c>.</summary>
        public string BaseUri => Context.Request.Scheme + "://" + Context.Request.Host.Value;

        /// <summary>The request an endpoint is handling (set by <see cref="EmulatorTraffic"/>).</summary>
        public static ApiRequest Of(HttpContext context) => context.Features.Get<ApiRequest>()!;

        /// <summary>A route parameter of the matched endpoint, e.g. <c>publisherId</c>.</summary>
        public string Route(string name) => Context.Request.RouteValues[name] as string ?? string.Empty;
    }

    internal enum ResponseSpecial
    {
        None,
        Abort,
        HugeBody,
        NeverEndingBody,
    }

    /// <summary>An answer: endpoints return it, faults may replace it, and <see cref="EmulatorTraffic"/> logs and writes it.</summary>
    internal sealed class ApiResponse : IResult
    {
        public const string JsonContentType = "application/json; charset=utf-8";

        public ApiResponse(int status, byte[]? body, string? contentType = JsonContentType)
        {
            Status = status;
            Body = body;
            ContentType = body is null ? null : contentType;
        }

        public int Status { get; set; }

        public byte[]? Body { get; set; }

        public string? ContentType { get; set; }

        public List<KeyValuePair<string, string>> Headers { get; } = new();

        public ResponseSpecial Special { get; set; }

        public long SpecialLength { get; set; }

        public string? Fault { get; set; }

        public static ApiResponse Json(int status, byte[] body) => new(status, body);

        public static ApiResponse Empty(int status) => new(status, null);

        public static ApiResponse Error(int status, string code, string message) => new(status, Http.Json.Error(code, message));

        /// <summary>A typed answer serialized by System.Text.Json with the API's options.</summary>
        public static ApiResponse Of<T>(int status, T value) => new(status, JsonSerializer.SerializeToUtf8Bytes(value, Http.Json.Api));

        /// <summary>Hands the answer back to <see cref="EmulatorTraffic"/>, which writes it once faults have had their say.</summary>
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Features.Set(this);
            return Task.CompletedTask;
        }

        public ApiResponse WithBody(byte[] body, string contentType = JsonContentType)
        {
            Body = body;
            ContentType = contentType;
            return this;
        }

        public ApiResponse WithHeader(string name, string value)
        {
            Headers.Add(new KeyValuePair<string, string>(name, value));
            return this;
        }

        public string? GetHeader(string name)
        {
            foreach (var pair in Headers)
            {
                if (string.Equals(pair.Key, name, StringComparison.OrdinalIgnoreCase))
                {
                    return pair.Value;
                }
            }

            return null;
        }

        public void SetHeader(string name, string value)
        {
            Headers.RemoveAll(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase));
            Headers.Add(new KeyValuePair<string, string>(name, value));
        }
    }
}
