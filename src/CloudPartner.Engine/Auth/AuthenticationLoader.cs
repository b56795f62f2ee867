using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;
using CloudPartner.Engine.Errors;

namespace CloudPartner.Engine.Auth
{
    /// <summary>
    /// Loads the authentication assembly (and MSAL with it) from a folder of its own, once, at the first sign-in that needs it.
    /// <para>
    /// On .NET (PowerShell 7) the folder's assemblies go into a private AssemblyLoadContext named
    /// <see cref="LoadContextName"/>, so another module's MSAL (in the default context) and ours never meet. The engine and
    /// the cmdlet assembly are not in the folder: the authentication assembly binds to the default context's copies, which is
    /// what lets <see cref="ITokenProviderFactory"/> cross the boundary. Framework assemblies (System.*) come from the runtime.
    /// </para>
    /// <para>
    /// On .NET Framework (Windows PowerShell 5.1) there are no load contexts: the folder is served through
    /// AppDomain.AssemblyResolve, preferring an assembly already loaded at the same or a higher version.
    /// </para>
    /// </summary>
    internal static class AuthenticationLoader
    {
        public const string AssemblyName = "CloudPartner.Authentication";
        public const string FactoryTypeName = "CloudPartner.Authentication.MsalTokenProviderFactory";
        public const string LoadContextName = "CloudPartner.Authentication";

        private static readonly object Gate = new object();
        private static readonly Dictionary<string, ITokenProviderFactory> Loaded = new Dictionary<string, ITokenProviderFactory>(StringComparer.OrdinalIgnoreCase);

        /// <summary>Assemblies the authentication assembly must share with its caller (never loaded from the folder).</summary>
        private static readonly string[] Shared = { "CloudPartner.Engine", "CloudPartner", "System.Management.Automation" };

        /// <summary>True on .NET Core / .NET 5+, where assemblies can be isolated in a load context.</summary>
        public static bool CanIsolate => !RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.OrdinalIgnoreCase);

        /// <summary>The factory from <paramref name="directory"/> (loaded once per folder per process).</summary>
        public static ITokenProviderFactory Load(string directory)
        {
            var folder = Path.GetFullPath(directory);
            lock (Gate)
            {
                if (Loaded.TryGetValue(folder, out var factory))
                {
                    return factory;
                }

                var path = Path.Combine(folder, AssemblyName + ".dll");
                if (!File.Exists(path))
                {
                    throw new CpException(
                        CpErrorKind.AuthenticationFailed,
                        $"The sign-in components are missing: '{path}' was not found.",
                        "Reinstall the CloudPartner module (its Dependencies folder is incomplete), or connect with -AccessToken.");
                }

                try
                {
                    var assembly = CanIsolate ? LoadIsolated(folder, path) : LoadBeside(folder, path);
                    var type = assembly.GetType(FactoryTypeName, throwOnError: true)!;
                    factory = (ITokenProviderFactory)Activator.CreateInstance(type)!;
                }
                catch (Exception e) when (!(e is CpException))
                {
                    throw new CpException(
                        CpErrorKind.AuthenticationFailed,
                        $"The sign-in components in '{folder}' could not be loaded: {e.GetBaseException().Message}",
                        "Reinstall the CloudPartner module, or connect with -AccessToken.",
                        e);
                }

                Loaded[folder] = factory;
                return factory;
            }
        }

        /// <summary>The name of the load context <paramref name="assembly"/> lives in ("Default" for the default one), or null on .NET Framework.</summary>
        public static string? ContextOf(Assembly assembly)
        {
            var contextType = LoadContextType();
            var method = contextType?.GetMethod("GetLoadContext", BindingFlags.Public | BindingFlags.Static, null, new[] { typeof(Assembly) }, null);
            var context = method?.Invoke(null, new object[] { assembly });
            return context is null ? null : contextType!.GetProperty("Name")?.GetValue(context) as string;
        }

        private static Assembly LoadIsolated(string folder, string entryPath)
        {
            var contextType = LoadContextType() ?? throw new PlatformNotSupportedException("AssemblyLoadContext is not available.");
            var context = Activator.CreateInstance(contextType, LoadContextName, false)!;
            var loadFromPath = contextType.GetMethod("LoadFromAssemblyPath", new[] { typeof(string) })!;

            // Everything in the folder that the runtime does not provide is loaded now, into the private context, so that
            // binding finds it there first; the rest (the engine, System.*) binds to the default context as usual.
            var frameworkNames = FrameworkAssemblyNames();
            Assembly? entry = null;
            foreach (var file in Directory.GetFiles(folder, "*.dll"))
            {
                var name = Path.GetFileNameWithoutExtension(file);
                if (Array.Exists(Shared, s => string.Equals(s, name, StringComparison.OrdinalIgnoreCase)) || frameworkNames.Contains(name))
                {
                    continue;
                }

                var assembly = (Assembly)loadFromPath.Invoke(context, new object[] { file })!;
                if (string.Equals(file, entryPath, StringComparison.OrdinalIgnoreCase))
                {
                    entry = assembly;
                }
            }

            // The engine is shared by identity: should the runtime not find the default context's copy by itself, hand it over.
            var resolving = contextType.GetEvent("Resolving");
            var handler = typeof(AuthenticationLoader).GetMethod(nameof(ResolveShared), BindingFlags.NonPublic | BindingFlags.Static)!;
            resolving?.AddEventHandler(context, Delegate.CreateDelegate(resolving.EventHandlerType!, handler));
            return entry ?? (Assembly)loadFromPath.Invoke(context, new object[] { entryPath })!;
        }

        private static Assembly? ResolveShared(object context, AssemblyName name)
        {
            if (string.Equals(name.Name, typeof(AuthenticationLoader).Assembly.GetName().Name, StringComparison.OrdinalIgnoreCase))
            {
                return typeof(AuthenticationLoader).Assembly;
            }

            foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
            {
                if (Array.Exists(Shared, s => string.Equals(s, name.Name, StringComparison.OrdinalIgnoreCase))
                    && string.Equals(assembly.GetName().Name, name.Name, StringComparison.OrdinalIgnoreCase))
                {
                    return assembly;
                }
            }

            return null;
        }

        private static Assembly LoadBeside(string folder, string entryPath)
        {
            AppDomain.CurrentDomain.AssemblyResolve += (sender, args) =>
            {
                var wanted = new AssemblyName(args.Name);
                foreach (var loaded in AppDomain.CurrentDomain.GetAssemblies())
                {
                    var name = loaded.GetName();
                    if (string.Equals(name.Name, wanted.Name, StringComparison.OrdinalIgnoreCase) && (wanted.Version is null || name.Version >= wanted.Version))
                    {
                        return loaded;
                    }
                }

                var candidate = Path.Combine(folder, wanted.Name + ".dll");
                return File.Exists(candidate) ? Assembly.LoadFrom(candidate) : null;
            };
            return Assembly.LoadFrom(entryPath);
        }

        private static Type? LoadContextType() => typeof(object).Assembly.GetType("System.Runtime.Loader.AssemblyLoadContext", throwOnError: false);

        /// <summary>Simple names of the runtime's own assemblies (System.*, Microsoft.Win32.*, netstandard…), from the trusted platform list.</summary>
        private static HashSet<string> FrameworkAssemblyNames()
        {
            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var runtimeDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location) ?? string.Empty;
            if (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is string list)
            {
                foreach (var file in list.Split(Path.PathSeparator))
                {
                    if (file.StartsWith(runtimeDirectory, StringComparison.OrdinalIgnoreCase))
                    {
                        names.Add(Path.GetFileNameWithoutExtension(file));
                    }
                }
            }

            return names;
        }
    }
}
