using System.Diagnostics;
using System.Globalization;
using System.Text;
using BlueZero.Messages.Protocol;
using BlueZero.ProcessManager.State;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Newtonsoft.Json;

namespace BlueZero.ProcessManager.Events;

/// <summary>
/// The node's events, kept until the hub has stored them. It lives outside the actor system (like the process table),
/// so a node that rejoins with a fresh actor system keeps its unshipped events. On disk, under DATA-DIR/events/:
/// <list type="bullet">
/// <item><c>journal.json</c>: the <see cref="JournalId"/> (random, made when the journal is created) and the NodeSeq up
/// to which events were trimmed, so numbering continues after a restart even when every event was trimmed;</item>
/// <item>segments <c>NODESEQ.jsonl</c> (named by their first NodeSeq), one <see cref="JournaledEvent"/> per line. A
/// segment is deleted once all its events are acknowledged (or dropped) and a newer segment is being written, so
/// trimming never rewrites anything.</item>
/// </list>
/// An acknowledgement moves the trim point in memory; <c>journal.json</c> is rewritten before a segment is deleted, at
/// most once a second otherwise, and when the journal is closed. A per-acknowledgement rewrite (and deleting the
/// segment being written, then creating the next) cost the node a file create, rename and unlink per event. So a
/// crash may send up to a second of acknowledged events again, which the hub drops as duplicates; numbering never
/// goes back, because the segments that hold the newest NodeSeqs stay until the trim point past them is on disk.
/// An append is a write flushed to the OS, not an fsync: the event survives a crash of the node process, not a power
/// cut (an fsync per event would cost more than the 5 % of start latency allowed). A torn last line left by a crash
/// in the middle of a write is cut off when the journal is opened. Bounded: when full, the oldest events are dropped and
/// an <see cref="MeshEventType.EventsDropped"/> event counts them. Every member is thread-safe: entry actors append
/// from any thread, the shipper reads and acknowledges.
/// </summary>
public sealed class EventJournal : IDisposable
{
    public const string DirectoryName = "events";
    private const string MetaName = "journal.json";
    private const string SegmentSuffix = ".jsonl";

    /// <summary>Events per segment file: small enough that an acknowledged segment goes soon, large enough to be few.</summary>
    private const int SegmentEvents = 4096;

    /// <summary>How stale the trim point on disk may get: what a crash may send again (see the class comment).</summary>
    private static readonly TimeSpan MetaWriteInterval = TimeSpan.FromSeconds(1);

    private sealed record Meta(string JournalId, long TrimmedThrough);

    private sealed class Segment(string path, long firstSeq)
    {
        public string Path { get; } = path;
        public long LastSeq { get; set; } = firstSeq - 1;
        public int Lines { get; set; }
    }

    private readonly object _gate = new();
    private readonly string? _directory;
    private readonly string _hostName;
    private readonly int _maxEvents;
    private readonly ILogger _logger;
    /// <summary>The unacknowledged events, oldest first from <see cref="_head"/>; their NodeSeqs are consecutive.</summary>
    private readonly List<JournaledEvent> _events = new();
    private int _head;
    private readonly List<Segment> _segments = new();
    private FileStream? _current;
    private readonly JournalLineWriter _lines = new();
    private long _lastSeq;
    private long _trimmedThrough;
    private long _trimmedThroughOnDisk;
    private long _metaWrittenAt = long.MinValue / 2;

    private EventJournal(string? directory, string hostName, int maxEvents, ILogger logger, string journalId)
    {
        _directory = directory;
        _hostName = hostName;
        _maxEvents = maxEvents;
        _logger = logger;
        JournalId = journalId;
    }

    /// <summary>Made when the journal was first created; the hub tells journals apart by it (a wiped data directory numbers from 1 again).</summary>
    public string JournalId { get; }

    /// <summary>The NodeSeq of the newest event ever appended (0 before the first); never reused.</summary>
    public long LastNodeSeq
    {
        get { lock (_gate) return _lastSeq; }
    }

    /// <summary>Events not yet acknowledged.</summary>
    public int Count
    {
        get { lock (_gate) return _events.Count - _head; }
    }

    /// <summary>A journal that keeps nothing on disk (tests, and managers created without a data directory).</summary>
    public static EventJournal InMemory(string hostName, int maxEvents) =>
        new(null, hostName, maxEvents, NullLogger.Instance, NewJournalId());

    /// <summary>Opens (or creates) the journal in <paramref name="dataDirectory"/>/events and reads back what was not trimmed.</summary>
    public static EventJournal Open(string dataDirectory, string hostName, int maxEvents, ILogger logger)
    {
        var directory = Path.Combine(dataDirectory, DirectoryName);
        Directory.CreateDirectory(directory);
        var meta = ReadMeta(Path.Combine(directory, MetaName), logger);
        var journal = new EventJournal(directory, hostName, maxEvents, logger, meta?.JournalId ?? NewJournalId());
        journal.Load(meta?.TrimmedThrough ?? 0);
        return journal;
    }

    private static string NewJournalId() => Guid.NewGuid().ToString("N");

    private static Meta? ReadMeta(string path, ILogger logger)
    {
        if (!File.Exists(path)) return null;
        try
        {
            return JsonConvert.DeserializeObject<Meta>(File.ReadAllText(path), DiskJson.Settings) is { JournalId.Length: > 0 } meta ? meta : null;
        }
        catch (Exception ex) when (ex is JsonException or IOException)
        {
            logger.LogError("The event journal's {Path} is unreadable ({Reason}); starting a new journal id, numbering continues from the segments", path, ex.Message);
            return null;
        }
    }

    private void Load(long trimmedThrough)
    {
        _trimmedThrough = _trimmedThroughOnDisk = trimmedThrough;
        _lastSeq = trimmedThrough;
        var files = Directory.EnumerateFiles(_directory!, "*" + SegmentSuffix)
            .Select(path => (path, first: long.TryParse(Path.GetFileNameWithoutExtension(path), NumberStyles.None, CultureInfo.InvariantCulture, out var seq) ? seq : -1))
            .Where(file => file.first > 0)
            .OrderBy(file => file.first);
        foreach (var (path, first) in files)
        {
            var segment = new Segment(path, first);
            foreach (var journaled in ReadSegment(path))
            {
                segment.Lines++;
                segment.LastSeq = Math.Max(segment.LastSeq, journaled.NodeSeq);
                _lastSeq = Math.Max(_lastSeq, journaled.NodeSeq);
                if (journaled.NodeSeq > _trimmedThrough && (_events.Count == 0 || journaled.NodeSeq > _events[^1].NodeSeq))
                    _events.Add(journaled);
            }
            if (segment.Lines > 0) _segments.Add(segment);
            else File.Delete(path); // nothing whole in it (a torn first line): appends start a new segment
        }
        if (_events.Count > 0)
            _logger.LogInformation("Event journal {Id}: {Count} events not yet acknowledged by a hub, NodeSeq {First} to {Last}",
                JournalId, _events.Count, _events[0].NodeSeq, _lastSeq);
        WriteMeta(); // so a new journal's id is on disk before its first event
        TrimFiles();
    }

    /// <summary>Every whole line of a segment; a torn last line (a crash during a write) is cut off the file.</summary>
    private IEnumerable<JournaledEvent> ReadSegment(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var whole = Array.LastIndexOf(bytes, (byte)'\n') + 1;
        if (whole < bytes.Length)
        {
            _logger.LogWarning("Event journal {Path}: skipped a torn last line of {Bytes} bytes (the node stopped in the middle of a write)", path, bytes.Length - whole);
            using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
            file.SetLength(whole);
        }
        var lineNumber = 0;
        foreach (var line in Encoding.UTF8.GetString(bytes, 0, whole).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            lineNumber++;
            JournaledEvent? journaled = null;
            try
            {
                journaled = JsonConvert.DeserializeObject<JournaledEvent>(line, DiskJson.Settings);
            }
            catch (JsonException ex)
            {
                _logger.LogWarning("Event journal {Path}: skipped damaged line {Line} ({Reason})", path, lineNumber, ex.Message);
            }
            if (journaled?.Event is not null) yield return journaled;
        }
    }

    /// <summary>Numbers the event, writes it to the journal and flushes it to the OS before anyone may ship it.</summary>
    public JournaledEvent Append(MeshEvent mesh)
    {
        lock (_gate)
        {
            if (_events.Count - _head >= _maxEvents) DropOldest();
            return AppendLocked(mesh);
        }
    }

    /// <summary>Up to <paramref name="max"/> unacknowledged events, oldest first.</summary>
    public IReadOnlyList<JournaledEvent> Read(int max)
    {
        lock (_gate) return _events.GetRange(_head, Math.Min(max, _events.Count - _head));
    }

    /// <summary>The hub has stored every event up to <paramref name="upToNodeSeq"/>: forget them, here and on disk.</summary>
    public void Acknowledge(long upToNodeSeq)
    {
        lock (_gate)
        {
            var through = Math.Min(upToNodeSeq, _lastSeq);
            if (through <= _trimmedThrough) return;
            TrimThrough(through);
        }
    }

    private JournaledEvent AppendLocked(MeshEvent mesh)
    {
        var journaled = new JournaledEvent(++_lastSeq, mesh);
        _events.Add(journaled);
        if (_directory is not null) Write(journaled);
        return journaled;
    }

    private void Write(JournaledEvent journaled)
    {
        try
        {
            if (_current is null || _segments[^1].Lines >= SegmentEvents)
            {
                _current?.Dispose();
                var path = Path.Combine(_directory!, journaled.NodeSeq.ToString("D20", CultureInfo.InvariantCulture) + SegmentSuffix);
                _current = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 4096);
                _segments.Add(new Segment(path, journaled.NodeSeq));
            }
            _current.Write(_lines.Line(journaled));
            _current.Flush(); // to the OS, no fsync: see the class comment
            var segment = _segments[^1];
            segment.Lines++;
            segment.LastSeq = journaled.NodeSeq;
        }
        catch (IOException ex)
        {
            // The event still ships from memory; only a node restart before the hub has it would lose it.
            _logger.LogError("Could not write event {Seq} to the event journal in {Directory}: {Reason}", journaled.NodeSeq, _directory, ex.Message);
            _current?.Dispose();
            _current = null;
        }
    }

    /// <summary>
    /// Makes room by dropping the oldest 1 % (at least 2: room for the next event and the marker), and records how many
    /// were lost in an events_dropped event. A dropped marker's own count is carried over, so the total stays right.
    /// </summary>
    private void DropOldest()
    {
        var dropCount = Math.Min(_events.Count - _head, Math.Max(2, _maxEvents / 100));
        var dropped = _events.GetRange(_head, dropCount);
        var lost = dropped.Sum(d => d.Event.Type == MeshEventType.EventsDropped ? d.Event.Count ?? 0 : 1);
        TrimThrough(dropped[^1].NodeSeq);
        _logger.LogWarning("Event journal full ({Max} events not acknowledged by a hub): dropped the oldest {Count}", _maxEvents, lost);
        AppendLocked(new MeshEvent(MeshEventType.EventsDropped, DateTimeOffset.UtcNow, _hostName, Count: lost));
    }

    private void TrimThrough(long nodeSeq)
    {
        while (_head < _events.Count && _events[_head].NodeSeq <= nodeSeq) _head++;
        if (_head > 1024 && _head * 2 > _events.Count)
        {
            _events.RemoveRange(0, _head);
            _head = 0;
        }
        _trimmedThrough = nodeSeq;
        if (_directory is null) return;
        TrimFiles();
        if (_trimmedThroughOnDisk < _trimmedThrough && Stopwatch.GetElapsedTime(_metaWrittenAt) >= MetaWriteInterval) WriteMeta();
    }

    /// <summary>Deletes the segments the trim point covers whole, but the one being written; the trim point goes to disk first.</summary>
    private void TrimFiles()
    {
        var deletable = 0;
        while (deletable < _segments.Count && _segments[deletable].LastSeq <= _trimmedThrough
               && !(deletable == _segments.Count - 1 && _current is not null))
            deletable++;
        if (deletable == 0) return;
        if (_trimmedThroughOnDisk < _trimmedThrough && !WriteMeta()) return; // numbering must not go back after a crash
        try
        {
            for (; deletable > 0; deletable--)
            {
                File.Delete(_segments[0].Path);
                _segments.RemoveAt(0);
            }
        }
        catch (IOException ex)
        {
            // Untrimmed events are only sent again, and the hub drops duplicates.
            _logger.LogWarning("Could not trim the event journal in {Directory}: {Reason}", _directory, ex.Message);
        }
    }

    /// <summary>Writes journal.json with the trim point; false if it could not (the previous one stays).</summary>
    private bool WriteMeta()
    {
        try
        {
            DiskJson.ReplaceAtomically(Path.Combine(_directory!, MetaName), JsonConvert.SerializeObject(new Meta(JournalId, _trimmedThrough), DiskJson.Settings));
            _trimmedThroughOnDisk = _trimmedThrough;
            _metaWrittenAt = Stopwatch.GetTimestamp();
            return true;
        }
        catch (IOException ex)
        {
            _logger.LogWarning("Could not record the event journal's trim point in {Directory}: {Reason}", _directory, ex.Message);
            return false;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _current?.Dispose();
            _current = null;
            // A clean close leaves nothing acknowledged to send again.
            if (_directory is not null && _trimmedThroughOnDisk < _trimmedThrough) WriteMeta();
        }
    }
}
