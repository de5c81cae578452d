using BlueZero.Mesh.Configuration;

namespace BlueZero.Tests.Support;

/// <summary>The settings the shipped hocon/*.hocon gives a node with no flags and no B0_* variables: tests start from the one home of every default.</summary>
public static class ShippedSettings
{
    private static readonly Lazy<MeshSetup> NodeSetup = new(() => MeshSetup.Build(MeshMember.Node, GivenFlags.None, new Dictionary<string, string>(), MeshSettings.Common));

    public static MeshSetup Node => NodeSetup.Value;

    public static ProcessManagerOptions ProcessManager => Node.ProcessManager;

    public static OutputSettings Output => Node.ProcessManager.Output;
}
