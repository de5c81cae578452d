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
    /// <summary>Below the 2 s after which the hub calls a silent node unreachable (RequestRouter.AnswerOverdueAfter + its probe).</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(1.5);

    public LocalMesh Mesh { get; } = LocalMesh.Create();

    public async Task InitializeAsync()
    {
        File.AppendAllText(Path.Combine(Mesh.ConfigDir, "hub.hocon"), $"\nbluezero.hub.request-timeout = {RequestTimeout.TotalMilliseconds:0}ms\n");
        await Mesh.StartHub(HubHost, localNode: false);
        foreach (var node in Nodes) await Mesh.StartNode(node);
    }

    public Task DisposeAsync() => Mesh.DisposeAsync().AsTask();
}
