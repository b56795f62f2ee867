using System.Collections.Generic;

namespace CloudPartner.Engine.Models
{
    internal sealed class StepInfo
    {
        public string? Id { get; set; }

        public string? StepName { get; set; }

        public string? Description { get; set; }

        public string? Status { get; set; }

        /// <summary>Free text such as "&lt; 15 min"; absent on some steps.</summary>
        public string? EstimatedTimeFrame { get; set; }

        public int? ProgressPercentage { get; set; }

        public IReadOnlyList<MessageInfo> Messages { get; set; } = new MessageInfo[0];

        /// <summary>The name to show: stepName, else id.</summary>
        public string DisplayName => StepName ?? Id ?? "(unnamed step)";
    }

    internal sealed class MessageInfo
    {
        public string? MessageHtml { get; set; }

        public string? Level { get; set; }

        public System.DateTimeOffset? Timestamp { get; set; }

        /// <summary>The message as plain text: tags removed, entities decoded, nothing a terminal would act on.</summary>
        public string Text => Security.Ids.Visible(Html.ToText(MessageHtml));
    }
}
