using System.Text.RegularExpressions;
using BlueZero.Tests.Support;
using Xunit;

namespace BlueZero.Tests.EndToEnd;

/// <summary>
/// A node's console log reads cleanly: ISO 8601 UTC on every line, a hub that stops cleanly is no error, and a hub that
/// is down is not a warning every 2 s.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed partial class NodeLogTests : IAsyncLifetime
{
    private readonly LocalMesh _mesh = LocalMesh.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _mesh.DisposeAsync().AsTask();

    [Fact]
    public async Task After_a_clean_hub_stop_the_node_log_has_no_errors_and_every_line_starts_with_an_ISO_8601_UTC_time()
    {
        var hub = await _mesh.StartHub("log-hub", localNode: false);
        var node = await _mesh.StartNode("log-node");
        await _mesh.AwaitHeartbeatHistory(node);

        hub.Signal(PosixSignal.SIGTERM);
        Assert.True(await hub.WaitForExit(TimeSpan.FromSeconds(20)), "the hub did not stop\n" + hub.OutputTail());
        // The node sees the hub leave, then loses its connection: both are logged by the time it has removed the hub.
        await Polling.Until(() => node.Output.Any(l => l.Contains("Leader is removing confirmed Exiting node", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(20), "the node to see the hub leave", () => node.OutputTail());

        // MeshProcess prefixes each captured line with the time it read it and the stream: "HH:mm:ss.fff out: ".
        var lines = node.Output.Select(l => l[(l.IndexOf(": ", StringComparison.Ordinal) + 2)..]).ToList();
        Assert.DoesNotContain(lines, l => l.Contains("ERROR", StringComparison.Ordinal) || l.Contains(" fail: ", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("   at ", StringComparison.Ordinal));
        // The joining and ready lines are status lines for scripts to wait for, not log lines: they start with "BlueZero".
        Assert.All(lines.Where(l => !StatusLine().IsMatch(l)), l => Assert.Matches(IsoUtcStart(), l));
    }

    [Fact]
    public async Task While_no_hub_answers_a_node_warns_about_it_once_not_on_every_retry()
    {
        // Nothing listens on port 1, so the node retries its seed every 2 s. Akka's categories at Debug make the
        // repeats that are held back visible as debug lines: the test counts retries by them instead of waiting blind.
        await using var node = MeshProcess.StartNode("lonely-node", "akka.tcp://bluezero@127.0.0.1:1", _mesh.WorkDir, _mesh.ConfigDir,
            environment: new Dictionary<string, string> { ["Logging__LogLevel__Akka"] = "Debug" });
        const string unreachable = "Tried to associate with unreachable remote address [akka.tcp://bluezero@127.0.0.1:1]";
        int Count(string level, string text) => node.Output.Count(l => l.Contains($" {level}: ", StringComparison.Ordinal) && l.Contains(text, StringComparison.Ordinal));

        await Polling.Until(() => Count("dbug", unreachable) >= 3, TimeSpan.FromSeconds(30), "three held-back retries", () => node.OutputTail());

        Assert.True(Count("warn", unreachable) == 1, node.OutputTail());
        Assert.True(Count("warn", "Couldn't join seed nodes") <= 1, node.OutputTail());
        Assert.True(Count("warn", "AssociationError") <= 1, node.OutputTail());
        Assert.True(Count("info", "Removing receive buffers") == 0, node.OutputTail());
    }

    [GeneratedRegex("^BlueZero process-manager node (joining|ready): ")]
    private static partial Regex StatusLine();

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z ")]
    private static partial Regex IsoUtcStart();
}
