using System;
using System.Text.Json.Nodes;

namespace CloudPartner.Emulator.State
{
    /// <summary>What the clock has done to an offer: slots filled, status derived, the running operation found.</summary>
    internal sealed partial class OfferRecord
    {
        /// <summary>Applies what the clock says has happened (preview slot, go-live effects, offer status).</summary>
        public void Refresh(DateTimeOffset now, SignoffShape signoffShape)
        {
            var dirty = false;
            foreach (var op in Operations)
            {
                if (!op.IsGoLive && !op.PreviewApplied && op.Snapshot is not null)
                {
                    var signoffAt = op.PublishBoundaries()[OperationRecord.SignoffIndex];
                    if (op.FailCertification || (op.CanceledAt is { } c && c < signoffAt))
                    {
                        op.PreviewApplied = true;
                    }
                    else if (signoffAt <= now)
                    {
                        ShowInPreview(op.Snapshot, op.PublishingVersion);
                        op.PreviewApplied = true;
                    }
                }
                else if (op.IsGoLive && !op.LiveApplied)
                {
                    if (op.CanceledAt is not null)
                    {
                        op.LiveApplied = true;
                    }
                    else if (op.LiveEnd <= now)
                    {
                        MakeLive(op.PublishOperation?.Snapshot ?? Draft, op.PublishingVersion);
                        op.LiveApplied = true;
                        dirty = true;
                    }
                }
            }

            var status = DeriveStatus(now, signoffShape);
            if (!string.Equals(status, Status, StringComparison.Ordinal))
            {
                Status = status;
                dirty = true;
            }

            if (dirty)
            {
                Rebuild();
            }
        }

        /// <summary>Starts a publish of the draft (either API): the CPP document and the product's resources as they are now.</summary>
        public OperationRecord StartPublish(DateTimeOffset now, EmulatorSettings settings, long submissionId, string? emails)
        {
            var op = new OperationRecord(this, false, Version + 1, Version, now, settings.ScaledDurations(), settings.SuccessWord)
            {
                Emails = emails,
                FailCertification = FailCertification,
                Snapshot = (JsonObject)Draft.DeepClone(),
                Resources = (JsonArray)DraftResources.DeepClone(),
                SubmissionId = submissionId,
            };
            Operations.Add(op);
            Refresh(now, settings.SignoffShape);
            return op;
        }

        /// <summary>Signs off <paramref name="publish"/> (waiting at sign-off) and starts its go-live (either API).</summary>
        public OperationRecord StartGoLive(OperationRecord publish, DateTimeOffset now, EmulatorSettings settings)
        {
            publish.SignedOffAt = now;
            var op = new OperationRecord(this, true, publish.PublishingVersion, Version, now, settings.ScaledDurations(), settings.SuccessWord)
            {
                Emails = publish.Emails,
                PublishOperation = publish,
                SubmissionId = publish.SubmissionId,
            };
            Operations.Add(op);
            Refresh(now, settings.SignoffShape);
            return op;
        }

        /// <summary>The operation running now (at most one), or null.</summary>
        public OperationRecord? RunningOperation(DateTimeOffset now, out OperationView? view)
        {
            for (var i = Operations.Count - 1; i >= 0; i--)
            {
                var candidate = Operations[i].Evaluate(now);
                if (candidate.Running)
                {
                    view = candidate;
                    return Operations[i];
                }
            }

            view = null;
            return null;
        }

        private string DeriveStatus(DateTimeOffset now, SignoffShape signoffShape)
        {
            if (LatestOperation is not { } latest)
            {
                return BaseStatus;
            }

            var view = latest.Evaluate(now);
            return view.Status switch
            {
                "running" when view.WaitingForSignoff && signoffShape == SignoffShape.Status => "waitingForPublisherReview",
                "running" => "running",
                "failed" => "failed",
                "canceled" => "canceled",
                _ => "succeeded",
            };
        }
    }

    /// <summary>The operation a 202 cancel points at: it canceled <see cref="Canceled"/> when it was created.</summary>
    internal sealed record CancellationRecord(Guid Id, OperationRecord Canceled, DateTimeOffset Created, string? Emails);
}
