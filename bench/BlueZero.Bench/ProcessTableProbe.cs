using System.Text.Json;

namespace BlueZero.Bench;

/// <summary>
/// Reads a node's durable process table from outside the node: the snapshot <c>&lt;data-dir&gt;/process-table.json</c>
/// (<c>{"Version":1,"HostName":...,"Entries":[{"Id":1,"State":"running","Pid":123,...}],"Journal":G}</c>) and the
/// changes since, <c>process-table.journal</c> (a <c>{"Journal":G}</c> line, then <c>{"Put":{entry}}</c> or
/// <c>{"Remove":id}</c> lines).
/// </summary>
internal static class ProcessTableProbe
{
    public const string FileName = "process-table.json";
    public const string JournalName = "process-table.journal";

    /// <summary>
    /// How many entries are in state "running" with one of <paramref name="pids"/>; 0 while the files do not exist yet
    /// or cannot be read. A read that races a compaction may count too few; callers poll.
    /// </summary>
    public static int CountRunning(string dataDir, IReadOnlySet<int> pids)
    {
        try
        {
            var running = new Dictionary<long, bool>();
            using var snapshot = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dataDir, FileName)));
            foreach (var entry in snapshot.RootElement.GetProperty("Entries").EnumerateArray())
                running[entry.GetProperty("Id").GetInt64()] = IsRunning(entry, pids);
            if (snapshot.RootElement.TryGetProperty("Journal", out var generation))
                ApplyJournal(Path.Combine(dataDir, JournalName), generation.GetInt64(), running, pids);
            return running.Values.Count(r => r);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or KeyNotFoundException
                                       or InvalidOperationException or FormatException)
        {
            return 0;
        }
    }

    private static void ApplyJournal(string path, long generation, Dictionary<long, bool> running, IReadOnlySet<int> pids)
    {
        if (!File.Exists(path)) return;
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0) return;
        using (var header = JsonDocument.Parse(lines[0]))
            if (!header.RootElement.TryGetProperty("Journal", out var journal) || journal.GetInt64() != generation) return;
        foreach (var text in lines.Skip(1))
        {
            JsonDocument line;
            try
            {
                line = JsonDocument.Parse(text);
            }
            catch (JsonException)
            {
                return; // a line being written right now
            }
            using (line)
            {
                if (line.RootElement.TryGetProperty("Put", out var put)) running[put.GetProperty("Id").GetInt64()] = IsRunning(put, pids);
                else if (line.RootElement.TryGetProperty("Remove", out var removed)) running.Remove(removed.GetInt64());
            }
        }
    }

    private static bool IsRunning(JsonElement entry, IReadOnlySet<int> pids) =>
        entry.TryGetProperty("State", out var state) && state.ValueKind == JsonValueKind.String && state.GetString() == "running"
        && entry.TryGetProperty("Pid", out var pid) && pid.ValueKind == JsonValueKind.Number && pids.Contains(pid.GetInt32());
}
