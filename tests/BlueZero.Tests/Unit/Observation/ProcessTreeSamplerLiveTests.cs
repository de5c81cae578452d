using System.Diagnostics;
using BlueZero.ProcessManager.Observation;
using BlueZero.Tests.Support;
using Xunit;

namespace BlueZero.Tests.Unit.Observation;

/// <summary>
/// The walking sampler counts the same members as a scan of all of /proc: the first sample scans, the next ones walk
/// from each root and from the group members the scan found outside the tree.
/// </summary>
public sealed class ProcessTreeSamplerLiveTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    /// <summary>A shell that leads its own group, as the launcher makes every managed process, once a scan counts <paramref name="members"/>.</summary>
    private static async Task<Process> StartGroupLeader(string script, int members)
    {
        var info = new ProcessStartInfo("setsid") { UseShellExecute = false };
        foreach (var arg in (string[])["/bin/sh", "-c", script]) info.ArgumentList.Add(arg);
        var root = Process.Start(info) ?? throw new InvalidOperationException("setsid did not start");
        await Polling.Until(() => ProcessTreeUsage.Sample([root.Id]).UsageOf(root.Id, previous: null)?.Processes == members, Patience,
            $"{members} processes in the scanned tree of `{script}`");
        return root;
    }

    /// <summary>The subshell forks a sleep and exits: that sleep is re-parented to init, still in the shell's group.</summary>
    private const string WithAnOrphan = "(/bin/sleep 30 &); /bin/sleep 30 & wait";

    [Fact]
    public async Task A_walk_counts_the_root_its_children_and_a_child_in_a_session_of_its_own_as_a_scan_does()
    {
        using var root = await StartGroupLeader("setsid /bin/sleep 30 & /bin/sleep 30 & wait", members: 3);
        try
        {
            var sampler = new ProcessTreeSampler();
            var scanned = sampler.Sample([root.Id]).UsageOf(root.Id, previous: null);
            var walked = sampler.Sample([root.Id]).UsageOf(root.Id, previous: null);

            Assert.Equal(3, scanned?.Processes);
            Assert.Equal(3, walked?.Processes);
            Assert.Equal(scanned!.Threads, walked!.Threads);
        }
        finally
        {
            OsProcesses.KillGroup(root.Id);
        }
    }

    [Fact]
    public async Task A_group_member_whose_parent_died_is_found_by_the_scan_and_then_by_every_walk()
    {
        using var root = await StartGroupLeader(WithAnOrphan, members: 3);
        try
        {
            var sampler = new ProcessTreeSampler();

            var samples = Enumerable.Range(0, ProcessTreeSampler.ScanEvery + 1)
                .Select(_ => sampler.Sample([root.Id]).UsageOf(root.Id, previous: null)?.Processes).ToList();

            Assert.All(samples, processes => Assert.Equal(3, processes));
        }
        finally
        {
            OsProcesses.KillGroup(root.Id);
        }
    }

    [Fact]
    public async Task A_group_member_outside_the_tree_that_dies_is_no_longer_counted_by_the_walk()
    {
        using var root = await StartGroupLeader(WithAnOrphan, members: 3);
        try
        {
            var sampler = new ProcessTreeSampler();
            sampler.Sample([root.Id]);
            // Once the orphan is gone, the walk stops counting it (and stops reading its pid).
            var orphan = OsProcesses.GroupMembers(root.Id).Single(member => member.Pid != root.Id && member.ParentPid != root.Id);
            OsProcesses.KillHard(orphan.Pid);
            await Polling.Until(() => sampler.Sample([root.Id]).UsageOf(root.Id, previous: null)?.Processes == 2, Patience,
                "the walk without the killed orphan");
        }
        finally
        {
            OsProcesses.KillGroup(root.Id);
        }
    }
}
