using System.Text;
using BlueZero.Messages.Protocol;
using BlueZero.Mesh.Configuration;

namespace BlueZero.ProcessManager.Output;

/// <summary>
/// The captured output of one managed entry, across all its runs: a bounded ring per stream in memory and rotated
/// files on disk. Every line gets the next sequence number of the entry (shared by both streams), so a reader pages
/// forward with since_seq without gaps or duplicates, and a reader of both streams sees them in the order they were read.
/// The node's own lines (a run's start) go into both streams.
/// Written by the pump thread; read from anywhere. A follower waits here for the next line without any actor.
/// </summary>
public sealed class OutputLog : ICapturedOutput
{
    private sealed class StreamBuffer(string name, RotatingLogFile? file)
    {
        public string Name { get; } = name;
        public Queue<OutputLine> Lines { get; } = new();
        public long Bytes { get; set; }
        public long Dropped { get; set; }
        public bool Open { get; set; }
        public RotatingLogFile? File { get; } = file;
    }

    private readonly object _gate = new();
    private readonly OutputSettings _settings;
    private readonly StreamBuffer _stdout;
    private readonly StreamBuffer _stderr;
    private readonly List<TaskCompletionSource> _waiters = new();
    private readonly string? _directory;
    private long _lastSeq;
    /// <summary>The entry is gone: a process that outlived it (a background child holding the pipe) is no longer recorded.</summary>
    private bool _deleted;

    /// <param name="directory">Where the rotated files go; null keeps output in memory only.</param>
    public OutputLog(OutputSettings settings, string? directory)
    {
        _settings = settings;
        _directory = directory;
        _stdout = new StreamBuffer(OutputStreams.Stdout, directory is null ? null : new RotatingLogFile(Path.Combine(directory, "stdout.log"), settings.FileBytes, settings.Files));
        _stderr = new StreamBuffer(OutputStreams.Stderr, directory is null ? null : new RotatingLogFile(Path.Combine(directory, "stderr.log"), settings.FileBytes, settings.Files));
    }

    public string? Directory => _directory;

    /// <summary>Followers waiting for the next line right now.</summary>
    public int Waiters
    {
        get { lock (_gate) return _waiters.Count; }
    }

    /// <summary>
    /// Run <paramref name="run"/> of the entry, as <paramref name="pid"/>, starts writing to both streams. Every run
    /// after the first is marked with a line of the node's own, before any line of the run, so runs can be told apart.
    /// </summary>
    public void Opened(int pid, int run)
    {
        List<TaskCompletionSource> woken = [];
        lock (_gate)
        {
            _stdout.Open = _stderr.Open = true;
            if (run > 1 && !_deleted)
            {
                AddMarker(RunStartedLine(run, pid));
                woken = TakeWaiters();
            }
        }
        Wake(woken);
    }

    /// <summary>The line that opens every run after the first.</summary>
    public static string RunStartedLine(int run, int pid) => $"[bluezero] run {run} started: pid {pid}";

    /// <summary>True while a stream of the current run may still deliver lines.</summary>
    public bool Open
    {
        get { lock (_gate) return _stdout.Open || _stderr.Open; }
    }

    public void Append(string stream, ReadOnlySpan<byte> bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        var buffer = BufferOf(stream);
        var at = DateTimeOffset.UtcNow;
        List<TaskCompletionSource> woken;
        lock (_gate)
        {
            if (_deleted) return;
            Keep(buffer, new OutputLine(++_lastSeq, buffer.Name, at, text));
            woken = TakeWaiters();
        }
        Wake(woken);
    }

    /// <summary>
    /// A line of the node's own goes into both streams under one seq, so a reader of either stream sees it, and a
    /// reader of both sees it once.
    /// </summary>
    private void AddMarker(string text)
    {
        var line = new OutputLine(++_lastSeq, OutputStreams.Node, DateTimeOffset.UtcNow, text);
        Keep(_stdout, line);
        Keep(_stderr, line);
    }

    private void Keep(StreamBuffer buffer, OutputLine line)
    {
        buffer.Lines.Enqueue(line);
        buffer.Bytes += line.Text.Length;
        while (buffer.Lines.Count > _settings.BufferLines || (buffer.Bytes > _settings.BufferBytes && buffer.Lines.Count > 1))
        {
            buffer.Bytes -= buffer.Lines.Dequeue().Text.Length;
            buffer.Dropped++;
        }
        try
        {
            buffer.File?.WriteLine(line.Ts, line.Text);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            FileErrors++; // a full or read-only disk: the ring in memory still has the line
        }
    }

    /// <summary>Files that could not be written (full disk, permissions), counted instead of failing capture.</summary>
    public long FileErrors { get; private set; }

    public void Closed(string stream)
    {
        List<TaskCompletionSource> woken;
        lock (_gate)
        {
            var buffer = BufferOf(stream);
            buffer.Open = false;
            CloseFile(buffer); // reopened by the next run's first line
            woken = TakeWaiters();
        }
        Wake(woken);
    }

    public void Flush()
    {
        lock (_gate)
        {
            _stdout.File?.Flush();
            _stderr.File?.Flush();
        }
    }

    /// <summary>The entry changed state (a run ended, or the entry is over): followers look again.</summary>
    public void Notify()
    {
        List<TaskCompletionSource> woken;
        lock (_gate) woken = TakeWaiters();
        Wake(woken);
    }

    /// <summary>
    /// Lines of <paramref name="stream"/> with seq above <paramref name="sinceSeq"/>; with <paramref name="tail"/>, only
    /// the last N of them. At most a reply's worth. next_seq is the since_seq of the next page: the seq of the page's
    /// last line when the page was cut short, else the entry's newest seq of either stream (never the seq asked for,
    /// which may lie beyond it), so that every line of the selection up to it has been returned.
    /// </summary>
    public (IReadOnlyList<OutputLine> Lines, long NextSeq, long Dropped) Read(string stream, long? sinceSeq, int? tail)
    {
        lock (_gate)
        {
            var since = sinceSeq ?? 0;
            IEnumerable<OutputLine> matching = stream switch
            {
                OutputStreams.Stdout => _stdout.Lines.Where(l => l.Seq > since),
                OutputStreams.Stderr => _stderr.Lines.Where(l => l.Seq > since),
                _ => Merge(_stdout.Lines, _stderr.Lines, since),
            };
            var candidates = matching.ToList();
            if (tail is { } last && candidates.Count > last) candidates = candidates.GetRange(candidates.Count - last, last);
            var page = new List<OutputLine>();
            var bytes = 0L;
            foreach (var line in candidates)
            {
                if (page.Count > 0 && (page.Count >= OutputSettings.MaxReplyLines || bytes + line.Text.Length > OutputSettings.MaxReplyBytes)) break;
                page.Add(line);
                bytes += line.Text.Length;
            }
            // Everything up to the newest line has been considered unless the page was cut short.
            var nextSeq = page.Count < candidates.Count ? page[^1].Seq : _lastSeq;
            var dropped = stream switch
            {
                OutputStreams.Stdout => _stdout.Dropped,
                OutputStreams.Stderr => _stderr.Dropped,
                _ => _stdout.Dropped + _stderr.Dropped,
            };
            return (page, nextSeq, dropped);
        }
    }

    public long LastSeq
    {
        get { lock (_gate) return _lastSeq; }
    }

    /// <summary>
    /// Completes when a line with seq above <paramref name="afterSeq"/> exists, <paramref name="isOver"/> holds, a stream
    /// closes, <see cref="Notify"/> is called, or the wait is over. The waiter is registered before
    /// <paramref name="isOver"/> is checked, so a change signalled in between is never missed. A waiter that gives up
    /// is removed at once, so a follower that disconnects leaves nothing behind.
    /// </summary>
    public async Task WaitForLines(long afterSeq, TimeSpan wait, Func<bool> isOver)
    {
        TaskCompletionSource waiter;
        lock (_gate)
        {
            if (_lastSeq > afterSeq) return;
            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add(waiter);
        }
        try
        {
            if (!isOver()) await waiter.Task.WaitAsync(wait);
        }
        catch (TimeoutException)
        {
            // the wait is over with nothing new; the caller answers with what there is
        }
        finally
        {
            lock (_gate) _waiters.Remove(waiter);
        }
    }

    /// <summary>The entry is gone for good: release files and delete them.</summary>
    public void Delete()
    {
        lock (_gate)
        {
            _deleted = true;
            CloseFile(_stdout);
            CloseFile(_stderr);
            _stdout.Lines.Clear();
            _stderr.Lines.Clear();
        }
        Notify();
        if (_directory is not null && System.IO.Directory.Exists(_directory))
        {
            try
            {
                System.IO.Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // still open elsewhere or already gone: retention tries again next time
            }
        }
    }

    private void CloseFile(StreamBuffer buffer)
    {
        try
        {
            buffer.File?.Dispose();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            FileErrors++; // the last buffered lines could not be flushed (full disk); the ring had them
        }
    }

    private StreamBuffer BufferOf(string stream) => stream == OutputStreams.Stderr ? _stderr : _stdout;

    private static IEnumerable<OutputLine> Merge(Queue<OutputLine> first, Queue<OutputLine> second, long since)
    {
        using var a = first.Where(l => l.Seq > since).GetEnumerator();
        using var b = second.Where(l => l.Seq > since).GetEnumerator();
        var hasA = a.MoveNext();
        var hasB = b.MoveNext();
        while (hasA || hasB)
        {
            if (hasA && hasB && a.Current.Seq == b.Current.Seq)
            {
                yield return a.Current; // a marker, kept in both streams
                hasA = a.MoveNext();
                hasB = b.MoveNext();
            }
            else if (hasA && (!hasB || a.Current.Seq < b.Current.Seq))
            {
                yield return a.Current;
                hasA = a.MoveNext();
            }
            else
            {
                yield return b.Current;
                hasB = b.MoveNext();
            }
        }
    }

    private List<TaskCompletionSource> TakeWaiters()
    {
        if (_waiters.Count == 0) return [];
        var woken = _waiters.ToList();
        _waiters.Clear();
        return woken;
    }

    private static void Wake(List<TaskCompletionSource> woken)
    {
        foreach (var waiter in woken) waiter.TrySetResult();
    }
}
