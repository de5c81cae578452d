using System.Collections.Concurrent;
using BlueZero.Mesh.Configuration;

namespace BlueZero.ProcessManager.Output;

/// <summary>
/// The output logs of a node's entries, by entry id, with their files under <c>DATA-DIR/output/ID/</c>. Like the
/// process table it lives outside the actor system, so a node that rejoins the cluster keeps reading its pipes.
/// A log is removed, files and all, when retention drops its entry.
/// </summary>
public sealed class OutputStore(OutputSettings settings, string? dataDirectory)
{
    private readonly ConcurrentDictionary<long, OutputLog> _logs = new();

    public OutputSettings Settings => settings;

    public OutputLog For(long entryId) =>
        _logs.GetOrAdd(entryId, id => new OutputLog(settings, dataDirectory is null ? null : Path.Combine(dataDirectory, "output", id.ToString())));

    public OutputLog? Find(long entryId) => _logs.GetValueOrDefault(entryId);

    public int Count => _logs.Count;

    public void Remove(long entryId)
    {
        if (_logs.TryRemove(entryId, out var log)) log.Delete();
    }
}
