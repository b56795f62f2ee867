using System;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CloudPartner.Emulator.OAuth
{
    /// <summary>The self-signed certificate of the https listener, made at start: ECDSA P-256, for 127.0.0.1, ::1 and localhost.
    /// Clients trust it by its thumbprint (the module honours <c>CLOUDPARTNER_TRUSTED_AUTHORITY_CERT_THUMBPRINT</c> for
    /// loopback authority hosts only).</summary>
    internal static class LoopbackCertificate
    {
        public static X509Certificate2 Create()
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=CloudPartner emulator (loopback)", key, HashAlgorithmName.SHA256);
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            names.AddIpAddress(IPAddress.IPv6Loopback);
            names.AddDnsName("localhost");
            request.CertificateExtensions.Add(names.Build());
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid("1.3.6.1.5.5.7.3.1") }, false));
            var now = DateTimeOffset.UtcNow;
            using var created = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));

            // A round trip through PKCS#12 gives a certificate whose key SslStream can use on every platform.
            return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
        }
    }
}
