using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using CloudPartner.Emulator.Admin;
using CloudPartner.Emulator.Cpp;
using CloudPartner.Emulator.Hosting;
using CloudPartner.Emulator.Http;
using CloudPartner.Emulator.OAuth;
using CloudPartner.Emulator.ProductIngestion;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CloudPartner.Emulator
{
    /// <summary>A running emulator on loopback: the CPP API, the Product Ingestion API, their identity provider and the admin endpoint, each a route group. Start one with <see cref="StartAsync"/>, dispose it to stop.</summary>
    public sealed class EmulatorServer : IAsyncDisposable
    {
        private readonly WebApplication app;
        private int disposed;

        private EmulatorServer(WebApplication app, EmulatorState state, Uri baseAddress, ManualClock? manualClock)
        {
            this.app = app;
            State = state;
            BaseAddress = baseAddress;
            ManualClock = manualClock;
        }

        /// <summary>The root of the emulator, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
        public Uri BaseAddress { get; }

        /// <summary>The identity provider's https root (the OAuth authority host), e.g. <c>https://127.0.0.1:41235/</c>.</summary>
        public Uri OAuthAuthority => State.OAuth.Authority!;

        /// <summary>The self-signed certificate of the https listener: trust it by its thumbprint, for loopback only.</summary>
        public X509Certificate2 OAuthCertificate => State.OAuth.Certificate!;

        /// <summary>State and configuration (same powers as the admin endpoint).</summary>
        public EmulatorState State { get; }

        /// <summary>The clock given in the options when it is a <see cref="Emulator.ManualClock"/>.</summary>
        public ManualClock? ManualClock { get; }

        internal CancellationToken Stopping => app.Lifetime.ApplicationStopping;

        /// <summary>Starts an emulator. Default address <c>http://127.0.0.1:0</c> (a free port; read it back from
        /// <see cref="BaseAddress"/>). Throws <see cref="ArgumentException"/> for a non-loopback or non-http URL.</summary>
        public static async Task<EmulatorServer> StartAsync(EmulatorOptions? options = null, CancellationToken cancellationToken = default)
        {
            options ??= new EmulatorOptions();
            var addresses = ListenAddress.ParseList(options.Urls);
            if (options.OAuthPort is < 0 or > 65535)
            {
                throw new ArgumentException($"Invalid OAuth port {options.OAuthPort}.");
            }

            var state = new EmulatorState(options);
            var certificate = LoopbackCertificate.Create();

            var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
            {
                ApplicationName = typeof(EmulatorServer).Assembly.GetName().Name,
            });
            builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
            {
                kestrel.AddServerHeader = false;
                foreach (var address in addresses)
                {
                    if (address.Localhost)
                    {
                        kestrel.ListenLocalhost(address.Port);
                    }
                    else
                    {
                        kestrel.Listen(address.Address!, address.Port);
                    }
                }

                // The identity provider: MSAL insists on https for an authority, so it gets its own loopback listener.
                kestrel.Listen(IPAddress.Loopback, options.OAuthPort, listen => listen.UseHttps(certificate));
            });
            builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(2));
            if (options.Logging)
            {
                builder.Logging.AddSimpleConsole(console => console.SingleLine = true);
                builder.Logging.SetMinimumLevel(LogLevel.Information);
            }

            builder.Services.AddRouting();
            var app = builder.Build();
            var traffic = new EmulatorTraffic(state, app.Lifetime.ApplicationStopping);
            app.UseRouting();
            app.Use(traffic.InvokeAsync);
            new CppApi(state).Map(app);
            new ProductIngestionApi(state).Map(app);
            new AdminApi(state).Map(app);
            new IdentityApi(state).Map(app);
            try
            {
                await app.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await app.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? new List<string>();
            var http = bound.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
                ?? throw new InvalidOperationException("The emulator did not report its listen address.");
            var https = bound.FirstOrDefault(a => a.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
                ?? throw new InvalidOperationException("The emulator did not report its https (OAuth) listen address.");
            var baseAddress = new Uri(http.Replace("://localhost:", "://127.0.0.1:", StringComparison.OrdinalIgnoreCase).TrimEnd('/') + "/");
            state.OAuth.Authority = new Uri(https.Replace("://localhost:", "://127.0.0.1:", StringComparison.OrdinalIgnoreCase).TrimEnd('/') + "/");
            state.OAuth.Certificate = certificate;
            return new EmulatorServer(app, state, baseAddress, options.Clock as ManualClock);
        }

        /// <summary>Stops the server (in-flight requests get up to two seconds).</summary>
        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref disposed, 1) != 0)
            {
                return;
            }

            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await app.StopAsync(timeout.Token).ConfigureAwait(false);
            }
            finally
            {
                await app.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
