using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudPartner.Emulator.Http;

namespace CloudPartner.Emulator.OAuth
{
    /// <summary>The identity provider's admin routes, under <c>/_emulator/oauth/</c>.</summary>
    internal sealed class OAuthAdmin
    {
        public static readonly string[] Routes =
        {
            "GET    /_emulator/oauth                    authority, certificate thumbprints, settings, registered clients (secrets never shown)",
            "POST   /_emulator/oauth/clients            {clientId, tenantId, secret, certificates:[base64 DER or PEM], federatedCredentials:[{issuer,subject,audience}], publicClient, managedIdentity, publishers}",
            "DELETE /_emulator/oauth/clients/{id}       forget a client",
            "PUT    /_emulator/oauth/settings           {tokenLifetimeSeconds, deviceCodeIntervalSeconds}",
            "GET    /_emulator/oauth/devicecodes        device codes waiting for the user",
            "POST   /_emulator/oauth/devicecode/complete {userCode (default: the newest), decline: false}",
            "GET    /_emulator/oauth/issued             tokens issued (fingerprints), oldest first",
            "POST   /_emulator/oauth/expire             every token issued so far expires now (the API answers 401)",
            "POST   /_emulator/oauth/revoke             forget every refresh token (silent renewal of user sign-ins fails)",
        };

        private readonly EmulatorState state;

        public OAuthAdmin(EmulatorState state)
        {
            this.state = state;
        }

        private OAuthState OAuth => state.OAuth;

        /// <summary>Handles <c>/_emulator/oauth/…</c>; <paramref name="s"/> are the segments after <c>oauth</c>.</summary>
        public ApiResponse Handle(string method, string[] s, Func<JsonObject> body)
        {
            if (s.Length == 0)
            {
                return Is(method, "GET") ? Ok(WriteOverview) : NotAllowed(method);
            }

            switch (s[0].ToLowerInvariant())
            {
                case "clients" when s.Length == 1 && Is(method, "POST"):
                    {
                        var client = ParseClient(body());
                        OAuth.RegisterClient(client);
                        return ApiResponse.Json(201, Json.Write(w => WriteClient(w, client), indented: true));
                    }

                case "clients" when s.Length == 2 && Is(method, "DELETE"):
                    return OAuth.RemoveClient(s[1]) ? ApiResponse.Empty(204) : ApiResponse.Error(404, "NotFound", $"Client '{s[1]}' is not registered.");

                case "settings" when s.Length == 1 && Is(method, "PUT"):
                    {
                        var obj = body();
                        if (obj["tokenLifetimeSeconds"] is { } lifetime)
                        {
                            OAuth.TokenLifetime = TimeSpan.FromSeconds(lifetime.GetValue<double>());
                        }

                        if (obj["deviceCodeIntervalSeconds"] is { } interval)
                        {
                            OAuth.DeviceCodeInterval = TimeSpan.FromSeconds(interval.GetValue<double>());
                        }

                        return Ok(WriteOverview);
                    }

                case "devicecodes" when s.Length == 1 && Is(method, "GET"):
                    return Ok(w =>
                    {
                        w.WriteStartArray();
                        foreach (var code in OAuth.GetPendingDeviceCodes())
                        {
                            w.WriteStartObject();
                            w.WriteString("userCode", code.UserCode);
                            w.WriteString("clientId", code.ClientId);
                            w.WriteString("tenantId", code.TenantId);
                            w.WriteString("createdOn", code.CreatedOn);
                            w.WriteString("expiresOn", code.ExpiresOn);
                            w.WriteEndObject();
                        }

                        w.WriteEndArray();
                    });

                case "devicecode" when s.Length == 2 && Is(s[1], "complete") && Is(method, "POST"):
                    {
                        var obj = body.Invoke();
                        var completed = OAuth.CompleteDeviceCode(Json.GetString(obj["userCode"]), approve: !(obj["decline"]?.GetValue<bool>() ?? false));
                        return completed is null
                            ? ApiResponse.Error(404, "NotFound", "No device code is waiting for the user.")
                            : Ok(w =>
                            {
                                w.WriteStartObject();
                                w.WriteString("userCode", completed);
                                w.WriteEndObject();
                            });
                    }

                case "issued" when s.Length == 1 && Is(method, "GET"):
                    return Ok(w =>
                    {
                        w.WriteStartArray();
                        foreach (var issue in OAuth.GetIssued())
                        {
                            w.WriteStartObject();
                            w.WriteString("time", issue.Time);
                            w.WriteString("clientId", issue.ClientId);
                            w.WriteString("tenantId", issue.TenantId);
                            w.WriteString("grantType", issue.GrantType);
                            w.WriteString("method", issue.Method);
                            w.WriteString("token", issue.TokenFingerprint);
                            w.WriteString("expiresOn", issue.ExpiresOn);
                            w.WriteString("assertion", issue.AssertionFingerprint);
                            w.WriteBoolean("certificateChainSent", issue.CertificateChainSent);
                            w.WriteEndObject();
                        }

                        w.WriteEndArray();
                    });

                case "expire" when s.Length == 1 && Is(method, "POST"):
                    {
                        var count = OAuth.ExpireIssuedTokens();
                        return Ok(w =>
                        {
                            w.WriteStartObject();
                            w.WriteNumber("expired", count);
                            w.WriteEndObject();
                        });
                    }

                case "revoke" when s.Length == 1 && Is(method, "POST"):
                    {
                        var count = OAuth.RevokeRefreshTokens();
                        return Ok(w =>
                        {
                            w.WriteStartObject();
                            w.WriteNumber("revoked", count);
                            w.WriteEndObject();
                        });
                    }
            }

            return ApiResponse.Error(404, "NotFound", $"Unknown admin route '{method} /_emulator/oauth/{string.Join('/', s)}'. GET /_emulator/ lists the routes.");
        }

        internal static OAuthClient ParseClient(JsonObject obj)
        {
            var client = new OAuthClient
            {
                ClientId = Json.GetString(obj["clientId"]) ?? throw new ArgumentException("clientId is required."),
                TenantId = Json.GetString(obj["tenantId"]) ?? throw new ArgumentException("tenantId is required."),
                Secret = Json.GetString(obj["secret"]),
                PublicClient = obj["publicClient"]?.GetValue<bool>() ?? true,
                ManagedIdentity = obj["managedIdentity"]?.GetValue<bool>() ?? false,
            };
            if (obj["certificates"] is JsonArray certificates)
            {
                foreach (var item in certificates)
                {
                    client.Certificates.Add(ParseCertificate(Json.GetString(item) ?? throw new ArgumentException("certificates must be strings (base64 DER or PEM).")));
                }
            }

            if (obj["federatedCredentials"] is JsonArray federated)
            {
                foreach (var item in federated)
                {
                    if (item is not JsonObject credential)
                    {
                        throw new ArgumentException("federatedCredentials must be objects {issuer, subject, audience}.");
                    }

                    client.FederatedCredentials.Add(new FederatedCredential(
                        Json.GetString(credential["issuer"]) ?? throw new ArgumentException("A federated credential needs an issuer."),
                        Json.GetString(credential["subject"]) ?? throw new ArgumentException("A federated credential needs a subject."),
                        Json.GetString(credential["audience"]) ?? FederatedCredential.DefaultAudience));
                }
            }

            if (obj["publishers"] is JsonArray publishers)
            {
                var list = new List<string>();
                foreach (var item in publishers)
                {
                    list.Add(Json.GetString(item) ?? throw new ArgumentException("Publisher ids must be strings."));
                }

                client.Publishers = list;
            }

            client.Validate();
            return client;
        }

        private static X509Certificate2 ParseCertificate(string text)
        {
            try
            {
                var trimmed = text.Trim();
                return trimmed.StartsWith("-----BEGIN", StringComparison.Ordinal)
                    ? X509Certificate2.CreateFromPem(trimmed)
                    : X509CertificateLoader.LoadCertificate(Convert.FromBase64String(trimmed));
            }
            catch (Exception e) when (e is FormatException or CryptographicException)
            {
                throw new ArgumentException("A certificate must be base64 DER or PEM: " + e.Message);
            }
        }

        private void WriteOverview(Utf8JsonWriter w)
        {
            w.WriteStartObject();
            w.WriteString("authority", OAuth.Authority?.ToString());
            if (OAuth.Certificate is { } certificate)
            {
                w.WriteString("certificateThumbprint", certificate.Thumbprint);
                w.WriteString("certificateSha256", certificate.GetCertHashString(HashAlgorithmName.SHA256));
            }

            w.WriteNumber("tokenLifetimeSeconds", OAuth.TokenLifetime.TotalSeconds);
            w.WriteNumber("deviceCodeIntervalSeconds", OAuth.DeviceCodeInterval.TotalSeconds);
            w.WriteString("systemAssignedClientId", OAuth.SystemAssignedClientId);
            w.WriteString("managedIdentityTenantId", OAuth.ManagedIdentityTenantId);
            w.WriteStartArray("clients");
            foreach (var client in OAuth.GetClients())
            {
                WriteClient(w, client);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        private static void WriteClient(Utf8JsonWriter w, OAuthClient client)
        {
            w.WriteStartObject();
            w.WriteString("clientId", client.ClientId);
            w.WriteString("tenantId", client.TenantId);
            w.WriteBoolean("hasSecret", client.Secret is not null);
            w.WriteStartArray("certificates");
            foreach (var certificate in client.Certificates)
            {
                w.WriteStringValue(certificate.Thumbprint);
            }

            w.WriteEndArray();
            w.WriteStartArray("federatedCredentials");
            foreach (var credential in client.FederatedCredentials)
            {
                w.WriteStartObject();
                w.WriteString("issuer", credential.Issuer);
                w.WriteString("subject", credential.Subject);
                w.WriteString("audience", credential.Audience);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteBoolean("publicClient", client.PublicClient);
            w.WriteBoolean("managedIdentity", client.ManagedIdentity);
            if (client.Publishers is { } publishers)
            {
                w.WriteStartArray("publishers");
                foreach (var publisher in publishers)
                {
                    w.WriteStringValue(publisher);
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
        }

        private static ApiResponse Ok(Action<Utf8JsonWriter> write) => ApiResponse.Json(200, Json.Write(write, indented: true));

        private static ApiResponse NotAllowed(string method) => ApiResponse.Error(405, "MethodNotAllowed", $"The admin route does not support http method '{method}'.");

        private static bool Is(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
    }
}
