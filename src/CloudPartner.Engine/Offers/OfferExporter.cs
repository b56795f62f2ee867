using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using CloudPartner.Engine.Cpp;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Http;
using CloudPartner.Engine.Json;

namespace CloudPartner.Engine.Offers
{
    /// <summary>
    /// Reads offers concurrently, up to a limit, and writes each to its file as soon as it is read. Throttling is
    /// honoured by the session's pipeline, which holds every request back while the service asks it to wait. A failure
    /// for one offer is reported and the others go on.
    /// </summary>
    internal sealed class OfferExporter
    {
        public const int DefaultThrottleLimit = 8;

        private readonly Func<string, CommandContext, CancellationToken, Task<string>> read;
        private readonly Func<string, string, string> fileFor;

        /// <param name="read">The text of one offer as the API returns it.</param>
        /// <param name="fileFor">The file of an offer: (folder, offer id) → path.</param>
        private OfferExporter(Func<string, CommandContext, CancellationToken, Task<string>> read, Func<string, string, string> fileFor)
        {
            this.read = read;
            this.fileFor = fileFor;
        }

        /// <summary>CPP offers, one file per offer under the publisher's folder (<see cref="FileFor"/>).</summary>
        public static OfferExporter ForCpp(PartnerApi api, string publisherId, OfferSlot? slot)
        {
            return new OfferExporter(
                async (offerId, context, cancel) =>
                {
                    var offer = await api.GetOfferAsync(publisherId, offerId, null, slot, context, cancel).ConfigureAwait(false);
                    return offer.RawJson ?? LosslessJson.Write(offer.Document);
                },
                (folder, offerId) => FileFor(folder, publisherId, offerId));
        }

        /// <summary>Products, one file per product, <c>&lt;externalId&gt;.json</c>, holding its resource tree for the slot's target.</summary>
        public static OfferExporter ForProductIngestion(ProductIngestion.ProductIngestionApi api, OfferSlot? slot)
        {
            return new OfferExporter(
                async (offerId, context, cancel) => (await api.GetOfferAsync(offerId, slot, context, cancel).ConfigureAwait(false)).RawJson!,
                (folder, offerId) => Path.Combine(folder, offerId + ".json"));
        }

        /// <summary>Where an offer's file goes under <paramref name="folder"/>: <c>&lt;publisherId&gt;/&lt;offerId&gt;.json</c>.</summary>
        public static string FileFor(string folder, string publisherId, string offerId) =>
            Path.Combine(folder, publisherId, offerId + ".json");

        public async Task ExportAsync(
            IReadOnlyList<string> offerIds,
            string folder,
            int throttleLimit,
            Action<string, string> written,
            Action<string, CpException> failed,
            CommandContext context,
            CancellationToken cancellationToken)
        {
            if (throttleLimit < 1)
            {
                throw new CpException(CpErrorKind.InvalidArgument, "-ThrottleLimit must be 1 or more.");
            }

            // Reads overlap: none may be sent synchronously on the caller's thread, which would run them one by one.
            context = context.ForConcurrentWork();
            using var slots = new SemaphoreSlim(throttleLimit, throttleLimit);
            var work = offerIds.Select(async offerId =>
            {
                await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    var text = await read(offerId, context, cancellationToken).ConfigureAwait(false);
                    cancellationToken.ThrowIfCancellationRequested();
                    var path = fileFor(folder, offerId);
                    OfferFile.WriteAtomically(path, OfferFile.ToText(LosslessJson.Parse(text)!));
                    written(offerId, path);
                }
                catch (CpException e)
                {
                    failed(offerId, e);
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    failed(offerId, new CpException(CpErrorKind.InvalidArgument, $"Offer '{offerId}' could not be written under '{folder}': {e.Message}", "Check that the folder can be written to, then export again.", e));
                }
                finally
                {
                    slots.Release();
                }
            }).ToList();
            await Task.WhenAll(work).ConfigureAwait(false);
        }
    }
}
