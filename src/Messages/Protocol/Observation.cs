namespace BlueZero.Messages.Protocol;

// Output, resource figures and host facts: what a node observes about its processes and its machine.

/// <summary>Which captured stream(s) a read or a follow covers.</summary>
public static class OutputStreams
{
    public const string Stdout = "stdout";
    public const string Stderr = "stderr";
    public const string Both = "both";
    /// <summary>The stream of a line the node writes itself (a run's start); it is read with either stream.</summary>
    public const string Node = "bluezero";
    public static readonly IReadOnlyList<string> All = [Stdout, Stderr, Both];
}

/// <summary>Where a started process's stdout and stderr go (wire strings in WireNames).</summary>
public enum OutputMode { Capture, Discard, Inherit }

/// <summary>
/// Reads captured output. <paramref name="SinceSeq"/> pages forward (lines with seq greater than it);
/// <paramref name="Tail"/> keeps only the last N of what matches. <paramref name="WaitMs"/> above 0 makes the node
/// hold the reply until a line arrives, the entry ends, or the wait is over (the hub's follow mode).
/// </summary>
public sealed record ReadOutput(ProcessTarget Target, string Stream = OutputStreams.Both, int? Tail = null, long? SinceSeq = null, int WaitMs = 0) : INodeCommand;

public sealed record OutputLine(long Seq, string Stream, DateTimeOffset Ts, string Text);

/// <summary>
/// A page of captured output. <paramref name="NextSeq"/> is the since_seq of the next page. <paramref name="Dropped"/>
/// counts lines the reader asked for that had already left the in-memory buffer. <paramref name="Running"/> and
/// <paramref name="Exit"/> let a follower end with the exit code once the entry is over.
/// </summary>
public sealed record OutputRead(int? Pid, IReadOnlyList<OutputLine> Lines, long NextSeq, long Dropped, bool Running, bool Final, ProcessExit? Exit) : INodeReply;

/// <summary>Resource figures for a whole process tree. CpuPercent is of one core (100 = one core busy), over the last sample interval.</summary>
public sealed record ResourceUsage(double CpuPercent, long RssBytes, int Threads, int Processes, double UptimeS);

public sealed record StatsSample(DateTimeOffset At, double CpuPercent, long RssBytes, int Threads);

public sealed record ProcessStatsQuery(ProcessTarget Target) : INodeCommand;

public sealed record ProcessStats(int? Pid, string? Name, ProcessState State, ResourceUsage? Usage, double IntervalS, IReadOnlyList<StatsSample> History) : INodeReply;

public sealed record NodeStateQuery : INodeCommand;

/// <param name="Node">The node process itself.</param>
/// <param name="ManagedProcesses">Entries that may still run (running, stopping, backing off, scheduled).</param>
/// <param name="Managed">Totals over the trees of every managed process that runs.</param>
/// <param name="HostCpuPercent">The whole machine, all cores, over the last sample interval (0–100).</param>
/// <param name="ProcessesByState">Every entry of the node's table (retained final ones too), counted by state; states with
/// no entry are left out. Null from a node that does not send it.</param>
/// <param name="EventsPending">Events in the node's journal that no hub has acknowledged yet (they are resent until one
/// does). Null from a node that does not send it.</param>
public sealed record NodeState(string HostName, ResourceUsage Node, int ManagedProcesses, int RunningProcesses, ResourceUsage Managed,
    double HostCpuPercent, double HostMemoryPercent, IReadOnlyList<StateCount>? ProcessesByState = null, int? EventsPending = null) : INodeReply;

/// <summary>How many entries of a node's table are in <paramref name="State"/>.</summary>
public sealed record StateCount(ProcessState State, int Count);

public sealed record HostInfoQuery : INodeCommand;

public sealed record CpuFacts(string Model, int Cores, double UsagePercent, IReadOnlyList<double> PerCorePercent);

public sealed record MemoryFacts(long TotalBytes, long AvailableBytes, double PercentUsed);

public sealed record DiskFacts(string Mount, string Device, string FsType, long TotalBytes, long AvailableBytes, double PercentUsed);

public sealed record NicFacts(string Name, string Mac, IReadOnlyList<string> Addresses, bool Up);

public sealed record OsFacts(string Kernel, string Distribution, string Hostname, double UptimeS);

public sealed record NodeFacts(string HostName, string Version, DateTimeOffset StartedAt, int ManagedProcesses);

public sealed record HostInfo(CpuFacts Cpu, MemoryFacts Memory, IReadOnlyList<DiskFacts> Disks, IReadOnlyList<NicFacts> Nics, OsFacts Os, NodeFacts Node) : INodeReply;
