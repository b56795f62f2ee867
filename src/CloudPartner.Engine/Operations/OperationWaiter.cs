using System;
using System.Threading;
using System.Threading.Tasks;
using CloudPartner.Engine.Cpp;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Http;
using CloudPartner.Engine.Models;

namespace CloudPartner.Engine.Operations
{
    internal sealed class WaitOptions
    {
        public static readonly TimeSpan DefaultPollingInterval = TimeSpan.FromSeconds(60);

        /// <summary>Shorter intervals would hammer the service (and are almost always a unit mistake).</summary>
        public static readonly TimeSpan MinimumPollingInterval = TimeSpan.FromMilliseconds(10);

        /// <summary>Longer intervals would miss a whole step of certification (and are almost always a unit mistake).</summary>
        public static readonly TimeSpan MaximumPollingInterval = TimeSpan.FromDays(1);

        /// <summary>A -Timeout this long or longer means no limit (a deadline that far out cannot be represented).</summary>
        public static readonly TimeSpan NoLimit = TimeSpan.FromDays(365 * 100);

        public TimeSpan PollingInterval { get; set; } = DefaultPollingInterval;

        /// <summary>Null waits as long as it takes.</summary>
        public TimeSpan? Timeout { get; set; }

        /// <summary>Read the operation again before the first interval (for an operation object that may be stale).</summary>
        public bool RefreshFirst { get; set; }

        /// <summary>The one check of -PollingInterval and -Timeout, made before anything is sent.</summary>
        public void Validate()
        {
            if (PollingInterval < MinimumPollingInterval || PollingInterval > MaximumPollingInterval)
            {
                throw new CpException(
                    CpErrorKind.InvalidArgument,
                    $"-PollingInterval is {PollingInterval}; it must be from {MinimumPollingInterval.TotalMilliseconds} ms to {MaximumPollingInterval.TotalHours} hours (a number is read as seconds: -PollingInterval 60).");
            }

            if (Timeout.HasValue && Timeout.Value < TimeSpan.Zero)
            {
                throw new CpException(CpErrorKind.InvalidArgument, "-Timeout must not be negative.");
            }
        }

        /// <summary>When a wait that starts at <paramref name="start"/> must end; null for no limit.</summary>
        public DateTimeOffset? DeadlineFrom(DateTimeOffset start)
        {
            return Timeout.HasValue && Timeout.Value < NoLimit ? start + Timeout.Value : (DateTimeOffset?)null;
        }
    }

    internal enum WaitOutcome
    {
        /// <summary>Succeeded, or a publish reached publisher sign-off.</summary>
        Completed,
        Failed,
        Canceled,
        TimedOut,
    }

    internal sealed class WaitResult
    {
        public WaitResult(OperationInfo operation, WaitOutcome outcome, int polls)
        {
            Operation = operation;
            Outcome = outcome;
            Polls = polls;
        }

        public OperationInfo Operation { get; }

        public WaitOutcome Outcome { get; }

        /// <summary>GETs of the operation made while waiting (retries inside one GET not counted).</summary>
        public int Polls { get; }
    }

    /// <summary>
    /// Polls one operation until it ends: a publish at publisher sign-off, anything else at a terminal state.
    /// The server's Retry-After wins over the interval; transient poll failures back off and go on.
    /// </summary>
    internal sealed class OperationWaiter
    {
        private readonly IOperationSource api;

        public OperationWaiter(IOperationSource api)
        {
            this.api = api ?? throw new ArgumentNullException(nameof(api));
        }

        /// <summary>True when waiting on <paramref name="operation"/> is over.</summary>
        public static bool IsDone(OperationInfo operation)
        {
            return operation.IsTerminal || (operation.IsPublish && operation.State == OperationState.WaitingForPublisherReview);
        }

        public async Task<WaitResult> WaitAsync(
            OperationInfo operation,
            WaitOptions options,
            Action<OperationInfo>? progress,
            CommandContext? context,
            CancellationToken cancellationToken)
        {
            if (!api.CanPoll(operation))
            {
                throw new CpException(CpErrorKind.InvalidArgument, "The operation has no location or job to poll; read it again with Get-CpOperation.");
            }

            options.Validate();
            var connection = api.Connection;
            var deadline = options.DeadlineFrom(connection.Clock());

            // Polls in flight end at the deadline too: a server that never answers cannot stretch the wait.
            var polling = new CommandContext(context?.Observer, deadline);
            var timedOut = false;
            var current = operation;
            var polls = 0;
            var failures = 0;
            string? lastStatus = null;
            // A possibly stale operation is read again before it is judged; the first read fails over like any poll.
            var pollNow = options.RefreshFirst;
            while (true)
            {
                if (pollNow)
                {
                    pollNow = false;
                    if (await PollAsync().ConfigureAwait(false))
                    {
                        continue;
                    }
                }

                if (timedOut)
                {
                    return new WaitResult(current, WaitOutcome.TimedOut, polls);
                }

                progress?.Invoke(current);
                var described = Describe(current);
                if (described != lastStatus)
                {
                    polling.Observer.Verbose($"Operation {current.Id} on offer {current.OfferId}: {described}.");
                    lastStatus = described;
                }

                if (IsDone(current))
                {
                    return new WaitResult(current, Outcome(current), polls);
                }

                var now = connection.Clock();
                if (deadline.HasValue && now >= deadline.Value)
                {
                    return new WaitResult(current, WaitOutcome.TimedOut, polls);
                }

                var wait = options.PollingInterval;
                if (current.RetryAfter.HasValue)
                {
                    // The server's Retry-After wins over the interval, up to the cap that applies to retries (or the
                    // interval, when that is longer): a server cannot make a wait sleep through the operation's end.
                    wait = current.RetryAfter.Value;
                    var longest = options.PollingInterval > connection.RetryPolicy.MaxRetryAfter ? options.PollingInterval : connection.RetryPolicy.MaxRetryAfter;
                    if (wait > longest)
                    {
                        polling.Observer.Verbose($"The service asked to poll operation {current.Id} again in {current.RetryAfter.Value}; polling in {longest} instead.");
                        wait = longest;
                    }
                }

                if (failures > 0)
                {
                    var backoff = connection.RetryPolicy.DelayFor(failures, null, now);
                    wait = backoff > wait ? backoff : wait;
                }

                if (deadline.HasValue && now + wait > deadline.Value)
                {
                    wait = deadline.Value - now;
                }

                await connection.DelayAsync(wait, cancellationToken).ConfigureAwait(false);
                await PollAsync().ConfigureAwait(false);
                if (timedOut)
                {
                    return new WaitResult(current, WaitOutcome.TimedOut, polls);
                }
            }

            // Reads the operation again; false when a transient failure left the last known state in place.
            async Task<bool> PollAsync()
            {
                try
                {
                    polls++;
                    var polled = await api.RefreshOperationAsync(current, polling, cancellationToken).ConfigureAwait(false);

                    // What an answer leaves out (submissionType is in no sample of the operation) is known from before.
                    polled.SubmissionType ??= current.SubmissionType;
                    current = polled;
                    failures = 0;
                    return true;
                }
                catch (CpException e) when (e.Kind == CpErrorKind.OperationTimeout)
                {
                    timedOut = true;
                    return false;
                }
                catch (CpException e) when (e.IsTransient)
                {
                    failures++;
                    polling.Observer.Verbose($"Polling operation {current.Id} failed ({e.Message}); still waiting, next poll after a backoff.");
                    return false;
                }
                catch (CpException e) when (e.Kind == CpErrorKind.Unauthorized)
                {
                    e.RecommendedAction = $"Connect again (Connect-CpAccount), then resume with: {api.ResumeCommand(current)}";
                    e.Target = current;
                    throw;
                }
            }
        }

        private static WaitOutcome Outcome(OperationInfo operation)
        {
            switch (operation.State)
            {
                case OperationState.Failed: return WaitOutcome.Failed;
                case OperationState.Canceled: return WaitOutcome.Canceled;
                default: return WaitOutcome.Completed;
            }
        }

        private static string Describe(OperationInfo operation)
        {
            var step = operation.CurrentStep;
            return $"{operation.State} ({operation.Status})" + (step is null ? string.Empty : $", step '{step.DisplayName}' {step.Status}");
        }

        /// <summary>The error that goes with a wait that did not succeed, carrying the failing step's messages as text.</summary>
        public static CpException ErrorFor(WaitResult result, TimeSpan? timeout)
        {
            var operation = result.Operation;
            var resume = $"Get-CpOperation -Location '{operation.Location}' | Wait-CpOperation";
            var what = $"The {operation.SubmissionType ?? "operation"} operation {operation.Id} on offer '{operation.OfferId}'";
            CpException error;
            switch (result.Outcome)
            {
                case WaitOutcome.Failed:
                    error = new CpException(CpErrorKind.OperationFailed, $"{what} failed: {operation.DescribeFailure()}");
                    break;
                case WaitOutcome.Canceled:
                    error = new CpException(CpErrorKind.OperationCanceled, $"{what} was canceled." + Suffix(operation.DescribeFailure()));
                    break;
                case WaitOutcome.TimedOut:
                    error = new CpException(
                        CpErrorKind.OperationTimeout,
                        $"{what} did not finish within {timeout}: it is {operation.State}" + (operation.CurrentStep is StepInfo step ? $", at step '{step.DisplayName}' ({step.EstimatedTimeFrame ?? "no estimate"})." : "."),
                        $"It is still running on the service. Resume waiting with: {resume}");
                    break;
                default:
                    throw new ArgumentException("The wait completed; there is no error.", nameof(result));
            }

            error.Target = operation;
            return error;
        }

        private static string Suffix(string text) => string.IsNullOrEmpty(text) ? string.Empty : " " + text;
    }
}
