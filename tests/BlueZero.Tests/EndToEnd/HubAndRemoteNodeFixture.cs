using BlueZero.Tests.Support;
using Xunit;

namespace BlueZero.Tests.EndToEnd;

/// <summary>A hub (with its local node) and one remote node, shared by the tests of a class that do not break the mesh.</summary>
public sealed class HubAndRemoteNodeFixture : IAsyncLifetime
{
    public const string HubHost = "e2e-hub";
    public const string RemoteHost = "e2e-remote";

    public LocalMesh Mesh { get; } = LocalMesh.Create();

    public async Task InitializeAsync()
    {
        await Mesh.StartHub(HubHost);
        await Mesh.StartNode(RemoteHost);
        await Mesh.WaitForStatus(HubHost, "up", LocalMesh.UpTimeout);
    }

    public Task DisposeAsync() => Mesh.DisposeAsync().AsTask();
}
