using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using System.Text.Json.Nodes;
using CloudPartner.Emulator.Admin;
using CloudPartner.Emulator.Http;

namespace CloudPartner.Emulator
{
    /// <summary>Command line: <c>dotnet run --project src/CloudPartner.Emulator -- --urls http://127.0.0.1:5080 [options]</c>.</summary>
    internal static class Program
    {
        internal const int ExitUsage = 2;

        private const string Usage = """
            CloudPartner CPP emulator - a local, loopback-only Cloud Partner Portal API server.

            Usage: CloudPartner.Emulator [--urls http://127.0.0.1:5080] [options]

              --urls <list>                     loopback http URLs, ';'-separated (default http://127.0.0.1:5080)
              --time-scale <n>                  speed-up of operation steps (100000: a publish takes ~3 s)
              --minimum-step-seconds <s>        no timed step shorter than this after scaling (a client's back-off)
              --success-word <word>             succeeded (default) | complete | completed
              --token-lifetime <seconds>        refuse a token (401) this long after first seeing it
              --signoff-shape status|step       how sign-off shows: the offer's status (status), or a running offer whose
                                                publisher-signoff step waits (step)
              --strict                          answer operations with only the fields the documentation's samples show
              --legacy-operation-location       answer with an absolute Operation-Location header
              --operation-retry-after <seconds> Retry-After on operation GETs
              --synchronous-cancel              cancel answers 200 instead of 202
              --repeat-conflict                 a publish or go-live repeated while one runs gets 409, not the running one
              --seed-sample-data <true|false>   seed contoso/fabrikam sample offers (default true); --no-seed = false
              --step-duration <id=seconds>      e.g. displaycertify=60 (repeatable, or comma-separated)
              --fault <json>                    a fault rule, e.g. {"kind":"throttle","path":"/api","count":3}
              --access <token=pub1,pub2>        limit a token to some publishers (repeatable)
              --new-offers-migrated             offers created by PUT are migrated
              --accept-any-token <true|false>   default true
              --request-log-capacity <n>        default 2000
              --oauth-port <n>                  https port of the identity provider (default: a free one)
              --oauth-client <json>             register an app, e.g. {"clientId":"…","tenantId":"…","secret":"…"} (repeatable)
              --oauth-token-lifetime <seconds>  lifetime of the access tokens it issues (3600)
              --device-code-interval <seconds>  polling interval told to device-code clients (1)
              --managed-identity-header <text>  the IDENTITY_HEADER managed-identity clients must send
              --logging                         ASP.NET Core console logs
            Option names are case- and dash-insensitive (--TimeScale = --time-scale); --name=value also works.
            """;

        public static async Task<int> Main(string[] args)
        {
            EmulatorOptions options;
            try
            {
                options = Parse(args, out var help);
                if (help)
                {
                    Console.Out.WriteLine(Usage);
                    return 0;
                }
            }
            catch (ArgumentException ex)
            {
                Console.Error.WriteLine("error: " + ex.Message);
                Console.Error.WriteLine("Run with --help for the options.");
                return ExitUsage;
            }

            return await RunAsync(options, Console.Out, Console.Error, CancellationToken.None).ConfigureAwait(false);
        }

        internal static async Task<int> RunAsync(EmulatorOptions options, TextWriter output, TextWriter error, CancellationToken cancellationToken, Action<EmulatorServer>? started = null)
        {
            EmulatorServer server;
            try
            {
                server = await EmulatorServer.StartAsync(options, cancellationToken).ConfigureAwait(false);
            }
            catch (ArgumentException ex)
            {
                error.WriteLine("error: " + ex.Message);
                return ExitUsage;
            }
            catch (Exception ex) when (ex is IOException || ex is System.Net.Sockets.SocketException)
            {
                error.WriteLine("error: cannot listen: " + ex.Message);
                return 1;
            }

            await using (server.ConfigureAwait(false))
            {
                var root = server.BaseAddress.ToString().TrimEnd('/');
                output.WriteLine($"CloudPartner CPP emulator listening on {root} (api-version {Cpp.CppApi.ApiVersion}); press Ctrl+C to stop.");
                output.WriteLine($"Admin endpoint: {root}/_emulator/ (e.g. curl {root}/_emulator/requests)");
                output.WriteLine($"OAuth authority: {server.OAuthAuthority.ToString().TrimEnd('/')} (self-signed certificate thumbprint {server.OAuthCertificate.Thumbprint}); managed identity: IDENTITY_ENDPOINT={root}/msi/token IDENTITY_HEADER={server.State.OAuth.ManagedIdentityHeader}");
                output.Flush();
                started?.Invoke(server);

                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
                using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
                using var stopping = server.Stopping.Register(() => done.TrySetResult());
                using var cancel = cancellationToken.Register(() => done.TrySetResult());
                await done.Task.ConfigureAwait(false);

                void Stop(PosixSignalContext context)
                {
                    context.Cancel = true;
                    done.TrySetResult();
                }
            }

            return 0;
        }

        internal static EmulatorOptions Parse(IReadOnlyList<string> args, out bool help)
        {
            help = false;
            var options = new EmulatorOptions { Urls = "http://127.0.0.1:5080" };
            var settings = new JsonObject();
            for (var i = 0; i < args.Count; i++)
            {
                var arg = args[i];
                if (!arg.StartsWith('-'))
                {
                    throw new ArgumentException($"Unexpected argument '{arg}'.");
                }

                string? inline = null;
                var eq = arg.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0)
                {
                    inline = arg[(eq + 1)..];
                    arg = arg[..eq];
                }

                var name = Normalize(arg);
                var index = i;
                string Value()
                {
                    if (inline is not null)
                    {
                        return inline;
                    }

                    if (index + 1 >= args.Count)
                    {
                        throw new ArgumentException($"Option '{arg}' needs a value.");
                    }

                    index++;
                    return args[index];
                }

                bool Flag()
                {
                    if (inline is not null)
                    {
                        return ParseBool(inline, arg);
                    }

                    if (index + 1 < args.Count && (string.Equals(args[index + 1], "true", StringComparison.OrdinalIgnoreCase) || string.Equals(args[index + 1], "false", StringComparison.OrdinalIgnoreCase)))
                    {
                        index++;
                        return ParseBool(args[index], arg);
                    }

                    return true;
                }

                switch (name)
                {
                    case "help" or "h" or "?":
                        help = true;
                        break;
                    case "urls" or "url":
                        options.Urls = Value();
                        break;
                    case "seedsampledata" or "seed":
                        options.SeedSampleData = Flag();
                        break;
                    case "noseed":
                        options.SeedSampleData = false;
                        break;
                    case "logging" or "log" or "verbose":
                        options.Logging = Flag();
                        break;
                    case "requestlogcapacity":
                        options.RequestLogCapacity = (int)ParseDouble(Value(), arg);
                        break;
                    case "fault":
                        {
                            var rule = FaultRule.Parse(JsonArgument(Value(), arg));
                            rule.Clone().Validate();
                            options.Faults.Add(rule);
                            break;
                        }

                    case "oauthport":
                        options.OAuthPort = (int)ParseDouble(Value(), arg);
                        break;
                    case "oauthclient":
                        {
                            options.OAuthClients.Add(OAuthAdmin.ParseClient(JsonArgument(Value(), arg)));
                            break;
                        }

                    case "oauthtokenlifetime":
                        options.OAuthTokenLifetime = ParseSeconds(Value(), arg);
                        break;
                    case "devicecodeinterval":
                        options.DeviceCodeInterval = ParseSeconds(Value(), arg);
                        break;
                    case "managedidentityheader":
                        options.ManagedIdentityHeader = Value();
                        break;
                    case "access":
                        {
                            var value = Value();
                            var split = value.Split('=', 2);
                            if (split.Length != 2 || split[0].Length == 0)
                            {
                                throw new ArgumentException("--access expects token=publisher1,publisher2.");
                            }

                            options.AccessList[split[0]] = split[1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                            break;
                        }

                    default:
                        var (settingName, settingType) = EmulatorSettings.Names().FirstOrDefault(s => IsSetting(s.Name, name));
                        settings[settingName ?? throw new ArgumentException($"Unknown option '{arg}'.")] = SettingValue(settingName, settingType, settingType == typeof(bool) ? Flag().ToString() : Value(), arg, settings);
                        break;
                }

                i = index;
            }

            options.Settings = options.Settings.Merge(settings);
            return options;
        }

        /// <summary>Whether an option names a setting: by its JSON name, or without its <c>Seconds</c> or plural ending
        /// (<c>--token-lifetime</c>, <c>--step-duration</c>).</summary>
        private static bool IsSetting(string setting, string option)
        {
            var name = setting.ToLowerInvariant();
            return name == option || name == option + "seconds" || name == option + "s";
        }

        /// <summary>An option's text as the JSON value of its setting; durations take seconds or hh:mm:ss, step durations
        /// <c>id=seconds</c> pairs (repeatable, or comma-separated).</summary>
        private static JsonNode? SettingValue(string name, Type type, string text, string arg, JsonObject settings)
        {
            if (name == "stepDurations")
            {
                // Repeated --step-duration options add up.
                var steps = (JsonObject?)settings[name]?.DeepClone() ?? new JsonObject();
                foreach (var pair in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    var parts = pair.Split('=', 2);
                    steps[parts[0]] = parts.Length == 2 ? ParseSeconds(parts[1], arg).TotalSeconds : throw new ArgumentException($"Option '{arg}' expects id=seconds, e.g. displaycertify=60.");
                }

                return steps;
            }

            if (type == typeof(bool))
            {
                return bool.Parse(text);
            }

            if (type == typeof(double) || type == typeof(double?))
            {
                return name.EndsWith("Seconds", StringComparison.Ordinal) ? ParseSeconds(text, arg).TotalSeconds : ParseDouble(text, arg);
            }

            return text;
        }

        private static JsonObject JsonArgument(string text, string arg)
        {
            return Json.Parse(Encoding.UTF8.GetBytes(text)) as JsonObject ?? throw new ArgumentException($"Option '{arg}' expects a JSON object.");
        }

        private static string Normalize(string arg)
        {
            var builder = new StringBuilder(arg.Length);
            foreach (var c in arg)
            {
                if (c is not ('-' or '_' or '/'))
                {
                    builder.Append(char.ToLowerInvariant(c));
                }
            }

            return builder.ToString();
        }

        private static bool ParseBool(string value, string name)
        {
            return bool.TryParse(value, out var result) ? result : throw new ArgumentException($"Option '{name}' expects true or false, not '{value}'.");
        }

        private static double ParseDouble(string value, string name)
        {
            return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var result) && result > 0
                ? result
                : throw new ArgumentException($"Option '{name}' expects a positive number, not '{value}'.");
        }

        private static TimeSpan ParseSeconds(string value, string name)
        {
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
            {
                return TimeSpan.FromSeconds(seconds);
            }

            if (TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var span) && span >= TimeSpan.Zero)
            {
                return span;
            }

            throw new ArgumentException($"Option '{name}' expects seconds (or hh:mm:ss), not '{value}'.");
        }
    }
}
