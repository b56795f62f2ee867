using System;
using System.Collections.Generic;
using System.Net.Http;

namespace CloudPartner.Engine.Http
{
    public sealed class ApiRequest
    {
        public ApiRequest(HttpMethod method, string pathOrUrl, string? jsonBody = null)
        {
            Method = method ?? throw new ArgumentNullException(nameof(method));
            PathOrUrl = pathOrUrl ?? throw new ArgumentNullException(nameof(pathOrUrl));
            JsonBody = jsonBody;
        }

        public HttpMethod Method { get; }

        /// <summary>A path relative to the endpoint (<c>/api/publishers</c>) or an absolute URL on the endpoint's host.</summary>
        public string PathOrUrl { get; }

        public string? JsonBody { get; }

        public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        /// <summary>
        /// Whether repeating the request after an unknown outcome is harmless. POSTs start operations, so by default
        /// they are retried only when the answer proves the server did not act (429).
        /// </summary>
        public bool IsIdempotent { get; set; } = true;

        public static ApiRequest Create(HttpMethod method, string pathOrUrl, string? jsonBody = null)
        {
            return new ApiRequest(method, pathOrUrl, jsonBody) { IsIdempotent = method != HttpMethod.Post };
        }
    }
}
