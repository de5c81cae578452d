using System.Diagnostics;
using BlueZero.ProcessManager.State;
using BlueZero.Tests.Support;
using Newtonsoft.Json.Linq;
using Xunit;
using Xunit.Abstractions;

namespace BlueZero.Tests.EndToEnd;

/// <summary>
/// Nothing is lost when a node crashes: a node killed with SIGKILL and started again with the same data directory
/// re-adopts the process it was running, which is then listed, queried and stopped through the hub.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ReadoptionTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Node = "readopt-node";
    /// <summary>About three times the documented "within about a second of its start" (docs/ARCHITECTURE.md, Orphans).</summary>
    private static readonly TimeSpan ReadoptedWithin = TimeSpan.FromSeconds(3);
    private readonly LocalMesh _mesh = LocalMesh.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _mesh.DisposeAsync().AsTask();

    [Fact]
    public async Task Node_killed_with_SIGKILL_and_restarted_readopts_its_sleep_which_is_then_listed_queried_and_stopped()
    {
        var (_, pid, took) = await NodeThatReadoptedASleep();
        Assert.True(took <= ReadoptedWithin, $"the re-adopted sleep was listed {took.TotalSeconds:0.00} s after the launch (bound: {ReadoptedWithin.TotalSeconds} s)");

        var status = await _mesh.Hub.QueryStatus(Node, pid);
        Assert.True(status["running"]!.Value<bool>(), status.ToString());
        Assert.Equal("running", (string?)status["state"]);

        var stopped = await _mesh.Hub.StopProcess(Node, pid, wait: true);
        Assert.True(stopped["success"]!.Value<bool>(), stopped.ToString());
        // Not our child any more: the exit is seen by watching, and its code is honestly unknown.
        Assert.Equal(JTokenType.Null, stopped["exit_code"]!.Type);
        Assert.True(stopped["exit_code_unknown"]!.Value<bool>());
        await Polling.Until(() => !OsProcesses.IsAlive(pid), TimeSpan.FromSeconds(10), "the sleep to be gone");
    }

    [Fact]
    public async Task Node_stopped_with_SIGTERM_after_a_readoption_ends_its_readopted_sleep_on_SIGINT_without_escalating()
    {
        var (node, pid, _) = await NodeThatReadoptedASleep();

        var clock = Stopwatch.StartNew();
        node.Signal(PosixSignal.SIGTERM);

        Assert.True(await node.WaitForExit(TimeSpan.FromSeconds(20)), "the node did not exit after SIGTERM\n" + node.OutputTail());
        output.WriteLine($"exited {clock.Elapsed.TotalSeconds:0.00} s after SIGTERM");
        Assert.True(node.ExitCode == 0, $"the node exited with {node.ExitCode}\n{node.OutputTail()}");
        Assert.False(OsProcesses.IsAlive(pid), $"the re-adopted sleep {pid} outlived the node's graceful shutdown");
        // The sleep ends on the first step (SIGINT). Before the fix the stale /proc view still showed it running, so the
        // node went on to SIGTERM and SIGKILL a tree that was gone and exited stop-grace + kill-grace later. Its leave no
        // longer waits about 10 s for the cluster to remove its SIGKILLed incarnation: the hub downs that one as soon as
        // the successor registers. 5 s leaves room for a loaded machine; it used to take 10 to 11 s.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the node took {clock.Elapsed.TotalSeconds:0.0} s to exit\n{node.OutputTail()}");
        Assert.DoesNotContain(node.Output, line => line.Contains("Stop step SIGTERM", StringComparison.Ordinal)
            || line.Contains("Stop step SIGKILL", StringComparison.Ordinal));
    }

    /// <summary>
    /// A node with a sleep, killed with SIGKILL once the sleep is on disk, and started again under the same host name;
    /// returns the restarted node once it lists the sleep, and how long after its launch that was.
    /// </summary>
    private async Task<(MeshProcess Node, int Pid, TimeSpan ReadoptedAfter)> NodeThatReadoptedASleep()
    {
        await _mesh.StartHub("readopt-hub");
        var node = await _mesh.StartNode(Node);
        var pid = _mesh.Track(await _mesh.Hub.StartProcess(Node, "/bin/sleep", "300"));
        var dataDir = Path.Combine(_mesh.WorkDir, "state", "bluezero", Node);
        // On disk once the snapshot or its journal holds it, as the node's own side-effect-free reader sees them.
        await Polling.Until(() => ProcessTableFile.Read(dataDir)?.Entries.Any(e => e.Pid == pid) == true,
            TimeSpan.FromSeconds(10), "the table on disk to hold the sleep", _mesh.Diagnostics);
        await _mesh.AwaitHeartbeatHistory(node);

        node.Signal(PosixSignal.SIGKILL);
        Assert.True(await node.WaitForExit(TimeSpan.FromSeconds(10)));
        Assert.True(OsProcesses.IsAlive(pid), "the managed process must outlive its node");

        var launched = Stopwatch.StartNew();
        var restarted = await _mesh.StartNode(Node, waitUntilUp: false);
        await Polling.Until(async () => (await _mesh.Hub.ActivePids(Node)).Contains(pid), TimeSpan.FromSeconds(20),
            "the restarted node to list the re-adopted sleep", _mesh.Diagnostics, Polling.FinePollInterval);
        var took = launched.Elapsed;
        output.WriteLine($"re-adopted sleep listed {took.TotalSeconds:0.00} s after the node was launched");
        return (restarted, pid, took);
    }
}
