using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace CloudPartner.Module.Tests
{
    /// <summary>A cmdlet as its compiled metadata describes it.</summary>
    internal sealed record CmdletInfo(string Name, string Verb, string TypeName, IReadOnlyList<string> Parameters, bool HasOutputType, bool SupportsShouldProcess);

    /// <summary>Reads CloudPartner.dll with MetadataLoadContext: nothing is executed, PowerShell is not needed.</summary>
    internal static class ModuleMetadata
    {
        private static readonly Lazy<IReadOnlyList<CmdletInfo>> Loaded = new Lazy<IReadOnlyList<CmdletInfo>>(Load);

        public static IReadOnlyList<CmdletInfo> Cmdlets => Loaded.Value;

        public static string RepositoryRoot
        {
            get
            {
                var directory = new DirectoryInfo(AppContext.BaseDirectory);
                while (directory != null && !File.Exists(Path.Combine(directory.FullName, "module.sln")))
                {
                    directory = directory.Parent;
                }

                return directory?.FullName ?? throw new InvalidOperationException("module.sln not found above " + AppContext.BaseDirectory);
            }
        }

        /// <summary>CmdletsToExport of the source manifest.</summary>
        public static IReadOnlyList<string> ManifestCmdlets()
        {
            var text = File.ReadAllText(Path.Combine(RepositoryRoot, "CloudPartner.psd1"));
            var block = Regex.Match(text, @"CmdletsToExport\s*=\s*@\((?<list>[^)]*)\)", RegexOptions.Singleline);
            Assert.True(block.Success, "CmdletsToExport = @( … ) not found in CloudPartner.psd1");
            return Regex.Matches(block.Groups["list"].Value, "'([^']+)'").Select(m => m.Groups[1].Value).ToList();
        }

        /// <summary>The assemblies the module ships (Dependencies/ included), as their file names.</summary>
        public static readonly string[] ShippedAssemblies = { "CloudPartner.dll", "CloudPartner.Engine.dll", "CloudPartner.Authentication.dll" };

        /// <summary>Every public type of the shipped assemblies, with what makes it public (a cmdlet, or an abstract cmdlet base).</summary>
        public static IReadOnlyList<(string Assembly, string Name, bool IsCmdlet, bool IsCmdletBase)> PublicTypes()
        {
            using var context = OpenContext();
            var types = new List<(string, string, bool, bool)>();
            foreach (var file in ShippedAssemblies)
            {
                var assembly = context.LoadFromAssemblyPath(Path.Combine(AppContext.BaseDirectory, file));
                foreach (var type in assembly.GetExportedTypes())
                {
                    var isCmdlet = type.CustomAttributes.Any(a => a.AttributeType.FullName == "System.Management.Automation.CmdletAttribute");
                    var isCmdletBase = type.IsAbstract && !type.IsSealed && DerivesFrom(type, "System.Management.Automation.PSCmdlet");
                    types.Add((file, type.FullName!, isCmdlet, isCmdletBase));
                }
            }

            return types;
        }

        private static bool DerivesFrom(Type type, string baseName)
        {
            for (var current = type.BaseType; current != null; current = current.BaseType)
            {
                if (current.FullName == baseName)
                {
                    return true;
                }
            }

            return false;
        }

        private static MetadataLoadContext OpenContext()
        {
            var baseDirectory = AppContext.BaseDirectory;
            var paths = Directory.GetFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll")
                .Where(p => !Path.GetFileName(p).Equals("System.Management.Automation.dll", StringComparison.OrdinalIgnoreCase))
                .Concat(Directory.GetFiles(baseDirectory, "*.dll"))
                .Append(Path.Combine(baseDirectory, "reference", "System.Management.Automation.dll"))
                .Distinct(StringComparer.OrdinalIgnoreCase);
            return new MetadataLoadContext(new PathAssemblyResolver(paths));
        }

        private static IReadOnlyList<CmdletInfo> Load()
        {
            using var context = OpenContext();
            var assembly = context.LoadFromAssemblyPath(Path.Combine(AppContext.BaseDirectory, "CloudPartner.dll"));
            var cmdlets = new List<CmdletInfo>();
            foreach (var type in assembly.GetTypes().Where(t => t.IsPublic && !t.IsAbstract))
            {
                var cmdlet = type.CustomAttributes.FirstOrDefault(a => a.AttributeType.FullName == "System.Management.Automation.CmdletAttribute");
                if (cmdlet is null)
                {
                    continue;
                }

                var verb = (string)cmdlet.ConstructorArguments[0].Value!;
                var noun = (string)cmdlet.ConstructorArguments[1].Value!;
                var parameters = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                    .Where(p => p.CustomAttributes.Any(a => a.AttributeType.FullName == "System.Management.Automation.ParameterAttribute"))
                    .Select(p => p.Name)
                    .Distinct()
                    .ToList();
                var shouldProcess = cmdlet.NamedArguments.Any(a => a.MemberName == "SupportsShouldProcess" && (bool)a.TypedValue.Value!);
                var outputType = type.CustomAttributes.Any(a => a.AttributeType.FullName == "System.Management.Automation.OutputTypeAttribute");
                cmdlets.Add(new CmdletInfo($"{verb}-{noun}", verb, type.FullName!, parameters, outputType, shouldProcess));
            }

            return cmdlets.OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
        }
    }
}
