using System.Management.Automation;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Security;

namespace CloudPartner.Infrastructure
{
    /// <summary>An -OfferId with wildcards, checked before any request is sent.</summary>
    internal static class OfferIdPattern
    {
        /// <summary>The pattern, or null when <paramref name="offerId"/> is empty; CpInvalidArgument when it cannot be a pattern.</summary>
        public static WildcardPattern? Parse(string? offerId)
        {
            if (string.IsNullOrEmpty(offerId))
            {
                return null;
            }

            var pattern = WildcardPattern.Get(offerId, WildcardOptions.IgnoreCase);
            try
            {
                // WildcardPattern parses on first use: use it once now, on nothing.
                pattern.IsMatch(string.Empty);
            }
            catch (WildcardPatternException e)
            {
                throw new CpException(
                    CpErrorKind.InvalidArgument,
                    $"-OfferId '{Ids.Printable(offerId!)}' is not a valid wildcard pattern: {e.Message}",
                    "Escape a literal [ or ] with a backtick (`[), or give the exact offer id.");
            }

            return pattern;
        }
    }
}
