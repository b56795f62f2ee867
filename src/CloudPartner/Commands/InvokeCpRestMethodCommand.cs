using System.Management.Automation;
using System.Net.Http;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Http;
using CloudPartner.Engine.Json;
using CloudPartner.Infrastructure;

namespace CloudPartner.Commands
{
    /// <summary>Calls any API path with the session's auth, api-version, retries and logging.</summary>
    [Cmdlet(VerbsLifecycle.Invoke, "CpRestMethod", SupportsShouldProcess = true)]
    [OutputType(typeof(PSObject), typeof(string))]
    public sealed class InvokeCpRestMethodCommand : CpApiCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = string.Empty;

        [Parameter]
        [ValidateSet("GET", "POST", "PUT", "DELETE", "PATCH")]
        public string Method { get; set; } = "GET";

        /// <summary>The body: JSON text, or an object converted to JSON without loss.</summary>
        [Parameter]
        public object? Body { get; set; }

        /// <summary>Extra request headers, such as @{ 'If-Match' = '*' }. Authorization is set by the session and cannot be given.</summary>
        [Parameter]
        public System.Collections.IDictionary? Headers { get; set; }

        /// <summary>Returns the response text instead of objects.</summary>
        [Parameter]
        public SwitchParameter Raw { get; set; }

        protected override void ProcessRecord()
        {
            var session = RequireSession();
            ForItem(Path, () =>
            {
                var method = new HttpMethod(Method.ToUpperInvariant());
                var connection = ConnectionOf(session);
                var url = connection.ResolveUrl(Path);
                string? json = null;
                if (Body != null)
                {
                    var value = Body is PSObject wrapped && wrapped.BaseObject is string ? wrapped.BaseObject : Body;
                    json = value is string text
                        ? LosslessJson.Write(LosslessJson.Parse(text, "-Body", CpErrorKind.InvalidArgument))
                        : LosslessJson.Write(PSJson.ToJsonNode(value, nameof(Body)));
                }

                var request = ApiRequest.Create(method, url.ToString(), json);
                foreach (System.Collections.DictionaryEntry header in Headers ?? new System.Collections.Hashtable())
                {
                    request.SetHeader(
                        System.Convert.ToString(header.Key, System.Globalization.CultureInfo.InvariantCulture),
                        System.Convert.ToString(header.Value, System.Globalization.CultureInfo.InvariantCulture));
                }

                // The target shown by -WhatIf and -Confirm goes to the host (and a transcript): redacted like any message.
                if (method != HttpMethod.Get && !ShouldProcess(Redactor.Redact(url.ToString()), method.Method))
                {
                    return;
                }

                var response = Run((context, cancel) => connection.SendAsync(request, context, cancel));
                if (Raw)
                {
                    WriteObject(response.Body);
                    return;
                }

                if (string.IsNullOrWhiteSpace(response.Body))
                {
                    return;
                }

                using var document = LosslessJson.ParseDocument(response.Body);
                WriteObject(PSJson.ToPSObject(document.RootElement), enumerateCollection: true);
            });
        }
    }
}
