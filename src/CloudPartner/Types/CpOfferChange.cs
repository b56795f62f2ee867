using CloudPartner.Engine.Offers;
using CloudPartner.Infrastructure;

namespace CloudPartner
{
    /// <summary>What kind of difference a <see cref="CpOfferChange"/> is.</summary>
    public enum CpChangeKind
    {
        Added,
        Removed,
        Modified,
    }

    /// <summary>
    /// One difference between two offer documents: where (a JSON Pointer into the document compared), what kind, and
    /// the value on each side as PowerShell objects (null where absent).
    /// </summary>
    public sealed class CpOfferChange
    {
        internal CpOfferChange(string offerId, OfferChange change)
        {
            OfferId = offerId;
            Path = change.Path;
            Change = Types.Convert(change.Kind);
            Before = change.Before is null ? null : PSJson.ToPSObject(change.Before.DeepClone());
            After = change.After is null ? null : PSJson.ToPSObject(change.After.DeepClone());
        }

        public string OfferId { get; }

        /// <summary>A JSON Pointer: <c>/definition/plans/1/planId</c>. An array index is the element's index in the
        /// difference document (Added, Modified) or in the reference document (Removed).</summary>
        public string Path { get; }

        public CpChangeKind Change { get; }

        /// <summary>The reference document's value (null for Added).</summary>
        public object? Before { get; }

        /// <summary>The difference document's value (null for Removed).</summary>
        public object? After { get; }

        public override string ToString() => $"{Change} {Path}";
    }

    /// <summary>What comparing one offer comes to: counts by kind, and the paths changed (their first two segments).</summary>
    public sealed class CpOfferChangeSummary
    {
        internal CpOfferChangeSummary(string offerId, OfferChangeSummary summary)
        {
            OfferId = offerId;
            Added = summary.Added;
            Removed = summary.Removed;
            Modified = summary.Modified;
            Paths = new string[summary.Areas.Count];
            for (var i = 0; i < Paths.Length; i++)
            {
                Paths[i] = summary.Areas[i];
            }

            Description = summary.Describe();
        }

        public string OfferId { get; }

        public int Added { get; }

        public int Removed { get; }

        public int Modified { get; }

        public string[] Paths { get; }

        private string Description { get; }

        public override string ToString() => $"{OfferId}: {Description}";
    }
}
