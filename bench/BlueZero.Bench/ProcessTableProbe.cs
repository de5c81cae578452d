using BlueZero.Messages.Protocol;
using BlueZero.ProcessManager.State;

namespace BlueZero.Bench;

/// <summary>
/// Reads a node's durable process table from outside the node, with the node's own reader
/// (<see cref="ProcessTableFile.Read"/>: the snapshot <c>process-table.json</c> plus its journal), which changes nothing.
/// </summary>
internal static class ProcessTableProbe
{
    /// <summary>
    /// How many entries are in state "running" with one of <paramref name="pids"/>; 0 while the files do not exist yet
    /// or cannot be read. A read that races a compaction may count too few; callers poll.
    /// </summary>
    public static int CountRunning(string dataDir, IReadOnlySet<int> pids)
    {
        try
        {
            return ProcessTableFile.Read(dataDir)?.Entries.Count(e => e.State == ProcessState.Running && e.Pid is { } pid && pids.Contains(pid)) ?? 0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Newtonsoft.Json.JsonException
                                       or InvalidOperationException or ArgumentException)
        {
            return 0;
        }
    }
}
