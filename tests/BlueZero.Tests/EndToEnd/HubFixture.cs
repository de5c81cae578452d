using BlueZero.Tests.Support;
using Xunit;

namespace BlueZero.Tests.EndToEnd;

/// <summary>A hub (with its local node) as shipped, shared by the tests of a class that start and stop their own nodes.</summary>
public sealed class HubFixture : IAsyncLifetime
{
    public const string HubHost = "start-hub";

    public LocalMesh Mesh { get; } = LocalMesh.Create();

    public async Task InitializeAsync() => await Mesh.StartHub(HubHost);

    public Task DisposeAsync() => Mesh.DisposeAsync().AsTask();
}
