using System;
using System.Threading;
using System.Threading.Tasks;
using CloudPartner.Engine.Errors;

namespace CloudPartner.Engine.Http
{
    /// <summary>
    /// The send-once-or-adopt rule, for every API client: a request that must not be repeated blindly (a POST that
    /// starts something, a PUT that creates or conditionally updates) is, when its outcome is unknown, repeated only
    /// after a look-up says it took no effect; what the look-up finds is adopted instead.
    /// </summary>
    internal sealed class SendOnceOrAdopt
    {
        private readonly ApiConnection connection;

        public SendOnceOrAdopt(ApiConnection connection)
        {
            this.connection = connection ?? throw new ArgumentNullException(nameof(connection));
        }

        /// <summary>
        /// The one place for requests that must not be repeated blindly (a POST that starts an operation, a PUT that
        /// creates or conditionally updates an offer). When the outcome of <paramref name="send"/> is unknown,
        /// <paramref name="lookUp"/> checks whether it took effect; only when it did not is the request sent again, after
        /// a backoff. The request, its repeats and the look-ups share one budget of the session's MaxRetries, so a dead
        /// endpoint costs a handful of requests, not MaxRetries squared; the command's deadline bounds them all.
        /// <paramref name="send"/> is told whether it is a repeat.
        /// </summary>
        public async Task<T> RunAsync<T>(
            string what,
            Func<CommandContext, bool, Task<T>> send,
            Func<CommandContext, Task<T?>> lookUp,
            Func<T, string> describe,
            CommandContext context,
            CancellationToken cancellationToken)
            where T : class
        {
            var exchange = context.WithSharedRetries(connection.Settings.MaxRetries);
            var retries = exchange.SharedRetries!;
            var sent = 0;
            while (true)
            {
                CpException unknown;
                try
                {
                    return await send(exchange, sent > 0).ConfigureAwait(false);
                }
                catch (CpException e) when (e.OutcomeUnknown && e.Kind != CpErrorKind.OperationTimeout)
                {
                    unknown = e;
                }

                sent++;
                exchange.Observer.Verbose($"The outcome of {what} is unknown ({unknown.Message}); checking whether it took effect before sending it again.");
                var found = await LookUpAsync(what, $"its outcome is unknown: {unknown.Message}", () => lookUp(exchange), unknown, exchange, cancellationToken).ConfigureAwait(false);
                if (found != null)
                {
                    exchange.Observer.Verbose($"It did: {describe(found)}; not sending {what} again.");
                    return found;
                }

                if (!retries.TryTake())
                {
                    throw new CpException(
                        unknown.Kind,
                        $"{unknown.Message} It did not take effect (checked), and the {retries.Total} retries the command may make are used up.",
                        "Nothing was started or changed. Run the command again when the service answers.",
                        unknown)
                    {
                        StatusCode = unknown.StatusCode,
                        HttpMethod = unknown.HttpMethod,
                        RequestUri = unknown.RequestUri,
                    };
                }

                var wait = connection.RetryPolicy.DelayFor(sent, null, connection.Clock());
                exchange.Observer.Verbose($"It did not; sending {what} again in {wait.TotalSeconds:0.##} s (retry {retries.Used} of {retries.Total}).");
                await connection.DelayAsync(wait, cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// Runs <paramref name="lookUp"/>, trying again after transient failures while the exchange's shared retries
        /// last; <paramref name="why"/> says why it is needed.
        /// </summary>
        public async Task<T?> LookUpAsync<T>(string what, string why, Func<Task<T?>> lookUp, CpException? cause, CommandContext exchange, CancellationToken cancellationToken)
            where T : class
        {
            for (var tries = 1; ; tries++)
            {
                try
                {
                    return await lookUp().ConfigureAwait(false);
                }
                catch (CpException e) when (e.IsTransient && (exchange.SharedRetries?.TryTake() ?? tries <= connection.Settings.MaxRetries))
                {
                    var wait = connection.RetryPolicy.DelayFor(tries, null, connection.Clock());
                    exchange.Observer.Verbose($"Checking whether {what} took effect failed ({e.Message}); checking again in {wait.TotalSeconds:0.##} s.");
                    await connection.DelayAsync(wait, cancellationToken).ConfigureAwait(false);
                }
                catch (CpException e) when (e.IsTransient || e.Kind == CpErrorKind.OperationTimeout)
                {
                    throw new CpException(
                        e.Kind,
                        $"Checking whether {what} took effect failed ({why}): {e.Message}",
                        "It may have taken effect: check with Get-CpOperation (or Get-CpOffer) before repeating it.",
                        e)
                    {
                        StatusCode = e.StatusCode,
                        HttpMethod = cause?.HttpMethod ?? e.HttpMethod,
                        RequestUri = cause?.RequestUri ?? e.RequestUri,
                        OutcomeUnknown = true,
                    };
                }
            }
        }
    }
}
