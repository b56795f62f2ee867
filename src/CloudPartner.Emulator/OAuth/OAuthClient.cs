using System;
using System.Collections.Generic;
using System.Security.Cryptography.X509Certificates;

namespace CloudPartner.Emulator.OAuth
{
    /// <summary>An application registered with the emulator's identity provider (an Entra ID app registration in small).</summary>
    public sealed class OAuthClient
    {
        /// <summary>The application (client) id.</summary>
        public string ClientId { get; set; } = string.Empty;

        /// <summary>The tenant the application lives in; token requests must name it in their authority.</summary>
        public string TenantId { get; set; } = string.Empty;

        /// <summary>The client secret, when the application signs in with one.</summary>
        public string? Secret { get; set; }

        /// <summary>Certificates (public part is enough) whose keys may sign client assertions.</summary>
        public IList<X509Certificate2> Certificates { get; } = new List<X509Certificate2>();

        /// <summary>Federated identity credentials: external issuers and subjects whose tokens are accepted as assertions.</summary>
        public IList<FederatedCredential> FederatedCredentials { get; } = new List<FederatedCredential>();

        /// <summary>Public-client flows (device code, interactive) are allowed. Default true.</summary>
        public bool PublicClient { get; set; } = true;

        /// <summary>The client id may be used as a user-assigned managed identity. Default false.</summary>
        public bool ManagedIdentity { get; set; }

        /// <summary>Publishers the tokens issued to this client may use (null: every publisher).</summary>
        public IReadOnlyList<string>? Publishers { get; set; }

        internal OAuthClient Clone()
        {
            var copy = new OAuthClient
            {
                ClientId = ClientId,
                TenantId = TenantId,
                Secret = Secret,
                PublicClient = PublicClient,
                ManagedIdentity = ManagedIdentity,
                Publishers = Publishers is null ? null : new List<string>(Publishers),
            };
            foreach (var certificate in Certificates)
            {
                copy.Certificates.Add(certificate);
            }

            foreach (var credential in FederatedCredentials)
            {
                copy.FederatedCredentials.Add(credential with { });
            }

            return copy;
        }

        internal void Validate()
        {
            if (string.IsNullOrWhiteSpace(ClientId) || string.IsNullOrWhiteSpace(TenantId))
            {
                throw new ArgumentException("An OAuth client needs a clientId and a tenantId.");
            }
        }
    }

    /// <summary>A federated identity credential: tokens from <see cref="Issuer"/> about <see cref="Subject"/> for
    /// <see cref="Audience"/> are accepted as client assertions (their signature is not checked by the emulator).</summary>
    public sealed record FederatedCredential(string Issuer, string Subject, string Audience = FederatedCredential.DefaultAudience)
    {
        /// <summary>The audience Entra ID expects in federated tokens.</summary>
        public const string DefaultAudience = "api://AzureADTokenExchange";
    }
}
