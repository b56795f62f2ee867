using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using CloudPartner.Emulator.Hosting;
using CloudPartner.Emulator.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CloudPartner.Emulator;

/// <summary>A running CPP emulator on loopback. Start one with <see cref="StartAsync"/>, dispose it to stop.</summary>
public sealed class EmulatorServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _disposed;

    private EmulatorServer(WebApplication app, EmulatorState state, Uri baseAddress, ManualClock? manualClock)
    {
        _app = app;
        State = state;
        BaseAddress = baseAddress;
        ManualClock = manualClock;
    }

    /// <summary>The root of the emulator, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>State and configuration (same powers as the admin endpoint).</summary>
    public EmulatorState State { get; }

    /// <summary>The clock given in the options when it is a <see cref="Emulator.ManualClock"/>.</summary>
    public ManualClock? ManualClock { get; }

    internal CancellationToken Stopping => _app.Lifetime.ApplicationStopping;

    /// <summary>Starts an emulator. Default address <c>http://127.0.0.1:0</c> (a free port; read it back from
    /// <see cref="BaseAddress"/>). Throws <see cref="ArgumentException"/> for a non-loopback or non-http URL.</summary>
    public static async Task<EmulatorServer> StartAsync(EmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new EmulatorOptions();
        var addresses = ListenAddress.ParseList(options.Urls);
        var state = new EmulatorState(options);

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
        });
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(2));
        if (options.Logging)
        {
            builder.Logging.AddSimpleConsole(console => console.SingleLine = true);
            builder.Logging.SetMinimumLevel(LogLevel.Information);
        }

        var app = builder.Build();
        var pipeline = new EmulatorPipeline(state, app.Lifetime.ApplicationStopping);
        app.Run(pipeline.InvokeAsync);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("The emulator did not report its listen address.");
        var baseAddress = new Uri(bound.Replace("://localhost:", "://127.0.0.1:", StringComparison.OrdinalIgnoreCase).TrimEnd('/') + "/");
        return new EmulatorServer(app, state, baseAddress, options.Clock as ManualClock);
    }

    /// <summary>Stops the server (in-flight requests get up to two seconds).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        }
        finally
        {
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }
}
