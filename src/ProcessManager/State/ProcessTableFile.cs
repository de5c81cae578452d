using BlueZero.Messages.Serialization;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json;

namespace BlueZero.ProcessManager.State;

/// <summary>
/// Keeps a <see cref="ProcessTable"/> on disk in the node's data directory, as a snapshot plus a journal:
/// <list type="bullet">
/// <item><c>process-table.json</c>, the whole table, written atomically (a temporary file, then a rename);</item>
/// <item><c>process-table.journal</c>, one JSON line per change since that snapshot: the entry as it now is, or the
/// id of an entry pruned.</item>
/// </list>
/// A change costs one short line, not a rewrite of the whole table (a thousand retained entries are half a megabyte of
/// JSON, which rewritten on every start and stop kept a node's core busy). When the journal outgrows the table, the
/// snapshot is rewritten and the journal starts again. Writes happen on one background task, so no actor waits for
/// the disk. The snapshot names the generation of the journal that continues it; a journal of another generation
/// (left by a crash in the middle of a compaction) is older than the snapshot and ignored. A damaged snapshot is moved
/// aside with a clear log line and the node starts with an empty table; a torn last journal line (a crash during an
/// append) is dropped.
/// </summary>
public sealed class ProcessTableFile : IDisposable
{
    private const int FormatVersion = 1;

    /// <summary>The journal is folded into a new snapshot once it has more lines than this and than twice the table's entries.</summary>
    private const int MinCompactionLines = 1000;

    private static JsonSerializerSettings Settings => DiskJson.Settings;

    /// <param name="Journal">Generation of the journal that continues this snapshot; absent in files of older versions.</param>
    private sealed record Document(int Version, string HostName, IReadOnlyList<ManagedEntry> Entries, long? Journal = null);

    /// <summary>One journal line: the header (<c>Journal</c>), an entry as it now is (<c>Put</c>) or a pruned id (<c>Remove</c>).</summary>
    private sealed record JournalLine(long? Journal = null, ManagedEntry? Put = null, long? Remove = null);

    private readonly string _path;
    private readonly string _journalPath;
    private readonly string _hostName;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _dirty = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly object _fileGate = new();
    private readonly object _pendingGate = new();
    private HashSet<long> _pending = [];
    private ProcessTable? _table;
    private Task? _writer;
    private StreamWriter? _journal;
    private long _generation;
    private int _journalLines;

    public ProcessTableFile(string dataDirectory, string hostName, ILogger logger)
    {
        Directory.CreateDirectory(dataDirectory);
        _path = Path.Combine(dataDirectory, SnapshotName);
        _journalPath = Path.Combine(dataDirectory, JournalName);
        _hostName = hostName;
        _logger = logger;
    }

    public string FilePath => _path;

    public string JournalPath => _journalPath;

    public const string SnapshotName = "process-table.json";
    public const string JournalName = "process-table.journal";

    /// <summary>How the journal next to a snapshot was found.</summary>
    public enum JournalFinding { None, Applied, OtherGeneration, TornLastLine, DamagedLine, Unreadable }

    /// <summary>
    /// The table as the files in <paramref name="dataDirectory"/> hold it, read without changing anything (the node's
    /// own start and the benchmark's probe both read it this way).
    /// </summary>
    /// <param name="DamagedLine">1-based line of the journal where replay stopped, for <see cref="JournalFinding.DamagedLine"/>.</param>
    public sealed record OnDisk(IReadOnlyList<ManagedEntry> Entries, long Generation, int JournalLines, JournalFinding Journal,
        int? DamagedLine = null, string? Problem = null);

    /// <summary>
    /// Reads the snapshot and replays its journal. Null when there is no snapshot. Throws <see cref="JsonException"/>
    /// (or an I/O exception) when the snapshot is damaged; a journal problem only stops the replay and is reported.
    /// </summary>
    public static OnDisk? Read(string dataDirectory)
    {
        var snapshotPath = Path.Combine(dataDirectory, SnapshotName);
        if (!File.Exists(snapshotPath)) return null;
        var document = JsonConvert.DeserializeObject<Document>(File.ReadAllText(snapshotPath), Settings)
                       ?? throw new JsonException("the file is empty");
        if (document.Version != FormatVersion) throw new JsonException($"unknown format version {document.Version}");
        if (document.Entries.Any(e => !IsComplete(e))) throw new JsonException("an entry is incomplete");
        var entries = new SortedDictionary<long, ManagedEntry>();
        foreach (var entry in document.Entries) entries[entry.Id] = entry;
        var generation = document.Journal ?? 0;
        var (applied, finding, damagedLine, problem) = document.Journal is null
            ? (0, JournalFinding.None, null, null)
            : Replay(Path.Combine(dataDirectory, JournalName), generation, entries);
        return new OnDisk(entries.Values.ToList(), generation, applied, finding, damagedLine, problem);
    }

    /// <summary>Reads the snapshot and replays its journal; a damaged snapshot is moved aside and yields an empty table.</summary>
    public ProcessTable Load()
    {
        IReadOnlyList<ManagedEntry> entries = [];
        try
        {
            if (Read(Path.GetDirectoryName(_path)!) is { } onDisk)
            {
                entries = onDisk.Entries;
                _generation = onDisk.Generation;
                ReportJournal(onDisk);
                _logger.LogInformation("Loaded {Count} entries from {Path} ({Replayed} journal lines)", entries.Count, _path, onDisk.JournalLines);
            }
        }
        catch (Exception ex) when (ex is JsonException or IOException or InvalidOperationException or ArgumentException)
        {
            var aside = MoveAside(_path);
            _logger.LogError("The process table {Path} is damaged ({Reason}); moved it to {Aside} and started with an empty table",
                _path, ex.Message, aside);
        }
        // Processes recorded as live were children of an earlier node process: re-adopt, never reap, them.
        return Attach(new ProcessTable(entries.Select(e => e.HasLiveProcess ? e with { Adopted = true } : e)));
    }

    private void ReportJournal(OnDisk onDisk)
    {
        switch (onDisk.Journal)
        {
            case JournalFinding.OtherGeneration:
                _logger.LogInformation("Ignored {Path}: it does not continue the snapshot (generation {Generation})", _journalPath, onDisk.Generation);
                break;
            case JournalFinding.TornLastLine:
                _logger.LogWarning("Dropped the last line of {Path}: it was cut short (the node stopped while writing it)", _journalPath);
                break;
            case JournalFinding.Unreadable:
                // The snapshot is good; losing the journal's changes beats losing every entry.
                _logger.LogError("Could not read the journal {Path} ({Reason}); loaded the snapshot alone", _journalPath, onDisk.Problem);
                break;
            case JournalFinding.DamagedLine:
                string aside;
                try
                {
                    aside = MoveAside(_journalPath);
                }
                catch (IOException ex)
                {
                    aside = $"nowhere ({ex.Message}); the next snapshot replaces it";
                }
                _logger.LogError("The journal {Path} is damaged at line {Line}; kept the {Applied} changes before it and moved it to {Aside}",
                    _journalPath, onDisk.DamagedLine, onDisk.JournalLines, aside);
                break;
        }
    }

    private static bool IsComplete(ManagedEntry? entry) => entry?.Spec?.Path is not null && entry.Spec.Args is not null;

    /// <summary>Applies the journal at <paramref name="path"/>, if it is of <paramref name="generation"/>, to <paramref name="entries"/>.</summary>
    private static (int Applied, JournalFinding Finding, int? DamagedLine, string? Problem) Replay(
        string path, long generation, SortedDictionary<long, ManagedEntry> entries)
    {
        if (!File.Exists(path)) return (0, JournalFinding.None, null, null);
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (0, JournalFinding.Unreadable, null, ex.Message);
        }
        if (lines.Length == 0 || TryParse(lines[0]) is not { Journal: { } header } || header != generation)
            return (0, JournalFinding.OtherGeneration, null, null);
        var applied = 0;
        for (var index = 1; index < lines.Length; index++)
        {
            var line = TryParse(lines[index]);
            if (line?.Put is { } put && IsComplete(put)) entries[put.Id] = put;
            else if (line?.Remove is { } removed) entries.Remove(removed);
            else if (index == lines.Length - 1) return (applied, JournalFinding.TornLastLine, null, null);
            else return (applied, JournalFinding.DamagedLine, index + 1, null);
            applied++;
        }
        return (applied, JournalFinding.Applied, null, null);
    }

    private static JournalLine? TryParse(string line)
    {
        try
        {
            return JsonConvert.DeserializeObject<JournalLine>(line, Settings);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string MoveAside(string path)
    {
        var aside = $"{path}.corrupt-{DateTime.UtcNow:yyyyMMddTHHmmss.fffZ}";
        File.Move(path, aside, overwrite: true);
        return aside;
    }

    private ProcessTable Attach(ProcessTable table)
    {
        _table = table;
        // Start from a fresh snapshot, so the journal only ever holds this run's changes.
        WriteNow();
        table.Changed += MarkDirty;
        _writer = Task.Run(WriteLoop);
        return table;
    }

    private void MarkDirty(long id)
    {
        lock (_pendingGate) _pending.Add(id);
        try
        {
            _dirty.Release();
        }
        catch (SemaphoreFullException)
        {
            // a write is already pending; it will include this change
        }
    }

    private async Task WriteLoop()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                await _dirty.WaitAsync(_stop.Token);
                try
                {
                    WritePending();
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Never end persistence for the rest of the node's life; the next change tries again.
                    _logger.LogError(ex, "Could not write the process table {Path}", _path);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Appends the entries changed since the last write to the journal, or folds everything into a new snapshot.</summary>
    private void WritePending()
    {
        HashSet<long> ids;
        lock (_pendingGate)
        {
            ids = _pending;
            _pending = [];
        }
        if (ids.Count == 0 || _table is not { } table) return;
        lock (_fileGate)
        {
            if (_journal is null || _journalLines + ids.Count > Math.Max(MinCompactionLines, 2 * table.Count))
            {
                WriteNow();
                return;
            }
            try
            {
                foreach (var id in ids)
                {
                    var line = table.Get(id) is { } entry ? new JournalLine(Put: entry) : new JournalLine(Remove: id);
                    _journal.WriteLine(JsonConvert.SerializeObject(line, Settings));
                    _journalLines++;
                }
                _journal.Flush();
            }
            catch (IOException ex)
            {
                _logger.LogError("Could not append to the process table journal {Path}: {Reason}; writing a snapshot instead", _journalPath, ex.Message);
                WriteNow();
            }
        }
    }

    /// <summary>
    /// Writes the whole table as a new snapshot and starts its journal. Called at start, when the journal has grown,
    /// and on shutdown.
    /// </summary>
    public void WriteNow()
    {
        if (_table is null) return;
        lock (_fileGate)
        {
            try
            {
                var generation = _generation + 1;
                var json = JsonConvert.SerializeObject(new Document(FormatVersion, _hostName, _table.All(), generation), Settings);
                DiskJson.ReplaceAtomically(_path, json);
                // Until this rename, the journal on disk is of the old generation and ignored next to the new snapshot.
                DiskJson.ReplaceAtomically(_journalPath, JsonConvert.SerializeObject(new JournalLine(Journal: generation), Settings) + "\n");
                _journal?.Dispose();
                _journal = new StreamWriter(new FileStream(_journalPath, FileMode.Append, FileAccess.Write, FileShare.Read));
                _generation = generation;
                _journalLines = 0;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The disk may now hold a snapshot whose journal was not started: append nothing more to the old
                // journal (it would be ignored); the next change writes a whole snapshot again.
                _journal?.Dispose();
                _journal = null;
                _logger.LogError("Could not write the process table {Path}: {Reason}", _path, ex.Message);
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _writer?.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
        WriteNow();
        lock (_fileGate)
        {
            _journal?.Dispose();
            _journal = null;
        }
    }
}
