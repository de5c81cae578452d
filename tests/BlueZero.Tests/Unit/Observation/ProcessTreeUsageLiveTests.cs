using System.Diagnostics;
using BlueZero.ProcessManager.Observation;
using BlueZero.Tests.Support;
using Xunit;

namespace BlueZero.Tests.Unit.Observation;

/// <summary>Usage of real process trees, sampled from /proc. Process.Start does not give the child a group of its own.</summary>
public sealed class ProcessTreeUsageLiveTests
{
    private static readonly TimeSpan SampleInterval = TimeSpan.FromSeconds(1);

    private static Process Start(string path, params string[] args)
    {
        var info = new ProcessStartInfo(path) { UseShellExecute = false };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        return Process.Start(info) ?? throw new InvalidOperationException($"{path} did not start");
    }

    [Fact]
    public async Task A_busy_loop_uses_more_than_half_a_core()
    {
        using var busy = Start("/bin/sh", "-c", "while :; do :; done");
        try
        {
            var previous = ProcessTreeUsage.Sample([busy.Id]);
            await Task.Delay(SampleInterval);
            // Retried a few times: on a shared machine another job may take the core for a moment.
            await Polling.UntilValue(() =>
            {
                var now = ProcessTreeUsage.Sample([busy.Id]);
                var percent = now.UsageOf(busy.Id, previous)?.CpuPercent ?? 0;
                previous = now;
                return Task.FromResult(percent);
            }, percent => percent > 50, TimeSpan.FromSeconds(15), "busy loop above 50 % of one core", poll: SampleInterval);
        }
        finally
        {
            OsProcesses.KillHard(busy.Id);
        }
    }

    [Fact]
    public async Task A_sleeping_process_uses_almost_nothing()
    {
        using var sleeper = Start("/bin/sleep", "30");
        try
        {
            var earlier = ProcessTreeUsage.Sample([sleeper.Id]);
            await Task.Delay(SampleInterval);
            var usage = ProcessTreeUsage.Sample([sleeper.Id]).UsageOf(sleeper.Id, earlier);

            Assert.NotNull(usage);
            Assert.InRange(usage.CpuPercent, 0, 5);
        }
        finally
        {
            OsProcesses.KillHard(sleeper.Id);
        }
    }

    [Fact]
    public async Task A_group_leader_tree_counts_its_group_and_a_child_in_a_session_of_its_own()
    {
        // setsid makes the shell a group leader, like the launcher does; the first sleep leaves for its own session.
        using var root = Start("setsid", "/bin/sh", "-c", "setsid /bin/sleep 30 & /bin/sleep 30 & wait");
        try
        {
            var usage = await Polling.UntilValue(
                () => Task.FromResult(ProcessTreeUsage.Sample([root.Id]).UsageOf(root.Id, previous: null)),
                u => u?.Processes == 3, TimeSpan.FromSeconds(10), "shell and both sleeps in the tree");

            Assert.True(usage!.RssBytes > 0 && usage.Threads >= 3);
        }
        finally
        {
            OsProcesses.KillHard(root.Id);
        }
    }

    [Fact]
    public void The_node_itself_is_sampled_alone()
    {
        var usage = ProcessTreeUsage.SampleSelf().UsageOf(Environment.ProcessId, previous: null);

        Assert.NotNull(usage);
        Assert.Equal(1, usage.Processes);
        Assert.True(usage.Threads > 1 && usage.RssBytes > 0 && usage.UptimeS > 0);
    }
}
