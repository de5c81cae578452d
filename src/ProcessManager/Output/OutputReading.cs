using BlueZero.Messages.Protocol;
using BlueZero.ProcessManager.State;

namespace BlueZero.ProcessManager.Output;

/// <summary>
/// Answers read_output from an entry's log and its record in the table. Runs off the actor thread: a follower's
/// read may wait for the next line, and that wait must hold no actor.
/// </summary>
public static class OutputReading
{
    /// <summary>How long after its end an entry whose pipes are still open (a daemonised grandchild holds them) counts as drained.</summary>
    public static readonly TimeSpan DrainGrace = TimeSpan.FromSeconds(2);

    /// <summary>The longest a node holds a follower's read open; the hub asks again.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);

    public static async Task<INodeReply> Answer(OutputLog log, ProcessTable table, long entryId, ReadOutput read)
    {
        if (read.WaitMs > 0)
        {
            var wait = TimeSpan.FromMilliseconds(Math.Min(read.WaitMs, MaxWait.TotalMilliseconds));
            // A since_seq beyond the newest line counts as the newest line, as next_seq does.
            var after = Math.Min(read.SinceSeq ?? long.MaxValue, log.LastSeq);
            await log.WaitForLines(after, wait, () => IsOver(table.Get(entryId), log));
        }
        var (lines, nextSeq, dropped) = log.Read(read.Stream, read.SinceSeq, read.Tail);
        var entry = table.Get(entryId);
        // Final only once the last lines are in: the pipes are closed, or the entry ended long enough ago.
        var final = IsOver(entry, log) && nextSeq >= log.LastSeq;
        return new OutputRead(entry?.Pid, lines, nextSeq, dropped, entry?.HasLiveProcess ?? false, final, entry?.LastExit);
    }

    private static bool IsOver(ManagedEntry? entry, OutputLog log) =>
        entry is null || (entry.IsFinal && (!log.Open || DateTimeOffset.UtcNow - (entry.EndedAt ?? entry.StartedAt) > DrainGrace));
}
