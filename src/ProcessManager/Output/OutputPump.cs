using BlueZero.ProcessManager.Native;

namespace BlueZero.ProcessManager.Output;

/// <summary>Where the pump delivers one captured stream. Called on the pump thread only; must not block for long.</summary>
public interface ICapturedOutput
{
    /// <summary>Run <paramref name="run"/> of the entry (1 for the first) started as <paramref name="pid"/>; its stdout and stderr are about to be read.</summary>
    void Opened(int pid, int run);

    void Append(string stream, ReadOnlySpan<byte> line);

    /// <summary>The stream reached its end (every writer closed it).</summary>
    void Closed(string stream);

    /// <summary>Called when the pump is idle after writing: push buffered file output to disk.</summary>
    void Flush();
}

/// <summary>
/// One thread for all captured output of the node: epoll over the read end of every stdout and stderr pipe (and the
/// write end of stdin pipes that still have text to deliver). A reader never blocks a process: the pump drains pipes
/// as fast as they fill and hands each line to its sink, which keeps a bounded ring and writes files.
/// Level-triggered, with a few reads per stream per round, so one chatty process cannot starve the others.
/// </summary>
public sealed class OutputPump : IDisposable
{
    private const int ReadBufferBytes = 64 * 1024;
    private const int ReadsPerRound = 4;
    private const int FlushDelayMs = 200;

    private abstract class Registration(int fd)
    {
        public int Fd { get; } = fd;
    }

    private sealed class CapturedStream(int fd, string stream, ICapturedOutput sink, int maxLineBytes) : Registration(fd)
    {
        public string Stream { get; } = stream;
        public ICapturedOutput Sink { get; } = sink;
        public LineSplitter Splitter { get; } = new(maxLineBytes);
    }

    private sealed class StdinFeed(int fd, byte[] text) : Registration(fd)
    {
        public byte[] Text { get; } = text;
        public int Written { get; set; }
    }

    private readonly object _gate = new();
    private readonly Dictionary<int, Registration> _registrations = new();
    private readonly HashSet<ICapturedOutput> _unflushed = new();
    private readonly EpollSet _epoll = new("output capture");
    private readonly Thread _thread;
    private volatile bool _disposed;

    public OutputPump()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "bluezero-output" };
        _thread.Start();
    }

    /// <summary>Sinks that threw; their stream was dropped so the others carry on.</summary>
    public int FaultCount { get; private set; }
    public Exception? LastFault { get; private set; }

    /// <summary>Takes ownership of <paramref name="fd"/>, the read end of a pipe, and reads it until its end.</summary>
    public bool Capture(int fd, string stream, ICapturedOutput sink, int maxLineBytes) =>
        Register(new CapturedStream(fd, stream, sink, maxLineBytes), LibC.EPOLLIN);

    /// <summary>Takes ownership of <paramref name="fd"/>, the write end of a stdin pipe: writes the text once, then closes it.</summary>
    public bool Feed(int fd, byte[] text) => Register(new StdinFeed(fd, text), LibC.EPOLLOUT);

    private bool Register(Registration registration, uint events)
    {
        if (!LibC.SetNonBlocking(registration.Fd))
        {
            LibC.close(registration.Fd);
            return false;
        }
        lock (_gate)
        {
            _registrations[registration.Fd] = registration;
            if (!_epoll.Add(registration.Fd, events))
            {
                _registrations.Remove(registration.Fd);
                LibC.close(registration.Fd);
                return false;
            }
        }
        return true;
    }

    private void Run()
    {
        var buffer = new byte[ReadBufferBytes];
        var lastFlush = Environment.TickCount64;
        while (!_disposed)
        {
            var ready = _epoll.Wait(_unflushed.Count > 0 ? FlushDelayMs : -1, (flags, fd) => Handle(flags, fd, buffer));
            if (_unflushed.Count > 0 && (ready <= 0 || Environment.TickCount64 - lastFlush >= FlushDelayMs))
            {
                foreach (var sink in _unflushed) FlushQuietly(sink);
                _unflushed.Clear();
                lastFlush = Environment.TickCount64;
            }
        }
        _epoll.Close();
    }

    private void Handle(uint flags, int fd, byte[] buffer)
    {
        Registration? registration;
        lock (_gate) _registrations.TryGetValue(fd, out registration);
        try
        {
            switch (registration)
            {
                case CapturedStream captured:
                    ReadSome(captured, buffer);
                    break;
                case StdinFeed feed:
                    WriteSome(feed, flags);
                    break;
            }
        }
        catch (Exception ex)
        {
            // One broken sink must not end capture for every process of the node.
            FaultCount++;
            LastFault = ex;
            if (registration is not null) Unregister(registration);
        }
    }

    private unsafe void ReadSome(CapturedStream captured, byte[] buffer)
    {
        for (var round = 0; round < ReadsPerRound; round++)
        {
            nint read;
            fixed (byte* start = buffer) read = LibC.read(captured.Fd, (IntPtr)start, buffer.Length);
            if (read > 0)
            {
                captured.Splitter.Push(buffer.AsSpan(0, (int)read), line => captured.Sink.Append(captured.Stream, line));
                _unflushed.Add(captured.Sink);
                continue;
            }
            if (read < 0 && LibC.LastError is LibC.EAGAIN or LibC.EINTR) return;
            // End of stream (every writer closed it) or a read error: the stream is over.
            captured.Splitter.Finish(line => captured.Sink.Append(captured.Stream, line));
            Unregister(captured);
            captured.Sink.Closed(captured.Stream);
            return;
        }
    }

    private unsafe void WriteSome(StdinFeed feed, uint flags)
    {
        while (feed.Written < feed.Text.Length && (flags & LibC.EPOLLERR) == 0)
        {
            nint written;
            fixed (byte* start = feed.Text) written = LibC.write(feed.Fd, (IntPtr)(start + feed.Written), feed.Text.Length - feed.Written);
            if (written > 0)
            {
                feed.Written += (int)written;
                continue;
            }
            if (written < 0 && LibC.LastError is LibC.EAGAIN or LibC.EINTR) return; // the pipe is full: wait for room
            break; // EPIPE: the process closed its stdin without reading it all
        }
        Unregister(feed); // closing the write end gives the process its end of input
    }

    /// <summary>Idempotent: a descriptor number is reused as soon as it is closed, so only the registration that still owns it closes it.</summary>
    private void Unregister(Registration registration)
    {
        lock (_gate)
        {
            if (!_registrations.TryGetValue(registration.Fd, out var current) || current != registration) return;
            _registrations.Remove(registration.Fd);
        }
        _epoll.Remove(registration.Fd);
        LibC.close(registration.Fd);
    }

    private static void FlushQuietly(ICapturedOutput sink)
    {
        try
        {
            sink.Flush();
        }
        catch (IOException)
        {
            // a full disk must not stop capture; the ring in memory still has the lines
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _epoll.Dispose();
    }
}
