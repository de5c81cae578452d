using System.Text.RegularExpressions;

namespace BlueZero.Bench;

/// <summary>
/// The process-manager nodes one section launched on a mesh. They are stopped together, in parallel, when the
/// section ends, however it ends: SIGTERM (a node then stops its own processes) with a SIGKILL fallback.
/// </summary>
internal sealed partial class NodeGroup(MeshUnderTest mesh) : IAsyncDisposable
{
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(20);

    private readonly List<(string HostId, ChildProcess Process)> _nodes = new();
    private readonly HashSet<string> _killed = new(StringComparer.Ordinal);
    private IReadOnlyList<string>? _stopOutcome;

    public ChildProcess this[string hostId] => _nodes.First(n => n.HostId == hostId).Process;

    /// <summary>The pids of the nodes launched so far.</summary>
    public IReadOnlyList<int> Pids => _nodes.Select(n => n.Process.Pid).ToList();

    /// <summary>Starts one more node under <paramref name="hostId"/>; it joins through the mesh's hub.</summary>
    public ChildProcess Launch(string hostId, IReadOnlyList<string>? extraArgs = null)
    {
        var node = mesh.LaunchNode($"node {hostId}", hostId, extraArgs);
        _nodes.Add((hostId, node));
        return node;
    }

    /// <summary>SIGKILL to one node alone, as a crash; it no longer counts for <see cref="ThrowIfAnyExited"/>.</summary>
    public async Task<bool> CrashAsync(string hostId, TimeSpan timeout)
    {
        _killed.Add(hostId);
        return await this[hostId].KillAloneAsync(timeout);
    }

    /// <summary>Throws if the hub or any node that was not crashed on purpose has ended.</summary>
    public void ThrowIfAnyExited()
    {
        mesh.ThrowIfExited();
        foreach (var (hostId, node) in _nodes)
            if (!_killed.Contains(hostId)) node.ThrowIfExited();
    }

    /// <summary>Stops every node at once; returns what happened to each, once.</summary>
    public async Task<IReadOnlyList<string>> StopAllAsync()
    {
        _stopOutcome ??= await Task.WhenAll(_nodes.Select(n => n.Process.StopAsync(StopGrace)));
        return _stopOutcome;
    }

    /// <summary>Stop outcomes grouped, without node names and times: "49 x node … exited with code 0 … after SIGTERM; ...".</summary>
    public static string Summarize(IReadOnlyList<string> outcomes) =>
        outcomes.Count == 0
            ? "no nodes"
            : string.Join("; ", outcomes.GroupBy(o => NameOrTime().Replace(o, "…")).Select(g => $"{g.Count()} x {g.Key}"));

    public async ValueTask DisposeAsync()
    {
        await StopAllAsync();
        foreach (var (_, node) in _nodes) node.Dispose();
    }

    [GeneratedRegex(@"(?<=^node )\S+|[0-9]+\.[0-9]+ s")]
    private static partial Regex NameOrTime();
}
