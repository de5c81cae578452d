using BlueZero.Tests.Support;
using Xunit;

namespace BlueZero.Tests.NetworkFaults;

/// <summary>
/// The real hub and three real nodes, each in its own network namespace of a <see cref="FaultNetwork"/>, shared by the
/// network-fault tests (one mesh keeps the six tests within their time budget). The hub serves HTTP on its namespace
/// address, so it needs a token; the test reaches it through its veth into the bridge. <see cref="Restore"/> heals
/// every fault and waits for the whole mesh to be up, so each test starts from a healthy mesh even after a failure.
/// Disposal stops every process and removes the namespaces, whatever happened.
/// </summary>
public sealed class NetworkFaultMesh : IAsyncLifetime
{
    public const string HubHost = "nf-hub";
    private const string Token = "network-fault-token";
    private static readonly TimeSpan RestoreWithin = TimeSpan.FromSeconds(40);

    private readonly Dictionary<string, MeshProcess> _nodes = new();

    public LocalMesh Mesh { get; } = LocalMesh.Create();
    public FaultNetwork Network { get; private set; } = null!;

    /// <summary>The node members (n1, n2, n3).</summary>
    public static IReadOnlyList<string> NodeMembers => FaultNetwork.Members.Skip(1).ToList();

    public static string HostOf(string member) => $"nf-{member}";

    public MeshProcess Node(string member) => _nodes[member];

    public async Task InitializeAsync()
    {
        if (FaultNetwork.Unavailable is not null) return;
        Network = await FaultNetwork.Create();
        var tokens = Path.Combine(Mesh.WorkDir, "tokens");
        await File.WriteAllTextAsync(tokens, $"network-faults:admin:{Token}\n");
        await Mesh.StartHub(HubHost, extraArgs: ["--token-file", tokens], token: Token, place: Network.PlaceOf("hub"));
        var started = await Task.WhenAll(NodeMembers.Select(member => Mesh.StartNode(HostOf(member), place: Network.PlaceOf(member))));
        foreach (var (member, node) in NodeMembers.Zip(started)) _nodes[member] = node;
        await Mesh.AwaitHeartbeatHistory(started);
    }

    /// <summary>Heals every fault and waits until the hub lists every host up, with heartbeat history.</summary>
    public async Task Restore()
    {
        await Network.HealAll();
        foreach (var host in NodeMembers.Select(HostOf).Prepend(HubHost))
            await Mesh.WaitForStatus(host, "up", RestoreWithin);
        await Mesh.AwaitHeartbeatHistory(_nodes.Values.ToArray());
    }

    public async Task DisposeAsync()
    {
        try
        {
            await Mesh.DisposeAsync();
        }
        finally
        {
            if (Network is not null) await Network.DisposeAsync();
        }
    }
}
