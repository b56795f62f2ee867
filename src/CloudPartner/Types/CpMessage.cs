using System;
using CloudPartner.Engine.Models;

namespace CloudPartner
{
    /// <summary>A message on an offer, operation or step. MessageHtml is the service's HTML.</summary>
    public sealed class CpMessage
    {
        internal CpMessage(MessageInfo message)
        {
            MessageHtml = message.MessageHtml;
            Level = message.Level;
            Timestamp = message.Timestamp;
        }

        public string? MessageHtml { get; }

        public string? Level { get; }

        public DateTimeOffset? Timestamp { get; }

        public override string ToString() => $"[{Level}] {Html.ToText(MessageHtml)}";
    }
}
