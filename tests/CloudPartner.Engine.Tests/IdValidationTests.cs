using System.Threading.Tasks;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Security;

namespace CloudPartner.Engine.Tests
{
    public class IdValidationTests
    {
        public static TheoryData<string> BadIds => new TheoryData<string>
        {
            "../x", "a/b", "x?y", "x#y", "x%2Fy", "", " ", "..", "-x", "x y", "x\ny", "x\u0000y", "caf\u00e9", "a\\b", new string('a', 300),
            "contoso-vm\n", "contoso-vm\r\n", "x\t", "x%", "x%41", "x\u202e", "\uff58", "x\u200b", "x\ud800", "x;y", "x&y=1", "\ncontoso-vm",
        };

        [Theory]
        [MemberData(nameof(BadIds))]
        public async Task Bad_offer_ids_are_rejected_before_any_request(string id)
        {
            await using var rig = await EmulatorRig.StartAsync();
            var api = rig.Api();

            var error = await Assert.ThrowsAsync<CpException>(() => api.GetOfferAsync("contoso", id, null, null, null, default));

            Assert.Equal(CpErrorKind.InvalidArgument, error.Kind);
            Assert.Contains("-OfferId", error.Message);
            Assert.Empty(await rig.RequestsAsync());
        }

        [Theory]
        [MemberData(nameof(BadIds))]
        public void Bad_publisher_ids_are_rejected(string id)
        {
            var error = Assert.Throws<CpException>(() => Ids.PublisherId(id));
            Assert.Contains("-PublisherId", error.Message);
        }

        [Theory]
        [InlineData("contoso")]
        [InlineData("test-vm")]
        [InlineData("059afc24-07de-4126-b004-4e42a51816fe")]
        [InlineData("contoso.vm_2")]
        public void Good_ids_pass_unchanged(string id)
        {
            Assert.Equal(id, Ids.OfferId(id));
        }

        [Theory]
        [InlineData("56615b67-2185-49fe-80d2-c4ddf77bb2e8", true)]
        [InlineData("contoso$contoso-offer$2$preview", true)]
        [InlineData("contoso$contoso-offer$x$preview", false)]
        [InlineData("contoso$contoso/offer$2$preview", false)]
        [InlineData("../56615b67", false)]
        [InlineData("56615b67-2185-49fe-80d2-c4ddf77bb2e8\n", false)]
        [InlineData("contoso$contoso-offer$2$preview\n", false)]
        [InlineData("contoso$contoso-offer$2$preview\u0000", false)]
        [InlineData("", false)]
        public void Operation_ids_are_a_guid_or_the_legacy_form(string id, bool valid)
        {
            if (valid)
            {
                Assert.Equal(id, Ids.OperationId(id));
            }
            else
            {
                Assert.Throws<CpException>(() => Ids.OperationId(id));
            }
        }

        [Fact]
        public void Control_characters_are_shown_visibly_in_messages()
        {
            var error = Assert.Throws<CpException>(() => Ids.OfferId("bad\u0007id"));
            Assert.Contains("\\u0007", error.Message);
        }
    }
}
