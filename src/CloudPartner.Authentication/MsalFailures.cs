using System;
using System.Net;
using System.Net.Http;
using System.Text.RegularExpressions;
using CloudPartner.Engine.Auth;
using CloudPartner.Engine.Errors;
using Microsoft.Identity.Client;

namespace CloudPartner.Authentication
{
    /// <summary>Turns what MSAL throws into CpAuthenticationFailed errors that carry the identity provider's AADSTS code and say what to do.</summary>
    internal static class MsalFailures
    {
        private static readonly Regex AadstsCode = new Regex(@"AADSTS(\d+)", RegexOptions.CultureInvariant);

        public static CpException Map(Exception exception, AuthenticationRequest request, string flow)
        {
            for (var inner = exception; inner != null; inner = inner.InnerException)
            {
                if (inner is CpException cp)
                {
                    return cp;
                }
            }

            var who = Describe(request, flow);
            var redactor = request.Redactor;
            switch (exception)
            {
                case MsalUiRequiredException ui:
                    return new CpException(
                        CpErrorKind.AuthenticationFailed,
                        $"The sign-in ({who}) can no longer be renewed without the user: {redactor.Redact(ui.Message)}",
                        $"Run Connect-CpAccount -{(flow == nameof(SignInFlow.Interactive) ? "Interactive" : "DeviceCode")} again.",
                        exception)
                    { ServiceCode = Code(ui.Message) ?? ui.ErrorCode };

                case MsalServiceException service:
                    {
                        var code = Code(service.Message);
                        return new CpException(
                            CpErrorKind.AuthenticationFailed,
                            $"Sign-in failed ({who}): {redactor.Redact(ServerText(service.Message))}",
                            Advice(code, service.ErrorCode, request),
                            exception)
                        {
                            ServiceCode = code ?? service.ErrorCode,
                            ServiceMessage = redactor.Redact(service.Message),
                            StatusCode = service.StatusCode > 0 ? (HttpStatusCode?)service.StatusCode : null,
                        };
                    }

                case MsalClientException client:
                    return new CpException(
                        CpErrorKind.AuthenticationFailed,
                        $"Sign-in failed ({who}): {redactor.Redact(client.Message)} ({client.ErrorCode})",
                        Advice(null, client.ErrorCode, request),
                        exception)
                    { ServiceCode = client.ErrorCode };

                case HttpRequestException _:
                case OperationCanceledException _:
                    return new CpException(
                        CpErrorKind.AuthenticationFailed,
                        $"Sign-in failed ({who}): the identity provider at {request.AuthorityHost.GetLeftPart(UriPartial.Authority)} could not be reached: {redactor.Redact(Flatten(exception))}",
                        "Check the network, the proxy settings (-Proxy, -ProxyCredential) and -AuthorityHost, then run Connect-CpAccount again.",
                        exception);

                default:
                    return new CpException(
                        CpErrorKind.AuthenticationFailed,
                        $"Sign-in failed ({who}): {redactor.Redact(Flatten(exception))}",
                        null,
                        exception);
            }
        }

        private static string Describe(AuthenticationRequest request, string flow)
        {
            if (request.Flow == SignInFlow.ManagedIdentity)
            {
                return request.ClientId is null ? "system-assigned managed identity" : $"managed identity {request.ClientId}";
            }

            return $"{flow}, client {request.ClientId}, tenant {request.TenantId}";
        }

        private static string? Code(string? message)
        {
            var match = message is null ? Match.Empty : AadstsCode.Match(message);
            return match.Success ? match.Value : null;
        }

        private static string Advice(string? aadsts, string? error, AuthenticationRequest request)
        {
            switch (aadsts)
            {
                case "AADSTS7000215":
                case "AADSTS7000222":
                    return "The client secret is wrong or has expired. Create a new one (Entra ID > App registrations > Certificates & secrets), pass its value (not its id), and connect again.";
                case "AADSTS700016":
                    return "Check -ClientId and -TenantId: the application is not registered (or not consented) in that tenant.";
                case "AADSTS90002":
                case "AADSTS900023":
                    return "Check -TenantId: use the tenant's id (a GUID) or a verified domain such as contoso.onmicrosoft.com.";
                case "AADSTS700027":
                    return "Upload the certificate's public key to the app registration (Certificates & secrets), or sign in with the certificate that is registered there.";
                case "AADSTS700024":
                    return "The federated token has expired. Use -FederatedTokenFile (it is read again at every renewal) or get a fresh token, then connect again.";
                case "AADSTS700211":
                case "AADSTS700212":
                case "AADSTS700213":
                case "AADSTS70021":
                    return "Add a federated credential to the app registration whose issuer, subject and audience (api://AzureADTokenExchange) match the token — for GitHub Actions, a subject such as repo:<owner>/<repo>:environment:<name>.";
                case "AADSTS7000218":
                    return "Pass a client secret (-ClientSecret), a certificate (-CertificateThumbprint, -Certificate, -CertificatePath) or a federated token.";
                case "AADSTS500011":
                case "AADSTS1002012":
                    return "The Cloud Partner Portal API (https://cloudpartner.azure.com) is not available to this application in this tenant; check the tenant and the app's API permissions.";
                case "AADSTS70020":
                    return "The device code expired before the sign-in was completed. Run Connect-CpAccount again and finish the sign-in within 15 minutes.";
                case "AADSTS700082":
                case "AADSTS70008":
                    return "The sign-in has expired. Run Connect-CpAccount again.";
            }

            if (error == "authorization_declined")
            {
                return "The sign-in was declined. Run Connect-CpAccount again and accept it.";
            }

            if (request.Flow == SignInFlow.ManagedIdentity)
            {
                return "Run on an Azure resource that has a managed identity (the endpoint comes from IDENTITY_ENDPOINT/IDENTITY_HEADER, MSI_ENDPOINT or IMDS), and for a user-assigned identity check -ClientId.";
            }

            return "Check the tenant id, client id and credential, then run Connect-CpAccount again.";
        }

        /// <summary>MSAL puts its own advice before what the identity provider said ("… Original exception: AADSTS…"); the
        /// provider's words are the useful part, and the recommended action carries the advice.</summary>
        private static string ServerText(string message)
        {
            const string Marker = "Original exception: ";
            var at = message.IndexOf(Marker, StringComparison.Ordinal);
            return at >= 0 ? message.Substring(at + Marker.Length).Trim() : message;
        }

        private static string Flatten(Exception exception)
        {
            var message = exception.Message;
            for (var inner = exception.InnerException; inner != null; inner = inner.InnerException)
            {
                message += " " + inner.Message;
            }

            return message;
        }
    }
}
