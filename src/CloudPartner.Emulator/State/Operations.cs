using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;

namespace CloudPartner.Emulator.State
{
    /// <summary>One publish or go-live operation. Its progress is not stored: it is computed from the clock at request
    /// time (<see cref="Evaluate"/>), so there are no background timers.</summary>
    internal sealed class OperationRecord
    {
        public const int StepCount = 6;
        public const int SignoffIndex = 4;
        public const int LiveIndex = 5;
        public const string CertificationError = "No virtual machine image was found for the plan contoso.";

        public OperationRecord(OfferRecord offer, bool isGoLive, long publishingVersion, long offerVersion, DateTimeOffset created, TimeSpan[] durations, string successWord)
        {
            Offer = offer;
            IsGoLive = isGoLive;
            PublishingVersion = publishingVersion;
            OfferVersion = offerVersion;
            Created = created;
            Durations = durations;
            SuccessWord = successWord;
        }

        public Guid Id { get; init; } = Guid.NewGuid();

        public OfferRecord Offer { get; }

        public bool IsGoLive { get; }

        public long PublishingVersion { get; }

        public long OfferVersion { get; }

        public DateTimeOffset Created { get; }

        /// <summary>Real-clock durations of the six steps (already divided by the time scale).</summary>
        public TimeSpan[] Durations { get; }

        public string SuccessWord { get; }

        public string? Emails { get; init; }

        public bool FailCertification { get; init; }

        public JsonObject? Snapshot { get; init; }

        /// <summary>The product's draft resources when the publish started (what preview shows on the Product Ingestion API).</summary>
        public JsonArray? Resources { get; init; }

        /// <summary>The number of the Product Ingestion submission this is (a go-live shares its publish's).</summary>
        public long SubmissionId { get; init; }

        public OperationRecord? PublishOperation { get; init; }

        public DateTimeOffset? CanceledAt { get; set; }

        public DateTimeOffset? SignedOffAt { get; set; }

        public bool PreviewApplied { get; set; }

        public bool LiveApplied { get; set; }

        public string SubmissionType => IsGoLive ? "golive" : "publish";

        /// <summary>Slot as the submissions list names it.</summary>
        public string Slot => IsGoLive ? "production" : "staging";

        /// <summary>Slot as the non-migrated Location names it.</summary>
        public string LegacySlot => IsGoLive ? "production" : "preview";

        public string LegacyId => $"{Offer.Publisher.Id}${Offer.OfferId}${PublishingVersion}${LegacySlot}";

        /// <summary>Start of each publish step (index 0..4) and, at index 4, when publisher signoff is reached.</summary>
        public DateTimeOffset[] PublishBoundaries()
        {
            var b = new DateTimeOffset[5];
            b[0] = Created;
            for (var i = 0; i < 4; i++)
            {
                b[i + 1] = b[i] + Durations[i];
            }

            return b;
        }

        public DateTimeOffset LiveEnd => Created + Durations[LiveIndex];

        public OperationView Evaluate(DateTimeOffset now)
        {
            return IsGoLive ? EvaluateGoLive(now) : EvaluatePublish(now);
        }

        private OperationView EvaluatePublish(DateTimeOffset now)
        {
            var b = PublishBoundaries();
            var view = new OperationView();
            DateTimeOffset? failAt = FailCertification ? b[1] : null;
            var t = now;
            if (failAt is { } f && f <= now && (CanceledAt is null || CanceledAt > f))
            {
                view.Status = "failed";
                view.ErrorCode = "CertificationFailed";
                view.ErrorMessage = CertificationError;
                t = f;
            }
            else if (CanceledAt is { } c)
            {
                view.Status = "canceled";
                t = c < now ? c : now;
            }
            else if (SignedOffAt is { } s)
            {
                view.Status = SuccessWord;
                t = s < now ? s : now;
            }
            else
            {
                view.Status = "running";
            }

            var failed = view.Status == "failed";
            var canceled = view.Status == "canceled";
            var last = Created;
            for (var i = 0; i < 4; i++)
            {
                var start = b[i];
                var end = b[i + 1];
                var step = view.Steps[i];
                if (failed && i == 1)
                {
                    step.Status = "blocked";
                    step.Messages.Add(new StepMessage(CertificationError, "error", failAt!.Value));
                    step.Messages.Add(new StepMessage("This step has not started yet.", "information", failAt.Value));
                    last = Max(last, failAt.Value);
                }
                else if (failed && i > 1)
                {
                    step.Status = "notStarted";
                }
                else if (t >= end)
                {
                    Complete(step, end);
                    last = Max(last, end);
                }
                else if (t >= start)
                {
                    step.Progress = Percent(t - start, end - start);
                    if (canceled)
                    {
                        step.Status = "canceled";
                        step.Messages.Add(new StepMessage("Step canceled.", "information", t));
                    }
                    else
                    {
                        step.Status = "inProgress";
                    }

                    last = Max(last, start);
                }
                else
                {
                    step.Status = canceled ? "canceled" : "notStarted";
                }
            }

            var signoff = view.Steps[SignoffIndex];
            var reached = !failed && t >= b[4];
            if (reached)
            {
                last = Max(last, b[4]);
                if (SignedOffAt is { } s)
                {
                    Complete(signoff, s);
                    last = Max(last, s);
                }
                else if (canceled)
                {
                    signoff.Status = "canceled";
                    signoff.Messages.Add(new StepMessage("Step canceled.", "information", t));
                }
                else
                {
                    signoff.Status = "waitingForPublisherReview";
                    view.WaitingForSignoff = true;
                }
            }
            else
            {
                signoff.Status = canceled ? "canceled" : "notStarted";
            }

            view.Steps[LiveIndex].Status = canceled ? "canceled" : "notStarted";
            if (canceled)
            {
                last = Max(last, t);
            }

            view.LastAction = last;
            view.Running = view.Status == "running";
            return view;
        }

        private OperationView EvaluateGoLive(DateTimeOffset now)
        {
            var view = new OperationView();
            var publish = PublishOperation!;
            var b = publish.PublishBoundaries();
            for (var i = 0; i < 4; i++)
            {
                Complete(view.Steps[i], b[i + 1]);
            }

            Complete(view.Steps[SignoffIndex], Created);
            var live = view.Steps[LiveIndex];
            var end = LiveEnd;
            if (CanceledAt is { } c)
            {
                view.Status = "canceled";
                live.Status = "canceled";
                live.Progress = Percent(c - Created, end - Created);
                live.Messages.Add(new StepMessage("Step canceled.", "information", c));
                view.LastAction = c;
            }
            else if (now >= end)
            {
                view.Status = SuccessWord;
                Complete(live, end);
                view.LastAction = end;
            }
            else
            {
                view.Status = "running";
                live.Status = "inProgress";
                live.Progress = Percent(now - Created, end - Created);
                view.LastAction = Created;
            }

            view.Running = view.Status == "running";
            return view;
        }

        private static void Complete(StepView step, DateTimeOffset at)
        {
            step.Status = "complete";
            step.Progress = 100;
            step.Messages.Add(new StepMessage("Step completed.", "information", at));
        }

        private static int Percent(TimeSpan elapsed, TimeSpan total)
        {
            if (total <= TimeSpan.Zero || elapsed <= TimeSpan.Zero)
            {
                return 0;
            }

            var percent = (int)Math.Floor(elapsed.Ticks * 100.0 / total.Ticks);
            return Math.Clamp(percent, 0, 99);
        }

        private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
    }

    internal sealed class OperationView
    {
        public OperationView()
        {
            Steps = new StepView[OperationRecord.StepCount];
            for (var i = 0; i < Steps.Length; i++)
            {
                Steps[i] = new StepView();
            }
        }

        public string Status { get; set; } = "running";

        public StepView[] Steps { get; }

        public DateTimeOffset LastAction { get; set; }

        public bool Running { get; set; }

        public bool WaitingForSignoff { get; set; }

        public string? ErrorCode { get; set; }

        public string? ErrorMessage { get; set; }
    }

    internal sealed class StepView
    {
        public string Status { get; set; } = "notStarted";

        public int Progress { get; set; }

        public List<StepMessage> Messages { get; } = new();
    }

    internal readonly record struct StepMessage(string Html, string Level, DateTimeOffset Timestamp);

    internal sealed record StepDefinition(string Id, string Name, string? EstimatedTimeFrame, string Description)
    {
        public static IReadOnlyList<StepDefinition> All { get; } = new[]
        {
            new StepDefinition(EmulatorSteps.ValidatePrerequisites, "Validate Pre-Requisites", "< 15 min", "Offer settings provided are validated."),
            new StepDefinition(EmulatorSteps.Certification, "Certification", "~2-3 days", "Your offer is analyzed by our certification systems for issues."),
            new StepDefinition(EmulatorSteps.Provisioning, "Provisioning", "< 1 day", "Your virtual machine is being replicated in our production systems."),
            new StepDefinition(EmulatorSteps.Packaging, "Packaging and Lead Generation Registration", "< 1 hour", "Your virtual machine is being packaged for customers. Additionally, lead systems are being configured and set up."),
            new StepDefinition(EmulatorSteps.PublisherSignoff, "Publisher signoff", null, "Offer is available to preview. Ensure that everything looks good before making your offer live."),
            new StepDefinition(EmulatorSteps.Live, "Live", "~2-5 days", "Offer is publicly visible and is available for purchase."),
        };
    }
}
