using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using CloudPartner.Emulator;
using CloudPartner.Engine.Cpp;
using CloudPartner.Engine.Auth;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Http;
using CloudPartner.Engine.Operations;

namespace CloudPartner.Engine.Tests
{
    /// <summary>
    /// One budget per command: a per-request timeout from the session, retries that nested look-ups share instead of
    /// multiplying, and -Timeout bounding requests in flight as well as polls.
    /// </summary>
    public class CommandBudgetTests
    {
        [Fact(Timeout = 60000)]
        public async Task A_server_that_never_answers_costs_the_session_timeout_per_attempt_and_says_so()
        {
            await using var dead = BlackHole.Start();
            using var connection = Connect(dead.BaseAddress, s =>
            {
                s.MaxRetries = 1;
                s.RequestTimeout = TimeSpan.FromSeconds(1);
            });
            var observer = new RecordingObserver();

            var error = await Assert.ThrowsAsync<CpException>(() => new PartnerApi(connection).GetPublishersAsync(observer, default));

            Assert.Equal(CpErrorKind.ServiceError, error.Kind);
            Assert.Contains("no answer within 1 s", error.Message);
            Assert.Equal(2, dead.Requests.Count);
            Assert.Contains(observer.WarningLines, l => l.Contains("(no answer within 1 s); retry 1 of 1"));
        }

        [Fact(Timeout = 60000)]
        public async Task A_publish_against_a_dead_endpoint_sends_at_most_MaxRetries_plus_one_requests_and_no_POST()
        {
            // The defect: a POST, then 5 look-ups of 5 attempts each, 26 requests at 100 s.
            await using var dead = BlackHole.Start();
            using var connection = Connect(dead.BaseAddress, s => s.RequestTimeout = TimeSpan.FromMilliseconds(300));

            var error = await Assert.ThrowsAsync<CpException>(() => new PartnerApi(connection).StartOperationAsync("contoso", "contoso-app", OperationKind.Publish, null, null, default));

            Assert.Equal(CpErrorKind.ServiceError, error.Kind);
            Assert.InRange(dead.Requests.Count, 1, connection.Settings.MaxRetries + 1);
            Assert.DoesNotContain(dead.Requests, r => r.StartsWith("POST ", StringComparison.Ordinal));
        }

        [Fact]
        public async Task Look_ups_after_a_lost_POST_share_the_command_retries()
        {
            const string publish = "/api/publishers/contoso/offers/contoso-app/publish";
            const string submissions = "/api/publishers/contoso/offers/contoso-app/submissions";
            await using var rig = await EmulatorRig.StartAsync(o =>
            {
                o.Faults.Add(new FaultRule { Kind = FaultKind.Status, Method = "POST", Path = publish, Phase = FaultPhase.After, Count = 1 });
                o.Faults.Add(new FaultRule { Kind = FaultKind.Status, Method = "GET", Path = submissions, Skip = 1 });
            });
            var api = rig.Api();

            var error = await Assert.ThrowsAsync<CpException>(() => api.StartOperationAsync("contoso", "contoso-app", OperationKind.Publish, null, null, default));

            Assert.True(error.OutcomeUnknown);
            Assert.Equal(1, await RetryTests.CountAsync(rig, publish));

            // One read before the POST; then the look-up: its first attempt and the four retries the command has, in all.
            Assert.Equal(1 + 1 + api.Connection.Settings.MaxRetries, await RetryTests.CountAsync(rig, submissions));
        }

        [Fact(Timeout = 60000)]
        public async Task A_wait_ends_at_its_timeout_even_while_a_poll_gets_no_answer()
        {
            // The defect: Wait-CpOperation -Timeout 00:00:05 took 200 s against a server that never answers.
            await using var dead = BlackHole.Start();
            using var connection = Connect(dead.BaseAddress, s => s.RequestTimeout = TimeSpan.FromMinutes(5));
            var api = new PartnerApi(connection);
            var operation = new Models.OperationInfo
            {
                Id = "4a9e9ad0-8a86-4c07-9c21-3b1d5a7f2f5e",
                PublisherId = "contoso",
                OfferId = "contoso-app",
                Location = api.LocationOf("contoso", "contoso-app", "4a9e9ad0-8a86-4c07-9c21-3b1d5a7f2f5e"),
            };

            var result = await new OperationWaiter(api).WaitAsync(operation, new WaitOptions { PollingInterval = TimeSpan.FromMilliseconds(100), Timeout = TimeSpan.FromSeconds(1), RefreshFirst = true }, null, null, default);

            Assert.Equal(WaitOutcome.TimedOut, result.Outcome);
            Assert.Equal(1, result.Polls);
        }

        [Fact(Timeout = 60000)]
        public async Task A_request_in_flight_ends_at_the_command_deadline()
        {
            await using var dead = BlackHole.Start();
            using var connection = Connect(dead.BaseAddress, s => s.RequestTimeout = TimeSpan.FromMinutes(5));
            var context = new CommandContext(null, DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1));

            var error = await Assert.ThrowsAsync<CpException>(() => new PartnerApi(connection).StartOperationAsync("contoso", "contoso-app", OperationKind.Publish, null, context, default));

            Assert.Equal(CpErrorKind.OperationTimeout, error.Kind);
            Assert.Contains("-Timeout ran out", error.Message);
            Assert.False(error.OutcomeUnknown);
        }

        [Theory]
        [InlineData(1)]
        [InlineData(3650)]
        public void A_huge_timeout_means_no_limit_and_a_huge_polling_interval_is_refused(int days)
        {
            var options = new WaitOptions { Timeout = TimeSpan.MaxValue };
            options.Validate();
            Assert.Null(options.DeadlineFrom(DateTimeOffset.UtcNow));
            Assert.NotNull(new WaitOptions { Timeout = TimeSpan.FromDays(days) }.DeadlineFrom(DateTimeOffset.UtcNow));

            var error = Assert.Throws<CpException>(() => new WaitOptions { PollingInterval = TimeSpan.FromDays(60) }.Validate());
            Assert.Equal(CpErrorKind.InvalidArgument, error.Kind);
        }

        private static ApiConnection Connect(Uri endpoint, Action<ConnectionSettings> configure)
        {
            var settings = new ConnectionSettings { Endpoint = endpoint, PublisherId = "contoso", MaxRetries = 4 };
            configure(settings);
            return new ApiConnection(settings, new StaticTokenProvider(EmulatorRig.Token), retryPolicy: new RetryPolicy(settings.MaxRetries, baseDelay: TimeSpan.FromMilliseconds(1), seed: 7));
        }

        /// <summary>A loopback server that accepts connections, reads each request line, and never answers.</summary>
        private sealed class BlackHole : IAsyncDisposable
        {
            private readonly TcpListener listener;
            private readonly CancellationTokenSource stop = new CancellationTokenSource();
            private readonly List<TcpClient> held = new List<TcpClient>();
            private readonly List<string> requests = new List<string>();

            private BlackHole(TcpListener listener)
            {
                this.listener = listener;
            }

            public Uri BaseAddress => new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");

            public IReadOnlyList<string> Requests
            {
                get
                {
                    lock (requests)
                    {
                        return requests.ToList();
                    }
                }
            }

            public static BlackHole Start()
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var hole = new BlackHole(listener);
                _ = hole.AcceptAsync();
                return hole;
            }

            public ValueTask DisposeAsync()
            {
                stop.Cancel();
                listener.Stop();
                lock (held)
                {
                    held.ForEach(c => c.Dispose());
                }

                return default;
            }

            private async Task AcceptAsync()
            {
                while (!stop.IsCancellationRequested)
                {
                    TcpClient client;
                    try
                    {
                        client = await listener.AcceptTcpClientAsync(stop.Token);
                    }
                    catch (Exception)
                    {
                        return;
                    }

                    lock (held)
                    {
                        held.Add(client);
                    }

                    _ = ReadRequestLinesAsync(client);
                }
            }

            private async Task ReadRequestLinesAsync(TcpClient client)
            {
                try
                {
                    using var reader = new StreamReader(client.GetStream());
                    string? line;
                    var atStart = true;
                    while ((line = await reader.ReadLineAsync(stop.Token)) != null)
                    {
                        if (atStart && line.Length > 0)
                        {
                            lock (requests)
                            {
                                requests.Add(line);
                            }
                        }

                        atStart = line.Length == 0;
                    }
                }
                catch (Exception)
                {
                    // The client gave up on the connection; that is the point.
                }
            }
        }
    }
}
