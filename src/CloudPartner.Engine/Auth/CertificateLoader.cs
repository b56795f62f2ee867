using System;
using System.IO;
using System.Reflection;
using System.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Security;

namespace CloudPartner.Engine.Auth
{
    /// <summary>
    /// Finds or reads the certificate a service principal signs in with: from the certificate store by thumbprint, or from a
    /// PFX or PEM file read into memory (keys are not written anywhere: PFX keys are loaded as ephemeral where the platform allows).
    /// </summary>
    internal static class CertificateLoader
    {
        /// <summary>X509KeyStorageFlags.EphemeralKeySet (not in the netstandard2.0 surface): the key stays in memory.</summary>
        private const X509KeyStorageFlags EphemeralKeySet = (X509KeyStorageFlags)32;

        private delegate X509Certificate2 PemLoader(string certPemFilePath, string? keyPemFilePath);

        private delegate X509Certificate2 EncryptedPemLoader(string certPemFilePath, ReadOnlySpan<char> password, string? keyPemFilePath);

        /// <summary>The certificate with <paramref name="thumbprint"/> and its private key, from CurrentUser\My, then LocalMachine\My.</summary>
        public static X509Certificate2 FromStore(string thumbprint)
        {
            var wanted = NormalizeThumbprint(thumbprint);
            if (wanted.Length != 40 && wanted.Length != 64)
            {
                throw new CpException(CpErrorKind.InvalidArgument, $"-CertificateThumbprint '{thumbprint}' is not a certificate thumbprint (40 hexadecimal digits).");
            }

            var searched = string.Empty;
            foreach (var location in new[] { StoreLocation.CurrentUser, StoreLocation.LocalMachine })
            {
                X509Store store;
                try
                {
                    store = new X509Store(StoreName.My, location);
                    store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
                }
                catch (CryptographicException)
                {
                    continue; // LocalMachine\My does not exist on Linux; an absent store holds nothing.
                }

                searched += (searched.Length == 0 ? string.Empty : " and ") + $"Cert:\\{location}\\My";
                using (store)
                {
                    foreach (var certificate in store.Certificates)
                    {
                        if (Matches(certificate, wanted))
                        {
                            if (!certificate.HasPrivateKey)
                            {
                                throw new CpException(
                                    CpErrorKind.InvalidArgument,
                                    $"The certificate {certificate.Thumbprint} in Cert:\\{location}\\My has no private key.",
                                    "Import the certificate with its private key (a .pfx), or use -CertificatePath.");
                            }

                            return certificate;
                        }
                    }
                }
            }

            throw new CpException(
                CpErrorKind.InvalidArgument,
                $"No certificate with thumbprint {wanted} was found in {(searched.Length == 0 ? "the certificate stores" : searched)}.",
                "Check the thumbprint (Get-ChildItem Cert:\\CurrentUser\\My on Windows), or pass the certificate with -Certificate or -CertificatePath.");
        }

        /// <summary>Reads a PFX (PKCS#12) file, or a PEM file holding the certificate and its private key.</summary>
        public static X509Certificate2 FromFile(string path, SecureString? password)
        {
            if (!File.Exists(path))
            {
                throw new CpException(CpErrorKind.InvalidArgument, $"The certificate file '{path}' was not found.");
            }

            var bytes = File.ReadAllBytes(path);
            var certificate = LooksLikePem(bytes) ? FromPem(path, password) : FromPfx(path, bytes, password);
            if (!certificate.HasPrivateKey)
            {
                throw new CpException(
                    CpErrorKind.InvalidArgument,
                    $"The certificate file '{path}' has no private key.",
                    "Use a .pfx with its private key, or a PEM file holding both the certificate and its private key.");
            }

            return certificate;
        }

        /// <summary>Checks that a certificate given as an object can sign.</summary>
        public static X509Certificate2 RequirePrivateKey(X509Certificate2 certificate)
        {
            if (!certificate.HasPrivateKey)
            {
                throw new CpException(
                    CpErrorKind.InvalidArgument,
                    $"The certificate {certificate.Thumbprint} has no private key, so it cannot sign the sign-in assertion.",
                    "Pass the certificate with its private key (for example from Get-PfxCertificate or Cert:\\CurrentUser\\My).");
            }

            return certificate;
        }

        private static X509Certificate2 FromPfx(string path, byte[] bytes, SecureString? password)
        {
            try
            {
                try
                {
                    return new X509Certificate2(bytes, password, EphemeralKeySet);
                }
                catch (PlatformNotSupportedException)
                {
                    // macOS keeps keys in a keychain; there is no ephemeral key set.
                    return new X509Certificate2(bytes, password, X509KeyStorageFlags.DefaultKeySet);
                }
            }
            catch (CryptographicException e)
            {
                throw new CpException(
                    CpErrorKind.InvalidArgument,
                    $"The certificate file '{path}' could not be read as PFX: {e.Message.Trim()}",
                    "Check -CertificatePassword (or AZURE_CLIENT_CERTIFICATE_PASSWORD) and that the file is a PFX or a PEM with its private key.",
                    e);
            }
        }

        private static X509Certificate2 FromPem(string path, SecureString? password)
        {
            try
            {
                if (password is null || password.Length == 0)
                {
                    var method = typeof(X509Certificate2).GetMethod("CreateFromPemFile", new[] { typeof(string), typeof(string) });
                    var load = method is null ? null : (PemLoader)Delegate.CreateDelegate(typeof(PemLoader), method);
                    return load?.Invoke(path, null) ?? throw PemNotSupported(path);
                }

                var encrypted = typeof(X509Certificate2).GetMethod("CreateFromEncryptedPemFile", new[] { typeof(string), typeof(ReadOnlySpan<char>), typeof(string) });
                var loadEncrypted = encrypted is null ? null : (EncryptedPemLoader)Delegate.CreateDelegate(typeof(EncryptedPemLoader), encrypted);
                if (loadEncrypted is null)
                {
                    throw PemNotSupported(path);
                }

                var text = SecureText.ToPlainText(password);
                return loadEncrypted(path, text.AsSpan(), null);
            }
            catch (Exception e) when (e is CryptographicException || e is ArgumentException)
            {
                throw new CpException(
                    CpErrorKind.InvalidArgument,
                    $"The PEM file '{path}' could not be read: {e.Message.Trim()}",
                    "The file must hold the certificate and its private key (PKCS#8, PKCS#1 or an encrypted PKCS#8 key with -CertificatePassword).",
                    e);
            }
        }

        private static CpException PemNotSupported(string path)
        {
            return new CpException(
                CpErrorKind.InvalidArgument,
                $"'{path}' is a PEM file, which needs PowerShell 7 (.NET 5 or later) to read.",
                "Convert it to PFX (openssl pkcs12 -export -in cert.pem -out cert.pfx) or run in PowerShell 7.");
        }

        private static bool LooksLikePem(byte[] bytes)
        {
            var head = Encoding.ASCII.GetString(bytes, 0, Math.Min(bytes.Length, 4096));
            return head.IndexOf("-----BEGIN ", StringComparison.Ordinal) >= 0;
        }

        /// <summary>Upper-case hex digits only (a thumbprint copied from a dialog often carries spaces or an invisible mark).</summary>
        public static string NormalizeThumbprint(string thumbprint)
        {
            var builder = new StringBuilder(thumbprint.Length);
            foreach (var c in thumbprint)
            {
                if (Uri.IsHexDigit(c))
                {
                    builder.Append(char.ToUpperInvariant(c));
                }
            }

            return builder.ToString();
        }

        /// <summary>True when <paramref name="normalizedThumbprint"/> is the certificate's SHA-1 or SHA-256 thumbprint.</summary>
        public static bool Matches(X509Certificate2 certificate, string normalizedThumbprint)
        {
            if (normalizedThumbprint.Length == 40)
            {
                return string.Equals(certificate.Thumbprint, normalizedThumbprint, StringComparison.OrdinalIgnoreCase);
            }

            using (var sha256 = SHA256.Create())
            {
                var hash = sha256.ComputeHash(certificate.RawData);
                return string.Equals(BitConverter.ToString(hash).Replace("-", string.Empty), normalizedThumbprint, StringComparison.OrdinalIgnoreCase);
            }
        }
    }
}
