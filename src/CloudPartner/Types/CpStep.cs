using System.Linq;
using CloudPartner.Engine.Models;

namespace CloudPartner
{
    /// <summary>One step of a publishing operation (validation, certification, provisioning, packaging, sign-off, live).</summary>
    public sealed class CpStep
    {
        internal CpStep(StepInfo step)
        {
            Id = step.Id;
            StepName = step.StepName;
            Description = step.Description;
            Status = step.Status;
            EstimatedTimeFrame = step.EstimatedTimeFrame;
            ProgressPercentage = step.ProgressPercentage;
            Messages = step.Messages.Select(m => new CpMessage(m)).ToArray();
        }

        public string? Id { get; }

        public string? StepName { get; }

        public string? Description { get; }

        public string? Status { get; }

        public string? EstimatedTimeFrame { get; }

        public int? ProgressPercentage { get; }

        public CpMessage[] Messages { get; }

        public override string ToString() => $"{StepName ?? Id}: {Status}";
    }
}
