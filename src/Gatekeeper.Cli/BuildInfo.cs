using System.Reflection;

namespace Gatekeeper.Cli;

/// <summary>The program's version, recorded in manifests and MLflow runs.</summary>
internal static class BuildInfo
{
    public static string Version { get; } =
        typeof(BuildInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
}
