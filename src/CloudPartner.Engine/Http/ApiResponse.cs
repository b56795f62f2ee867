using System;
using System.Net;

namespace CloudPartner.Engine.Http
{
    internal sealed class ApiResponse
    {
        public ApiResponse(HttpStatusCode statusCode, string body, Uri requestUri, string? eTag, string? location, string? operationLocation, TimeSpan? retryAfter, int retries)
        {
            StatusCode = statusCode;
            Body = body;
            RequestUri = requestUri;
            ETag = eTag;
            Location = location;
            OperationLocation = operationLocation;
            RetryAfter = retryAfter;
            Retries = retries;
        }

        public HttpStatusCode StatusCode { get; }

        public string Body { get; }

        public Uri RequestUri { get; }

        public string? ETag { get; }

        public string? Location { get; }

        /// <summary>The 2018 header name; some responses still use it.</summary>
        public string? OperationLocation { get; }

        public TimeSpan? RetryAfter { get; }

        public int Retries { get; }
    }
}
