using BlueZero.Tests.Support;
using Xunit;

namespace BlueZero.Tests.EndToEnd;

/// <summary>
/// A hub (with its local node) whose per-client limit is small, so that its queue is cheap to fill: at most
/// <see cref="InProgress"/> requests of one client address in progress and <see cref="Queued"/> more waiting.
/// </summary>
public sealed class QueueingHubFixture : IAsyncLifetime
{
    public const string HubHost = "queue-hub";
    public const int InProgress = 2;
    public const int Queued = 198;

    public LocalMesh Mesh { get; } = LocalMesh.Create();

    public async Task InitializeAsync()
    {
        File.AppendAllText(Path.Combine(Mesh.ConfigDir, "hub.hocon"),
            $"\nbluezero.hub.max-concurrent-requests-per-client = {InProgress}\nbluezero.hub.max-queued-requests-per-client = {Queued}\n");
        await Mesh.StartHub(HubHost);
        await Mesh.WaitForStatus(HubHost, "up", LocalMesh.UpTimeout);
    }

    public Task DisposeAsync() => Mesh.DisposeAsync().AsTask();
}
