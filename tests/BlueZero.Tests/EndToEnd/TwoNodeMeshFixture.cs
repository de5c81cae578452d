using BlueZero.Tests.Support;
using Xunit;

namespace BlueZero.Tests.EndToEnd;

/// <summary>
/// A hub without a local node, with a short request timeout, and two remote nodes: shared by the tests of a class
/// that leave the mesh running (each cleans up with <see cref="LocalMesh.KillAll"/>).
/// </summary>
public sealed class TwoNodeMeshFixture : IAsyncLifetime
{
    public const string HubHost = "wide-hub";
    public static readonly string[] Nodes = ["wide-1", "wide-2"];
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(2);

    public LocalMesh Mesh { get; } = LocalMesh.Create();

    public async Task InitializeAsync()
    {
        File.AppendAllText(Path.Combine(Mesh.ConfigDir, "hub.hocon"), $"\nbluezero.hub.request-timeout = {RequestTimeout.TotalMilliseconds:0}ms\n");
        await Mesh.StartHub(HubHost, localNode: false);
        foreach (var node in Nodes) await Mesh.StartNode(node);
    }

    public Task DisposeAsync() => Mesh.DisposeAsync().AsTask();
}
