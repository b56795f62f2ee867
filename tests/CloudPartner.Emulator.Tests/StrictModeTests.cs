using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;

namespace CloudPartner.Emulator.Tests
{
    /// <summary>Strict mode: operations carry only the fields the documentation's samples show.</summary>
    public sealed class StrictModeTests : EmulatorTest
    {
        protected override void Configure(EmulatorOptions options) => options.Settings = options.Settings with { Strict = true };

        [Fact]
        public async Task AnOperationHasOnlyTheFieldsOfTheGetOperationSample()
        {
            var location = await Publish("contoso-vm", "{}");

            var op = (await GetLocation(location)).AsObject();

            Assert.Equal(
                new[] { "status", "messages", "publishingVersion", "offerVersion", "cancellationRequestState", "steps", "previewLinks", "liveLinks", "notificationEmails" },
                op.Select(p => p.Key).ToArray());
        }

        [Fact]
        public async Task AListItemHasOnlyTheFieldsOfTheListSample()
        {
            await Publish("contoso-vm", "{}");

            var item = (await GetJson(Offer("contoso-vm") + "/submissions")).AsArray()[0]!.AsObject();

            Assert.Equal(
                new[] { "id", "offerId", "offerVersion", "offerTypeId", "publisherId", "submissionType", "submissionState", "publishingVersion", "slot", "version", "definition", "changedTime" },
                item.Select(p => p.Key).ToArray());
        }

        [Fact]
        public async Task StrictModeIsASettingOfTheAdminEndpoint()
        {
            Assert.True(Server.State.Settings.Strict);
            var settings = await Admin(System.Net.Http.HttpMethod.Get, "/_emulator/settings");
            Assert.True((bool)settings["strict"]!);
        }

        [Fact]
        public async Task TheSignoffShapeIsASettingOfTheCommandLineAndTheAdminEndpoint()
        {
            Assert.Equal(SignoffShape.Step, Program.Parse(new[] { "--signoff-shape", "step" }, out _).Settings.SignoffShape);
            Assert.Throws<System.ArgumentException>(() => Program.Parse(new[] { "--signoff-shape", "both" }, out _));

            await Admin(System.Net.Http.HttpMethod.Put, "/_emulator/settings", "{\"signoffShape\": \"step\"}");
            Assert.Equal(SignoffShape.Step, Server.State.Settings.SignoffShape);
            Assert.Equal("step", (string?)(await Admin(System.Net.Http.HttpMethod.Get, "/_emulator/settings"))["signoffShape"]);
        }
    }
}
