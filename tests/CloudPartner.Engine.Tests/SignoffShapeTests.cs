using System;
using System.Threading.Tasks;
using CloudPartner.Emulator;
using CloudPartner.Engine.Cpp;
using CloudPartner.Engine.Models;
using CloudPartner.Engine.Operations;

namespace CloudPartner.Engine.Tests
{
    /// <summary>
    /// Sources disagree on how publisher sign-off shows: the offer's status, or a running offer whose publisher-signoff
    /// step waits. The module detects it either way, over real HTTP against the emulator in each shape.
    /// </summary>
    public class SignoffShapeTests
    {
        [Theory]
        [InlineData(SignoffShape.Status, "waitingForPublisherReview", "Publisher signoff")]
        [InlineData(SignoffShape.Step, "running", "publisher-signoff")]
        public async Task A_publish_wait_and_the_offer_status_see_sign_off_in_either_shape(SignoffShape shape, string offerStatus, string stepName)
        {
            await using var rig = await EmulatorRig.StartAsync(o =>
            {
                o.Clock = new ManualClock(new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero));
                o.Settings = o.Settings with { SignoffShape = shape };
            });
            var api = rig.SimulatedApi();
            var publish = await api.StartOperationAsync("contoso", "contoso-app", OperationKind.Publish, null, null, default);

            var result = await new OperationWaiter(api).WaitAsync(publish, new WaitOptions { PollingInterval = TimeSpan.FromHours(6) }, null, null, default);
            var status = await api.GetOfferStatusAsync("contoso", "contoso-app", null, default);

            Assert.Equal(WaitOutcome.Completed, result.Outcome);
            Assert.Equal(OperationState.WaitingForPublisherReview, result.Operation.State);
            Assert.Equal(offerStatus, status.Status);
            Assert.Equal(OperationState.WaitingForPublisherReview, status.State);
            Assert.Contains(status.Steps, s => s.Id == "publisher-signoff" && s.StepName == stepName && s.Status == "waitingForPublisherReview");
        }
    }
}
