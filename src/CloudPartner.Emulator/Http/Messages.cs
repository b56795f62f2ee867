using System;
using System.Collections.Generic;
using Microsoft.AspNetCore.Http;

namespace CloudPartner.Emulator.Http
{
    internal sealed class ApiRequest
    {
        public ApiRequest(string method, string path, IQueryCollection query, IHeaderDictionary headers, byte[] body, string baseUri)
        {
            Method = method;
            Path = path;
            Query = query;
            Headers = headers;
            Body = body;
            BaseUri = baseUri;
        }

        public string Method { get; }

        public string Path { get; }

        public IQueryCollection Query { get; }

        public IHeaderDictionary Headers { get; }

        public byte[] Body { get; }

        /// <summary>Scheme and authority the client used, e.g. <c>http://127.0.0.1:41234</c>.</summary>
        public string BaseUri { get; }
    }

    internal enum ResponseSpecial
    {
        None,
        Abort,
        HugeBody,
        NeverEndingBody,
    }

    internal sealed class ApiResponse
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
