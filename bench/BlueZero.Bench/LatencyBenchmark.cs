namespace BlueZero.Bench;

/// <summary>
/// Section "latency": one remote node (not the hub's local node) joins the hub, and the sequential workload of
/// <see cref="MeshWorkload"/> runs against it through the hub with one client.
/// </summary>
internal sealed class LatencyBenchmark(MeshUnderTest mesh, RunNotes notes)
{
    public const string NodeHostId = "bench-node";
    private static readonly TimeSpan NodeUpTimeout = TimeSpan.FromSeconds(30);

    public sealed record Result(MeshWorkload.Result Workload, int WarmupPairs, double HubStartupS, double NodeUpS, TieredCompilerSettle.Outcome Settle);

    public async Task<Result> RunAsync(int requests, int warmupPairs, TimeSpan settleMax, CancellationToken ct)
    {
        await using var nodes = new NodeGroup(mesh);
        using var hub = new HubClient(mesh.HubHttp);
        nodes.Launch(NodeHostId);
        var workload = new MeshWorkload(hub, NodeHostId, ChildProcess.RunMarker);
        try
        {
            var up = await hub.WaitForHostUpAsync(NodeHostId, NodeUpTimeout, nodes.ThrowIfAnyExited, ct);
            var settle = await TieredCompilerSettle.WarmAsync([mesh.HubPid, .. nodes.Pids], workload.WarmCycleAsync, settleMax, ct);
            Log.Info($"latency: {settle.Describe()}");
            var result = await workload.RunAsync(requests, warmupPairs, ct);
            return new Result(result, warmupPairs, mesh.HubStartup.TotalSeconds, up.TotalSeconds, settle);
        }
        finally
        {
            notes.Add($"latency: {await workload.CleanupAsync()}");
            foreach (var outcome in await nodes.StopAllAsync())
                notes.Add($"latency: shutdown: {outcome}");
        }
    }
}
