using BlueZero.ProcessManager.Launching;

namespace BlueZero.ProcessManager.Observation;

/// <summary>
/// Samples managed trees with the members <see cref="ProcessTreeUsage.Aggregate(IReadOnlyCollection{int}, IReadOnlyList{ProcessReading}, long)"/>
/// counts, reading only their own processes: each tree is walked from its root through the kernel's children lists.
/// A member of the root's group that is no descendant (its parent died) is found only by a scan of all of /proc,
/// taken every <see cref="ScanEvery"/> samples; later walks start from it too while it stays in the group. So a
/// process that leaves its tree that way is counted from the next scan on (at most a minute late at 5 s samples).
/// Why: an idle node with 100 sleeps on a host of 1,100 processes read 1,100 stat files every 5 s, 0.8 % of a core
/// at the hub that embeds it (bench/PROFILE.md); the walk reads 200 files.
/// One sample at a time: StatsCollector never overlaps them.
/// </summary>
public sealed class ProcessTreeSampler
{
    public const int ScanEvery = 12;

    private int _walksSinceScan = ScanEvery;
    private Dictionary<int, int[]> _outsideTrees = new();

    public TreeUsageSnapshot Sample(IReadOnlyCollection<int> rootPids)
    {
        if (rootPids.Count == 0 || !ProcChildren.Supported || ++_walksSinceScan >= ScanEvery) return Scan(rootPids);
        var uptimeS = UptimeFile.ReadSeconds();
        var pageSize = Environment.SystemPageSize;
        var trees = new Dictionary<int, TreeUsage>(rootPids.Count);
        var outside = new Dictionary<int, int[]>();
        foreach (var root in rootPids)
        {
            if (root <= 0) continue;
            var (members, stillOutside) = Walk(root, _outsideTrees.GetValueOrDefault(root) ?? []);
            if (members.Count > 0) trees[root] = ProcessTreeUsage.TotalOfTree(root, members, pageSize);
            if (stillOutside.Length > 0) outside[root] = stillOutside;
        }
        _outsideTrees = outside;
        return new TreeUsageSnapshot(uptimeS, trees);
    }

    private TreeUsageSnapshot Scan(IReadOnlyCollection<int> rootPids)
    {
        _walksSinceScan = 0;
        var snapshot = ProcessTreeUsage.Sample(rootPids, out var outside);
        _outsideTrees = outside.ToDictionary();
        return snapshot;
    }

    /// <summary>The root, the group members outside its tree that are still in its group, and their descendants.</summary>
    private static (List<ProcessReading> Members, int[] StillOutside) Walk(int root, int[] outside)
    {
        var members = new List<ProcessReading>();
        var stillOutside = new List<int>();
        var seen = new HashSet<int>();
        var pending = new Stack<(int Pid, int? Parent)>(outside.Select(pid => (pid, (int?)null)));
        pending.Push((root, null));
        while (pending.TryPop(out var next))
        {
            if (!seen.Add(next.Pid) || ProcessReading.Read(next.Pid) is not { } reading) continue;
            // A listed child whose parent is another process is a reused pid; so is a kept member that left the group.
            if (next.Parent is { } parent && reading.Stat.ParentPid != parent) continue;
            if (next.Pid != root && next.Parent is null)
            {
                if (reading.Stat.ProcessGroup != root) continue;
                stillOutside.Add(next.Pid);
            }
            members.Add(reading);
            foreach (var child in ProcChildren.PidsOf(next.Pid, singleThreaded: reading.Threads == 1))
                pending.Push((child, next.Pid));
        }
        return (members, stillOutside.ToArray());
    }
}
