namespace BlueZero.ProcessManager.Observation;

/// <summary>
/// Resource totals of managed process trees from one scan of /proc. Members of a root's tree: the root itself
/// (always, even if it does not lead a group), every process in the process group the root leads (each managed
/// process leads its own), and their descendants through parent links (a descendant may have moved to a group or
/// session of its own). A descendant whose parent died was re-parented to init and is no longer found.
/// </summary>
public static class ProcessTreeUsage
{
    /// <summary>One scan of all of /proc (see <see cref="ProcessTreeSampler"/> for the walk that reads only the trees).</summary>
    public static TreeUsageSnapshot Sample(IReadOnlyCollection<int> rootPids) => Sample(rootPids, out _);

    /// <param name="outsideTrees">See <see cref="Aggregate(IReadOnlyCollection{int}, IReadOnlyList{ProcessReading}, long, out IReadOnlyDictionary{int, int[]})"/>.</param>
    public static TreeUsageSnapshot Sample(IReadOnlyCollection<int> rootPids, out IReadOnlyDictionary<int, int[]> outsideTrees)
    {
        var uptimeS = UptimeFile.ReadSeconds();
        // No managed process: no reason to read all of /proc (an idle node samples every 5 s).
        var processes = rootPids.Count == 0 ? [] : ProcessReading.ReadAll();
        return new TreeUsageSnapshot(uptimeS, Aggregate(rootPids, processes, Environment.SystemPageSize, out outsideTrees));
    }

    /// <summary>
    /// The node process alone, keyed by its pid. Its own cpu time only: the children it reaped are the managed
    /// processes, whose time belongs to their trees.
    /// </summary>
    public static TreeUsageSnapshot SampleSelf()
    {
        var uptimeS = UptimeFile.ReadSeconds();
        var pid = Environment.ProcessId;
        var trees = new Dictionary<int, TreeUsage>();
        if (ProcessReading.Read(pid) is { } self)
            trees[pid] = Total(pid, [self], Environment.SystemPageSize, p => p.OwnCpuTicks);
        return new TreeUsageSnapshot(uptimeS, trees);
    }

    /// <summary>The pure part of <see cref="Sample"/>: totals per root over one list of processes.</summary>
    public static IReadOnlyDictionary<int, TreeUsage> Aggregate(IReadOnlyCollection<int> rootPids, IReadOnlyList<ProcessReading> processes, long pageSize) =>
        Aggregate(rootPids, processes, pageSize, out _);

    /// <param name="outsideTrees">Per root, the members of its group that are not its descendants (their parent died):
    /// only a scan finds them, so <see cref="ProcessTreeSampler"/> keeps them to walk from.</param>
    public static IReadOnlyDictionary<int, TreeUsage> Aggregate(IReadOnlyCollection<int> rootPids, IReadOnlyList<ProcessReading> processes, long pageSize,
        out IReadOnlyDictionary<int, int[]> outsideTrees)
    {
        var byPid = new Dictionary<int, ProcessReading>(processes.Count);
        foreach (var process in processes) byPid[process.Stat.Pid] = process;
        var children = processes.ToLookup(p => p.Stat.ParentPid);
        var groups = processes.ToLookup(p => p.Stat.ProcessGroup);

        var trees = new Dictionary<int, TreeUsage>(rootPids.Count);
        var outside = new Dictionary<int, int[]>();
        foreach (var root in rootPids)
        {
            if (root <= 0) continue; // 0 is the kernel's parent and group of its own threads, never a managed pid
            var members = MembersOf(root, byPid, children, groups);
            if (members.Count > 0)
                trees[root] = TotalOfTree(root, members, pageSize);
            var descendants = MembersOf(root, byPid, children, groups: EmptyGroups).Select(m => m.Stat.Pid).ToHashSet();
            if (groups[root].Where(m => !descendants.Contains(m.Stat.Pid)).Select(m => m.Stat.Pid).ToArray() is { Length: > 0 } strays)
                outside[root] = strays;
        }
        outsideTrees = outside;
        return trees;
    }

    private static readonly ILookup<int, ProcessReading> EmptyGroups = Array.Empty<ProcessReading>().ToLookup(p => p.Stat.ProcessGroup);

    /// <summary>A tree's totals from its members' readings, however they were found.</summary>
    internal static TreeUsage TotalOfTree(int root, List<ProcessReading> members, long pageSize) =>
        Total(root, members, pageSize, p => p.OwnCpuTicks + p.ReapedChildrenTicks);

    private static List<ProcessReading> MembersOf(
        int root, Dictionary<int, ProcessReading> byPid, ILookup<int, ProcessReading> children, ILookup<int, ProcessReading> groups)
    {
        var pending = new Stack<ProcessReading>(groups[root]);
        if (byPid.TryGetValue(root, out var rootProcess)) pending.Push(rootProcess);
        var seen = new HashSet<int>();
        var members = new List<ProcessReading>();
        while (pending.TryPop(out var process))
        {
            if (!seen.Add(process.Stat.Pid)) continue;
            members.Add(process);
            foreach (var child in children[process.Stat.Pid]) pending.Push(child);
        }
        return members;
    }

    private static TreeUsage Total(int root, List<ProcessReading> members, long pageSize, Func<ProcessReading, ulong> cpuTicksOf)
    {
        ulong cpuTicks = 0;
        long rssPages = 0;
        var threads = 0;
        foreach (var member in members)
        {
            cpuTicks += cpuTicksOf(member);
            if (!member.IsZombie) rssPages += member.RssPages; // a zombie has released its memory
            threads += member.Threads;
        }
        var start = members.Find(m => m.Stat.Pid == root)?.Stat.StartTimeTicks ?? members.Min(m => m.Stat.StartTimeTicks);
        return new TreeUsage(root, cpuTicks, rssPages * pageSize, threads, members.Count, start);
    }
}
