using System.Text.Json;

namespace BlueZero.Bench;

/// <summary>
/// Reads a node's durable process table, <c>&lt;data-dir&gt;/process-table.json</c> (<c>{"Version":1,"HostName":...,
/// "Entries":[{"Spec":{...,"Name":...},"State":"running","Pid":123,...}]}</c>), from outside the node.
/// </summary>
internal static class ProcessTableProbe
{
    public const string FileName = "process-table.json";

    /// <summary>
    /// How many entries of the file are in state "running" with one of <paramref name="pids"/>; 0 while the file
    /// does not exist yet or cannot be read (the node replaces it atomically, so a read sees one whole version).
    /// </summary>
    public static int CountRunning(string dataDir, IReadOnlySet<int> pids)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dataDir, FileName)));
            return document.RootElement.GetProperty("Entries").EnumerateArray().Count(entry =>
                entry.TryGetProperty("State", out var state) && state.ValueKind == JsonValueKind.String && state.GetString() == "running"
                && entry.TryGetProperty("Pid", out var pid) && pid.ValueKind == JsonValueKind.Number && pids.Contains(pid.GetInt32()));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or KeyNotFoundException
                                       or InvalidOperationException or FormatException)
        {
            return 0;
        }
    }
}
