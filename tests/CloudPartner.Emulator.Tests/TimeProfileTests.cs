using System;
using System.Linq;
using System.Threading.Tasks;
using Xunit;

namespace CloudPartner.Emulator.Tests
{
    /// <summary>
    /// A floor under scaled step durations: with a large time scale alone the first step ends in milliseconds, before a
    /// client's first back-off, so its retries would land in later steps than in production.
    /// </summary>
    public sealed class TimeProfileTests : EmulatorTest
    {
        protected override void Configure(EmulatorOptions options)
        {
            options.Settings = options.Settings with { TimeScale = 100000, MinimumStepSeconds = 10 };
        }

        [Fact]
        public async Task NoTimedStepIsShorterThanTheFloor()
        {
            var location = await Publish("contoso-vm", "{}");

            Clock.Advance(TimeSpan.FromSeconds(5));
            Assert.Equal("inProgress", (string?)(await GetLocation(location))["steps"]![0]!["status"]);

            Clock.Advance(TimeSpan.FromSeconds(6));
            var steps = (await GetLocation(location))["steps"]!.AsArray();
            Assert.Equal("complete", (string?)steps[0]!["status"]);
            Assert.Equal("inProgress", (string?)steps[1]!["status"]);
        }

        [Fact]
        public async Task TheFloorIsASettingOfTheCommandLineAndTheAdminEndpoint()
        {
            var options = Program.Parse(new[] { "--time-scale", "100000", "--minimum-step-seconds", "30" }, out _);
            Assert.Equal(30, options.Settings.MinimumStepSeconds);

            await Admin(System.Net.Http.HttpMethod.Put, "/_emulator/settings", "{\"minimumStepSeconds\": 12}");
            Assert.Equal(12, Server.State.Settings.MinimumStepSeconds);
            Assert.Equal(12, (double)(await Admin(System.Net.Http.HttpMethod.Get, "/_emulator/settings"))["minimumStepSeconds"]!);
        }
    }
}
