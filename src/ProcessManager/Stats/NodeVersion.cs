using System.Reflection;

namespace BlueZero.ProcessManager.Stats;

/// <summary>The version host_info reports: the build's informational version (Directory.Build.props), with the commit when known.</summary>
public static class NodeVersion
{
    public static string Text { get; } =
        typeof(NodeVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
}
