using BlueZero.Tests.Support;
using Xunit;

namespace BlueZero.Tests.EndToEnd;

/// <summary>
/// A hub and one remote node with quick stats (every 0.5 s) and small output files (64 KiB × 3), so sampling and
/// rotation show within a test's time.
/// </summary>
public sealed class ObservationFixture : IAsyncLifetime
{
    public const string HubHost = "obs-hub";
    public const string Node = "obs-node";
    public const int FileBytes = 64 * 1024;
    public const int Files = 3;

    public LocalMesh Mesh { get; } = LocalMesh.Create();
    public MeshProcess NodeProcess { get; private set; } = null!;

    /// <summary>Where the node keeps its output files (XDG_STATE_HOME is the mesh's state directory).</summary>
    public string OutputDirectory => Path.Combine(Mesh.WorkDir, "state", "bluezero", Node, "output");

    public async Task InitializeAsync()
    {
        await Mesh.StartHub(HubHost);
        NodeProcess = await Mesh.StartNode(Node, extraArgs: ["--stats-interval", "0.5", "--output-file-size", FileBytes.ToString(), "--output-files", Files.ToString()]);
    }

    public Task DisposeAsync() => Mesh.DisposeAsync().AsTask();
}
