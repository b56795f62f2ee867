using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Offers;
using CloudPartner.Engine.Security;
using CloudPartner.Infrastructure;

namespace CloudPartner.Commands
{
    /// <summary>
    /// Writes offers to files, one per offer (&lt;publisherId&gt;/&lt;offerId&gt;.json under -Path): the document exactly
    /// as the API returns it, as stable indented text, written atomically. Re-exporting an unchanged offer gives the same
    /// bytes, so a git repository of exports shows only real edits. Set-CpOffer -Path and Compare-CpOffer -ReferencePath
    /// read the files back.
    /// </summary>
    [Cmdlet(VerbsData.Export, "CpOffer")]
    [OutputType(typeof(FileInfo))]
    public sealed class ExportCpOfferCommand : CpApiCmdlet
    {
        private const int ProgressId = 1;

        /// <summary>The folder to write into; created when missing.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = string.Empty;

        /// <summary>The offers to export; wildcards select from the offers list (default: every offer).</summary>
        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("Id")]
        [ArgumentCompleter(typeof(OfferIdCompleter))]
        [ValidateNotNullOrEmpty]
        public string OfferId { get; set; } = "*";

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? PublisherId { get; set; }

        /// <summary>A slot instead of the editable document.</summary>
        [Parameter]
        public CpOfferSlot? Slot { get; set; }

        /// <summary>How many offers are read at once.</summary>
        [Parameter]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = OfferExporter.DefaultThrottleLimit;

        protected override void ProcessRecord()
        {
            var session = RequireSession();
            var productIngestion = ApiOf(session) == CpApi.ProductIngestion;
            if (productIngestion)
            {
                IgnorePublisherId();
            }

            var publisher = productIngestion ? string.Empty : RequirePublisherId(session, PublisherId);
            ForItem(OfferId, () =>
            {
                var folder = ResolveFolder();
                var pattern = OfferIdPattern.Parse(OfferId);
                IReadOnlyList<string> offerIds = !WildcardPattern.ContainsWildcardCharacters(OfferId) ? new[] { Ids.OfferId(OfferId) }
                    : productIngestion
                    ? Run((context, cancel) => session.ProductIngestion.ListProductsAsync(context, cancel))
                        .Select(Engine.ProductIngestion.ProductIngestionApi.ExternalIdOf).Where(id => pattern!.IsMatch(id)).ToList()
                    : Run((context, cancel) => session.Api.ListOffersAsync(publisher, null, context, cancel))
                        .Select(o => o.Id).Where(id => id != null && pattern!.IsMatch(id)).Select(id => id!).ToList();

                var done = 0;
                var activity = productIngestion ? $"Exporting {offerIds.Count} products to {folder}" : $"Exporting {offerIds.Count} offers of publisher '{publisher}' to {folder}";
                var exporter = productIngestion
                    ? OfferExporter.ForProductIngestion(session.ProductIngestion, Types.Convert(Slot))
                    : OfferExporter.ForCpp(session.Api, publisher, Types.Convert(Slot));
                try
                {
                    Run((context, cancel) => exporter.ExportAsync(
                        offerIds,
                        folder,
                        ThrottleLimit,
                        (offerId, file) => ActiveQueue!.Post(() =>
                        {
                            WriteObject(new FileInfo(file));
                            Progress(activity, ++done, offerIds.Count, offerId);
                        }),
                        (offerId, error) => ActiveQueue!.Post(() =>
                        {
                            WriteError(ErrorRecords.From(error, offerId, Redactor));
                            Progress(activity, ++done, offerIds.Count, offerId);
                        }),
                        context,
                        cancel));
                }
                finally
                {
                    WriteProgress(new ProgressRecord(ProgressId, activity, "Done") { RecordType = ProgressRecordType.Completed });
                }
            });
        }

        private void Progress(string activity, int done, int total, string offerId)
        {
            WriteProgress(new ProgressRecord(ProgressId, activity, $"{done} of {total}: {offerId}")
            {
                PercentComplete = total == 0 ? 100 : done * 100 / total,
            });
        }

        private string ResolveFolder()
        {
            var full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path, out var provider, out _);
            if (!string.Equals(provider.Name, "FileSystem", System.StringComparison.OrdinalIgnoreCase))
            {
                throw new CpException(CpErrorKind.InvalidArgument, $"-Path '{Ids.Printable(Path)}' is on the {provider.Name} provider; give a folder of the file system.");
            }

            if (File.Exists(full))
            {
                throw new CpException(CpErrorKind.InvalidArgument, $"-Path '{Ids.Printable(Path)}' is a file; give the folder to export into.");
            }

            return full;
        }
    }
}
