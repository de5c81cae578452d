using BlueZero.Tests.Support;
using Xunit;

namespace BlueZero.Tests.EndToEnd;

/// <summary>A hub (with its local node) and one remote node with 1 s stop graces, shared by the supervision tests.</summary>
public sealed class SupervisionFixture : IAsyncLifetime
{
    public const string Node = "supervision-node";

    public LocalMesh Mesh { get; } = LocalMesh.Create(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

    public async Task InitializeAsync()
    {
        await Mesh.StartHub("supervision-hub");
        await Mesh.StartNode(Node);
    }

    public Task DisposeAsync() => Mesh.DisposeAsync().AsTask();
}
