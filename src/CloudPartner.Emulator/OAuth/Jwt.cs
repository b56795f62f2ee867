using System;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using CloudPartner.Emulator.Http;

namespace CloudPartner.Emulator.OAuth
{
    /// <summary>A parsed JSON Web Token: header, claims and what the signature covers.</summary>
    internal sealed class Jwt
    {
        private Jwt(JsonObject header, JsonObject claims, byte[] signedPart, byte[] signature)
        {
            Header = header;
            Claims = claims;
            SignedPart = signedPart;
            Signature = signature;
        }

        public JsonObject Header { get; }

        public JsonObject Claims { get; }

        public byte[] SignedPart { get; }

        public byte[] Signature { get; }

        public string? Algorithm => Json.GetString(Header["alg"]);

        public string? Issuer => Json.GetString(Claims["iss"]);

        public string? Subject => Json.GetString(Claims["sub"]);

        public DateTimeOffset? Expires => Time("exp");

        public DateTimeOffset? NotBefore => Time("nbf");

        /// <summary>Parses a compact JWT; null when it is not one.</summary>
        public static Jwt? TryParse(string? text)
        {
            if (string.IsNullOrEmpty(text))
            {
                return null;
            }

            var parts = text.Split('.');
            if (parts.Length != 3)
            {
                return null;
            }

            try
            {
                var header = Json.Parse(Base64Url.Decode(parts[0])) as JsonObject;
                var claims = Json.Parse(Base64Url.Decode(parts[1])) as JsonObject;
                if (header is null || claims is null)
                {
                    return null;
                }

                return new Jwt(header, claims, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url.Decode(parts[2]));
            }
            catch (Exception e) when (e is FormatException or System.Text.Json.JsonException or ArgumentException)
            {
                return null;
            }
        }

        /// <summary>True when the audience claim (a string or an array) contains <paramref name="audience"/>.</summary>
        public bool HasAudience(string audience)
        {
            switch (Claims["aud"])
            {
                case JsonArray array:
                    foreach (var item in array)
                    {
                        if (string.Equals(Json.GetString(item), audience, StringComparison.OrdinalIgnoreCase))
                        {
                            return true;
                        }
                    }

                    return false;
                case { } single:
                    return string.Equals(Json.GetString(single), audience, StringComparison.OrdinalIgnoreCase);
                default:
                    return false;
            }
        }

        public string AudienceText() => Claims["aud"]?.ToJsonString() ?? "(none)";

        /// <summary>Checks the signature with the certificate's public key (RS256, PS256 or ES256).</summary>
        public bool VerifySignature(X509Certificate2 certificate)
        {
            try
            {
                switch (Algorithm)
                {
                    case "RS256":
                    case "PS256":
                        {
                            using var rsa = certificate.GetRSAPublicKey();
                            var padding = Algorithm == "RS256" ? RSASignaturePadding.Pkcs1 : RSASignaturePadding.Pss;
                            return rsa is not null && rsa.VerifyData(SignedPart, Signature, HashAlgorithmName.SHA256, padding);
                        }

                    case "ES256":
                        {
                            using var ecdsa = certificate.GetECDsaPublicKey();
                            return ecdsa is not null && ecdsa.VerifyData(SignedPart, Signature, HashAlgorithmName.SHA256);
                        }

                    default:
                        return false;
                }
            }
            catch (CryptographicException)
            {
                return false;
            }
        }

        /// <summary>Writes a signed compact JWT (ES256 with the emulator's key).</summary>
        public static string Sign(JsonObject header, JsonObject claims, ECDsa key)
        {
            var signed = Base64Url.Encode(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + Base64Url.Encode(Encoding.UTF8.GetBytes(claims.ToJsonString()));
            var signature = key.SignData(Encoding.ASCII.GetBytes(signed), HashAlgorithmName.SHA256);
            return signed + "." + Base64Url.Encode(signature);
        }

        /// <summary>A NumericDate claim (seconds since 1970), written as a number or as a string of digits.</summary>
        private DateTimeOffset? Time(string name)
        {
            if (Claims[name] is not JsonValue value)
            {
                return null;
            }

            if (value.TryGetValue<double>(out var number))
            {
                return DateTimeOffset.FromUnixTimeSeconds((long)number);
            }

            return value.TryGetValue<string>(out var text) && long.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : null;
        }
    }

    internal static class Base64Url
    {
        public static string Encode(byte[] data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        public static byte[] Decode(string text)
        {
            var s = text.Replace('-', '+').Replace('_', '/');
            return Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '='));
        }
    }
}
