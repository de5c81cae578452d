using BlueZero.ProcessManager.Launching;
using BlueZero.ProcessManager.Observation;
using Xunit;

namespace BlueZero.Tests.Unit.Observation;

/// <summary>Totals over a managed tree: the root, its process group, and descendants through parent links.</summary>
public sealed class ProcessTreeUsageTests
{
    private const long PageSize = 4096;
    private const int Node = 100;

    private static ProcessReading Process(int pid, int parent, int group, ulong cpuTicks = 10, long rssPages = 100,
        int threads = 1, char state = 'S', ulong start = 1_000, ulong reapedTicks = 0) =>
        new(new ProcStat(pid, parent, group, state, start), cpuTicks, 0, reapedTicks, threads, rssPages);

    private static TreeUsage TreeOf(int root, params ProcessReading[] processes) =>
        ProcessTreeUsage.Aggregate([root], processes, PageSize)[root];

    [Fact]
    public void Group_members_and_their_children_add_up()
    {
        var tree = TreeOf(200,
            Process(200, Node, 200, cpuTicks: 10, rssPages: 100, threads: 4),
            Process(201, 200, 200, cpuTicks: 20, rssPages: 200, threads: 2),
            Process(202, 201, 200, cpuTicks: 30, rssPages: 300, threads: 1));

        Assert.Equal(new TreeUsage(200, CpuTicks: 60, RssBytes: 600 * PageSize, Threads: 7, Processes: 3, StartTimeTicks: 1_000), tree);
    }

    [Fact]
    public void A_descendant_that_left_the_group_still_counts()
    {
        var tree = TreeOf(200,
            Process(200, Node, 200),
            Process(300, 200, 300),  // setsid daemon
            Process(301, 300, 300));

        Assert.Equal(3, tree.Processes);
    }

    [Fact]
    public void A_group_member_whose_parent_died_still_counts()
    {
        // Re-parented to init, but still in the root's process group.
        var tree = TreeOf(200, Process(200, Node, 200), Process(250, 1, 200));

        Assert.Equal(2, tree.Processes);
    }

    [Fact]
    public void The_root_counts_even_when_it_leads_no_group()
    {
        var tree = TreeOf(200, Process(200, Node, Node), Process(201, 200, Node));

        Assert.Equal(2, tree.Processes);
    }

    [Fact]
    public void Unrelated_processes_and_the_roots_parent_are_left_out()
    {
        var tree = TreeOf(200, Process(Node, 1, Node), Process(200, Node, 200), Process(400, Node, 400), Process(401, 1, 1));

        Assert.Equal(1, tree.Processes);
    }

    [Fact]
    public void A_zombie_counts_as_a_process_with_no_memory()
    {
        var tree = TreeOf(200, Process(200, Node, 200, rssPages: 100), Process(201, 200, 200, rssPages: 50, state: 'Z'));

        Assert.Equal((2, 100 * PageSize), (tree.Processes, tree.RssBytes));
    }

    [Fact]
    public void Cpu_time_of_reaped_children_stays_in_the_tree()
    {
        var tree = TreeOf(200, Process(200, Node, 200, cpuTicks: 10, reapedTicks: 500));

        Assert.Equal(510UL, tree.CpuTicks);
    }

    [Fact]
    public void Once_the_root_is_gone_its_group_is_the_tree_and_starts_with_its_earliest_member()
    {
        var tree = TreeOf(200, Process(201, 1, 200, start: 1_500), Process(202, 1, 200, start: 1_200));

        Assert.Equal((2, 1_200UL), (tree.Processes, tree.StartTimeTicks));
    }

    [Fact]
    public void A_root_with_no_live_member_is_absent()
    {
        var trees = ProcessTreeUsage.Aggregate([200, 0, -5], [Process(Node, 1, Node), Process(300, Node, 300)], PageSize);

        Assert.Empty(trees);
    }

    [Fact]
    public void One_scan_serves_every_root()
    {
        var trees = ProcessTreeUsage.Aggregate([200, 300],
            [Process(200, Node, 200), Process(201, 200, 200), Process(300, Node, 300)], PageSize);

        Assert.Equal((2, 1), (trees[200].Processes, trees[300].Processes));
    }
}
