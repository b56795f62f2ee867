using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Threading;
using System.Threading.Tasks;

namespace CloudPartner.Infrastructure
{
    /// <summary>
    /// Completes -OfferId from the default session's offers, cached for a minute; never holds the prompt more than 2 s.
    /// </summary>
    internal sealed class OfferIdCompleter : IArgumentCompleter
    {
        private static readonly TimeSpan CacheLifetime = TimeSpan.FromMinutes(1);
        private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(2);
        private static readonly object Gate = new object();
        private static (string Key, DateTimeOffset At, string[] Ids)? cache;

        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var session = fakeBoundParameters["Session"] as CpSession ?? (fakeBoundParameters["Session"] as PSObject)?.BaseObject as CpSession ?? SessionRegistry.Default;
            var publisher = fakeBoundParameters["PublisherId"] as string ?? session?.PublisherId;
            if (session is null || string.IsNullOrEmpty(publisher))
            {
                return Enumerable.Empty<CompletionResult>();
            }

            var pattern = WildcardPattern.Get((wordToComplete ?? string.Empty).Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
            return OfferIds(session, publisher!)
                .Where(id => pattern.IsMatch(id))
                .Select(id => new CompletionResult(id, id, CompletionResultType.ParameterValue, id));
        }

        private static string[] OfferIds(CpSession session, string publisher)
        {
            var key = session.Endpoint + "|" + publisher;
            lock (Gate)
            {
                if (cache.HasValue && cache.Value.Key == key && DateTimeOffset.UtcNow - cache.Value.At < CacheLifetime)
                {
                    return cache.Value.Ids;
                }
            }

            using var timeout = new CancellationTokenSource(MaxWait);
            try
            {
                var task = Task.Run(() => session.Api.ListOffersAsync(publisher, null, null, timeout.Token), timeout.Token);
                if (!task.Wait(MaxWait))
                {
                    return Array.Empty<string>();
                }

                var ids = task.Result.Select(o => o.Id).Where(id => !string.IsNullOrEmpty(id)).Select(id => id!).OrderBy(id => id, StringComparer.OrdinalIgnoreCase).ToArray();
                lock (Gate)
                {
                    cache = (key, DateTimeOffset.UtcNow, ids);
                }

                return ids;
            }
            catch (AggregateException)
            {
                return Array.Empty<string>();
            }
            catch (OperationCanceledException)
            {
                return Array.Empty<string>();
            }
        }
    }
}
