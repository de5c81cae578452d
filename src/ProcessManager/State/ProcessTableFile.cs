using Microsoft.Extensions.Logging;
using Newtonsoft.Json;

namespace BlueZero.ProcessManager.State;

/// <summary>
/// Keeps a <see cref="ProcessTable"/> on disk: <c>process-table.json</c> in the node's data directory. Every change
/// schedules a write; writes are coalesced on one background task (a burst of changes costs one write, never a
/// blocked actor), paced so that writing takes at most half the time, and atomic (write a temporary file, then rename over the old one). A corrupt or truncated file
/// is moved aside with a clear log line and the node starts with an empty table.
/// </summary>
public sealed class ProcessTableFile : IDisposable
{
    private const int FormatVersion = 1;
    private static readonly JsonSerializerSettings Settings = new()
    {
        TypeNameHandling = TypeNameHandling.None,
        NullValueHandling = NullValueHandling.Ignore,
        DateParseHandling = DateParseHandling.DateTimeOffset,
        Formatting = Formatting.None,
    };

    private sealed record Document(int Version, string HostName, IReadOnlyList<ManagedEntry> Entries);

    private readonly string _path;
    private readonly string _hostName;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _dirty = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private ProcessTable? _table;
    private Task? _writer;

    public ProcessTableFile(string dataDirectory, string hostName, ILogger logger)
    {
        Directory.CreateDirectory(dataDirectory);
        _path = Path.Combine(dataDirectory, "process-table.json");
        _hostName = hostName;
        _logger = logger;
    }

    public string FilePath => _path;

    /// <summary>Reads the table; a damaged file is moved aside and yields an empty table.</summary>
    public ProcessTable Load()
    {
        if (!File.Exists(_path)) return Attach(new ProcessTable());
        try
        {
            var document = JsonConvert.DeserializeObject<Document>(File.ReadAllText(_path), Settings)
                           ?? throw new JsonException("the file is empty");
            if (document.Version != FormatVersion) throw new JsonException($"unknown format version {document.Version}");
            if (document.Entries.Any(e => e?.Spec?.Path is null || e.Spec.Args is null || e.State is null))
                throw new JsonException("an entry is incomplete");
            _logger.LogInformation("Loaded {Count} entries from {Path}", document.Entries.Count, _path);
            // Processes recorded as live were children of an earlier node process: re-adopt, never reap, them.
            return Attach(new ProcessTable(document.Entries.Select(e => e.HasLiveProcess ? e with { Adopted = true } : e)));
        }
        catch (Exception ex) when (ex is JsonException or IOException or InvalidOperationException or ArgumentException)
        {
            var aside = $"{_path}.corrupt-{DateTime.UtcNow:yyyyMMddTHHmmss.fffZ}";
            File.Move(_path, aside, overwrite: true);
            _logger.LogError("The process table {Path} is damaged ({Reason}); moved it to {Aside} and started with an empty table",
                _path, ex.Message, aside);
            return Attach(new ProcessTable());
        }
    }

    private ProcessTable Attach(ProcessTable table)
    {
        _table = table;
        table.Changed += MarkDirty;
        _writer = Task.Run(WriteLoop);
        return table;
    }

    private void MarkDirty()
    {
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
                var writing = System.Diagnostics.Stopwatch.StartNew();
                WriteNow();
                // A big table (10,000 entries is megabytes of JSON) changing all the time would keep a core busy
                // rewriting it: rest as long as the write took, so the writer uses at most half a core.
                await Task.Delay(writing.Elapsed, _stop.Token);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Writes the current table atomically. Called by the background loop and on shutdown.</summary>
    public void WriteNow()
    {
        if (_table is null) return;
        var temporary = _path + ".tmp";
        try
        {
            var json = JsonConvert.SerializeObject(new Document(FormatVersion, _hostName, _table.All()), Settings);
            lock (_stop)
            {
                File.WriteAllText(temporary, json);
                File.Move(temporary, _path, overwrite: true);
            }
        }
        catch (IOException ex)
        {
            _logger.LogError("Could not write the process table {Path}: {Reason}", _path, ex.Message);
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
    }
}
