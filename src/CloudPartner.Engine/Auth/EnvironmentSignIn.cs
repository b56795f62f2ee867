using System;
using System.Collections.Generic;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Security;

namespace CloudPartner.Engine.Auth
{
    /// <summary>
    /// Connect-CpAccount -FromEnvironment: the variables Azure.Identity's EnvironmentCredential and WorkloadIdentityCredential
    /// read, in their order — a client secret, else a certificate file, else a federated token file.
    /// </summary>
    internal static class EnvironmentSignIn
    {
        public const string TenantId = "AZURE_TENANT_ID";
        public const string ClientId = "AZURE_CLIENT_ID";
        public const string ClientSecret = "AZURE_CLIENT_SECRET";
        public const string CertificatePath = "AZURE_CLIENT_CERTIFICATE_PATH";
        public const string CertificatePassword = "AZURE_CLIENT_CERTIFICATE_PASSWORD";
        public const string SendCertificateChain = "AZURE_CLIENT_SEND_CERTIFICATE_CHAIN";
        public const string FederatedTokenFile = "AZURE_FEDERATED_TOKEN_FILE";
        public const string AuthorityHost = "AZURE_AUTHORITY_HOST";

        /// <summary>
        /// Fills <paramref name="request"/> from the variables. Returns the variable that chose the flow.
        /// <paramref name="resolvePath"/> turns a relative path into a full one. AZURE_AUTHORITY_HOST is used unless
        /// <paramref name="authorityHostGiven"/>.
        /// </summary>
        public static string Configure(AuthenticationRequest request, Func<string, string?> variable, Func<string, string> resolvePath, bool authorityHostGiven)
        {
            string? Read(string name)
            {
                var value = variable(name);
                return string.IsNullOrWhiteSpace(value) ? null : value!.Trim();
            }

            var tenant = Read(TenantId);
            var client = Read(ClientId);
            var secret = variable(ClientSecret);
            var certificate = Read(CertificatePath);
            var tokenFile = Read(FederatedTokenFile);
            var missing = new List<string>();
            if (tenant is null)
            {
                missing.Add(TenantId);
            }

            if (client is null)
            {
                missing.Add(ClientId);
            }

            if (string.IsNullOrEmpty(secret) && certificate is null && tokenFile is null)
            {
                missing.Add($"one of {ClientSecret}, {CertificatePath} or {FederatedTokenFile}");
            }

            if (missing.Count > 0)
            {
                throw new CpException(
                    CpErrorKind.InvalidArgument,
                    $"-FromEnvironment needs {TenantId}, {ClientId} and one of {ClientSecret}, {CertificatePath} or {FederatedTokenFile}; not set: {string.Join(", ", missing)}.",
                    "Set the variables (as Azure.Identity reads them), or use the parameters of Connect-CpAccount instead.");
            }

            request.TenantId = tenant;
            request.ClientId = client;
            if (!authorityHostGiven && Read(AuthorityHost) is { } host)
            {
                if (!Uri.TryCreate(host, UriKind.Absolute, out var uri))
                {
                    throw new CpException(CpErrorKind.InvalidArgument, $"{AuthorityHost} '{host}' is not an absolute URL such as https://login.microsoftonline.com.");
                }

                request.AuthorityHost = uri;
            }

            if (!string.IsNullOrEmpty(secret))
            {
                request.Flow = SignInFlow.ClientSecret;
                request.ClientSecret = SecureText.ToSecureString(secret!);
                return ClientSecret;
            }

            if (certificate is not null)
            {
                request.Flow = SignInFlow.Certificate;
                var password = variable(CertificatePassword);
                request.Certificate = CertificateLoader.FromFile(resolvePath(certificate), string.IsNullOrEmpty(password) ? null : SecureText.ToSecureString(password!));
                var chain = Read(SendCertificateChain);
                request.SendCertificateChain = chain != null && (chain == "1" || string.Equals(chain, "true", StringComparison.OrdinalIgnoreCase));
                return CertificatePath;
            }

            request.Flow = SignInFlow.FederatedToken;
            request.FederatedTokenFile = resolvePath(tokenFile!);
            return FederatedTokenFile;
        }
    }
}
