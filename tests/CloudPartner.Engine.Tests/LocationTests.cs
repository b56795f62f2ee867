using System;
using System.Threading.Tasks;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Operations;
using CloudPartner.Engine.Security;

namespace CloudPartner.Engine.Tests
{
    public class LocationTests
    {
        private static readonly Uri Endpoint = new Uri("https://cloudpartner.azure.com/");

        [Theory]
        // Migrated form (current docs).
        [InlineData("/api/publishers/contoso/offers/contoso-offer/operations/56615b67-2185-49fe-80d2-c4ddf77bb2e8?api-version=2017-10-31",
            "https://cloudpartner.azure.com/api/publishers/contoso/offers/contoso-offer/operations/56615b67-2185-49fe-80d2-c4ddf77bb2e8?api-version=2017-10-31",
            "contoso", "contoso-offer", "56615b67-2185-49fe-80d2-c4ddf77bb2e8")]
        // Migration table's example GUID.
        [InlineData("/api/publishers/contoso/offers/contoso-offer/operations/408a4835-0000-1000-0000-000000000000?api-version=2017-10-31",
            "https://cloudpartner.azure.com/api/publishers/contoso/offers/contoso-offer/operations/408a4835-0000-1000-0000-000000000000?api-version=2017-10-31",
            "contoso", "contoso-offer", "408a4835-0000-1000-0000-000000000000")]
        // Non-migrated form, '$' literal.
        [InlineData("/api/operations/contoso$contoso-offer$2$preview?api-version=2017-10-31",
            "https://cloudpartner.azure.com/api/operations/contoso$contoso-offer$2$preview?api-version=2017-10-31",
            "contoso", "contoso-offer", "contoso$contoso-offer$2$preview")]
        // 2018 Operation-Location with the offer GUID.
        [InlineData("/api/operations/contoso$56615b67-2185-49fe-80d2-c4ddf77bb2e8$2$preview?api-version=2017-10-31",
            "https://cloudpartner.azure.com/api/operations/contoso$56615b67-2185-49fe-80d2-c4ddf77bb2e8$2$preview?api-version=2017-10-31",
            "contoso", "56615b67-2185-49fe-80d2-c4ddf77bb2e8", "contoso$56615b67-2185-49fe-80d2-c4ddf77bb2e8$2$preview")]
        // 2018 absolute Operation-Location without api-version.
        [InlineData("https://cloudpartner.azure.com/api/publishers/contoso/offers/contoso-virtualmachineoffer/operations/56615b67-2185-49fe-80d2-c4ddf77bb2e8",
            "https://cloudpartner.azure.com/api/publishers/contoso/offers/contoso-virtualmachineoffer/operations/56615b67-2185-49fe-80d2-c4ddf77bb2e8?api-version=2017-10-31",
            "contoso", "contoso-virtualmachineoffer", "56615b67-2185-49fe-80d2-c4ddf77bb2e8")]
        // '$' percent-encoded by some proxy.
        [InlineData("/api/operations/contoso%24contoso-offer%242%24preview?api-version=2017-10-31",
            "https://cloudpartner.azure.com/api/operations/contoso%24contoso-offer%242%24preview?api-version=2017-10-31",
            "contoso", "contoso-offer", "contoso$contoso-offer$2$preview")]
        public void Resolves_every_documented_form(string value, string expectedUrl, string publisher, string offer, string operation)
        {
            var location = OperationLocation.Resolve(value, Endpoint, "2017-10-31");

            Assert.Equal(expectedUrl, location.Uri.OriginalString);
            Assert.Equal(publisher, location.PublisherId);
            Assert.Equal(offer, location.OfferId);
            Assert.Equal(operation, location.OperationId);
        }

        [Theory]
        [InlineData("https://attacker.example.com/api/publishers/contoso/offers/o/operations/56615b67-2185-49fe-80d2-c4ddf77bb2e8")]
        [InlineData("http://cloudpartner.azure.com/api/publishers/contoso/offers/o/operations/56615b67-2185-49fe-80d2-c4ddf77bb2e8")]
        [InlineData("https://cloudpartner.azure.com:8443/api/publishers/contoso/offers/o/operations/56615b67-2185-49fe-80d2-c4ddf77bb2e8")]
        [InlineData("//attacker.example.com/api/operations/contoso$o$2$preview")]
        [InlineData("javascript:alert(1)")]
        [InlineData("/api/publishers/contoso/offers/o/operations/../../../../secrets")]
        [InlineData("/api/publishers/contoso/../../admin/operations/56615b67-2185-49fe-80d2-c4ddf77bb2e8")]
        [InlineData("/api/offers/contoso/whatever")]
        [InlineData("/api/operations/contoso$o$2$preview\r\nX-Injected: 1")]
        [InlineData("file:///etc/passwd")]
        public void Refuses_locations_outside_the_endpoint(string value)
        {
            var error = Assert.Throws<CpException>(() => OperationLocation.Resolve(value, Endpoint, "2017-10-31"));
            Assert.Equal(CpErrorKind.UntrustedLocation, error.Kind);
        }

        [Fact]
        public void Builds_the_address_of_an_operation_known_by_id()
        {
            Assert.Equal(
                "https://cloudpartner.azure.com/api/publishers/contoso/offers/vm/operations/56615b67-2185-49fe-80d2-c4ddf77bb2e8?api-version=2017-10-31",
                OperationLocation.ForOperation(Endpoint, "2017-10-31", "contoso", "vm", "56615b67-2185-49fe-80d2-c4ddf77bb2e8").Uri.OriginalString);
            Assert.Equal(
                "https://cloudpartner.azure.com/api/operations/contoso$vm$3$production?api-version=2017-10-31",
                OperationLocation.ForOperation(Endpoint, "2017-10-31", "contoso", "vm", "contoso$vm$3$production").Uri.OriginalString);
        }

        [Theory]
        [InlineData("https://cloudpartner.azure.com", true)]
        [InlineData("https://localhost:5001", true)]
        [InlineData("http://127.0.0.1:5080", true)]
        [InlineData("http://127.8.9.10:5080", true)]
        [InlineData("http://[::1]:5080", true)]
        [InlineData("http://localhost:5080", true)]
        [InlineData("http://cloudpartner.azure.com", false)]
        [InlineData("http://10.0.0.5:5080", false)]
        [InlineData("http://192.168.1.2", false)]
        [InlineData("ftp://cloudpartner.azure.com", false)]
        [InlineData("https://user:pass@cloudpartner.azure.com", false)]
        public void Accepts_https_and_loopback_http_endpoints_only(string endpoint, bool accepted)
        {
            if (accepted)
            {
                Assert.Equal(new Uri(endpoint).GetLeftPart(UriPartial.Authority) + "/", EndpointPolicy.ValidateEndpoint(new Uri(endpoint)).ToString());
            }
            else
            {
                Assert.Equal(CpErrorKind.InvalidArgument, Assert.Throws<CpException>(() => EndpointPolicy.ValidateEndpoint(new Uri(endpoint))).Kind);
            }
        }

        [Fact]
        public async Task The_token_is_never_sent_to_another_host()
        {
            await using var rig = await EmulatorRig.StartAsync();
            await using var other = await EmulatorRig.StartAsync();
            var connection = rig.Connect();
            var foreign = new Uri(other.BaseAddress, "/api/publishers?api-version=2017-10-31").ToString();

            var error = await Assert.ThrowsAsync<CpException>(() => connection.SendAsync(Http.ApiRequest.Create(System.Net.Http.HttpMethod.Get, foreign), null, default));

            Assert.Equal(CpErrorKind.UntrustedLocation, error.Kind);
            Assert.Empty(await other.RequestsAsync());
        }
    }
}
