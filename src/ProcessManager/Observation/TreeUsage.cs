namespace BlueZero.ProcessManager.Observation;

/// <summary>Totals over one managed process tree at one moment.</summary>
/// <param name="CpuTicks">
/// Cpu time of the members plus that of the children they have reaped, in clock ticks: with the reaped children
/// counted, the total does not drop when a short-lived member (a compiler run by make) exits and is waited for.
/// </param>
/// <param name="StartTimeTicks">The root's start time since boot, or the earliest member's once the root is gone.</param>
public sealed record TreeUsage(int RootPid, ulong CpuTicks, long RssBytes, int Threads, int Processes, ulong StartTimeTicks);
