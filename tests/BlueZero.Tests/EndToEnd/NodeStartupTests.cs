using BlueZero.Tests.Support;
using Xunit;
using BlueZero.Mesh.Hosting;

namespace BlueZero.Tests.EndToEnd;

/// <summary>
/// What a person or a script sees when a node starts: a ready line that can be trusted, a clear exit when its
/// host_name is taken, and a SIGINT that works even when the shell started the node with SIGINT ignored. The hub is
/// the class's; each test starts its own nodes, under names of its own, and stops those that run on.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class NodeStartupTests(HubFixture fixture) : IClassFixture<HubFixture>
{
    private LocalMesh Mesh => fixture.Mesh;

    [Fact]
    public async Task Node_says_it_is_joining_first_and_ready_only_once_the_hub_lists_it_up()
    {
        var node = Mesh.StartNodeProcess("ready-node");

        await node.WaitReady(LocalMesh.StartTimeout);

        // No waiting here: the moment the line is printed, the node can be used through the hub.
        Assert.Equal("up", await Mesh.Hub.StatusOf("ready-node"));
        var lines = node.Output.ToList();
        var joining = lines.FindIndex(l => l.Contains("BlueZero process-manager node joining: host_name=ready-node", StringComparison.Ordinal));
        var ready = lines.FindIndex(l => l.Contains("BlueZero process-manager node ready: host_name=ready-node", StringComparison.Ordinal));
        Assert.True(joining >= 0 && joining < ready, $"expected a joining line before the ready line\n{node.OutputTail()}");
        // The open-file limit is mentioned only when the node changed it.
        Assert.DoesNotContain(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"Open-file limit (\d+) raised to \1\b"));
        await Mesh.Stop(node);
    }

    [Fact]
    public async Task Node_whose_host_name_a_live_node_owns_exits_with_code_4_and_one_clear_line()
    {
        var owner = await Mesh.StartNode("dup-node");
        var owned = await Mesh.StartSleep("dup-node");
        // Its own data directory, so that only the hub can tell (as for a second machine using the same name).
        var intruder = Mesh.StartNodeProcess("dup-node", ["--data-dir", Path.Combine(Mesh.WorkDir, "intruder-state")]);

        Assert.True(await intruder.WaitForExit(TimeSpan.FromSeconds(20)), $"the intruder kept running\n{intruder.OutputTail()}");

        Assert.True(intruder.ExitCode == ExitCodes.HostNameTaken, $"exit code {intruder.ExitCode}\n{intruder.OutputTail()}");
        var errors = intruder.Output.Where(l => l.Contains(" err: error:", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 1, $"expected one error line\n{intruder.OutputTail()}");
        Assert.Contains("host_name dup-node is already registered by the live node", errors[0]);
        Assert.Empty(intruder.ReadyLines);
        Assert.Equal("up", await Mesh.Hub.StatusOf("dup-node"));
        Assert.Contains(owned, await Mesh.Hub.ActivePids("dup-node"));
        Assert.False(owner.HasExited);
        await Mesh.Stop(owner);
    }

    [Fact]
    public async Task Second_node_with_the_same_host_name_on_one_machine_exits_at_once_with_code_4_and_leaves_the_first_one_alone()
    {
        var owner = await Mesh.StartNode("same-dir-node");
        var owned = await Mesh.StartSleep("same-dir-node");

        var second = Mesh.StartNodeProcess("same-dir-node");

        Assert.True(await second.WaitForExit(TimeSpan.FromSeconds(15)), $"the second node kept running\n{second.OutputTail()}");
        Assert.True(second.ExitCode == ExitCodes.HostNameTaken, $"exit code {second.ExitCode}\n{second.OutputTail()}");
        Assert.Contains(second.Output, l => l.Contains("error: host_name same-dir-node is taken on this machine", StringComparison.Ordinal));
        Assert.DoesNotContain(second.Output, l => l.Contains("joining", StringComparison.Ordinal));
        Assert.Equal("up", await Mesh.Hub.StatusOf("same-dir-node"));
        Assert.True((bool)(await Mesh.Hub.QueryStatus("same-dir-node", owned))["running"]!);
        Assert.False(owner.HasExited);
        await Mesh.Stop(owner);
    }

    [Fact]
    public async Task Node_started_with_SIGINT_ignored_still_stops_gracefully_on_SIGINT()
    {
        var node = await Mesh.StartNode("nohup-node", sigintIgnored: true);
        var sleeper = await Mesh.StartSleep("nohup-node");

        node.Signal(PosixSignal.SIGINT);

        Assert.True(await node.WaitForExit(TimeSpan.FromSeconds(15)), $"SIGINT did not stop the node\n{node.OutputTail()}");
        Assert.True(node.ExitCode == 0, $"exit code {node.ExitCode}\n{node.OutputTail()}");
        Assert.False(OsProcesses.IsAlive(sleeper), "the node's sleep outlived its graceful stop");
        Assert.Contains(node.Output, l => l.Contains($"Stop step SIGINT sent to the process tree of pid {sleeper}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Node_whose_data_directory_cannot_be_used_exits_with_code_1_and_one_clear_line()
    {
        var notADirectory = Path.Combine(Mesh.WorkDir, "a-file");
        await File.WriteAllTextAsync(notADirectory, "not a directory");

        var node = Mesh.StartNodeProcess("bad-dir-node", ["--data-dir", Path.Combine(notADirectory, "state")]);

        Assert.True(await node.WaitForExit(TimeSpan.FromSeconds(15)), $"the node kept running\n{node.OutputTail()}");
        Assert.True(node.ExitCode == ExitCodes.CouldNotStart, $"exit code {node.ExitCode}\n{node.OutputTail()}");
        var error = Assert.Single(node.Output, l => l.Contains(" err: error:", StringComparison.Ordinal));
        Assert.Contains($"cannot use the data directory {Path.Combine(notADirectory, "state")}", error);
        Assert.DoesNotContain(node.Output, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }
}
