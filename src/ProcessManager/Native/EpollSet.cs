using System.Runtime.InteropServices;

namespace BlueZero.ProcessManager.Native;

/// <summary>
/// An epoll instance with a wake-up pipe, for the node's two watcher threads (the reaper and the output pump):
/// each waits on thousands of descriptors at O(1) cost per event, and can be woken to notice it should stop.
/// </summary>
internal sealed class EpollSet : IDisposable
{
    private const int MaxEvents = 256;
    private readonly int _epoll;
    private readonly int[] _wakePipe = new int[2];
    private readonly IntPtr _events = Marshal.AllocHGlobal(MaxEvents * LibC.EpollEventSize);
    private readonly IntPtr _drain = Marshal.AllocHGlobal(64);
    private readonly object _gate = new();
    private bool _closed;

    public EpollSet(string purpose)
    {
        _epoll = LibC.epoll_create1(LibC.EPOLL_CLOEXEC);
        if (_epoll < 0 || LibC.pipe2(_wakePipe, LibC.O_CLOEXEC | LibC.O_NONBLOCK) != 0)
            throw new InvalidOperationException($"cannot set up {purpose}: {LibC.ErrorText(LibC.LastError)}");
        LibC.EpollAdd(_epoll, _wakePipe[0], LibC.EPOLLIN);
    }

    /// <summary>False (errno set) when the descriptor cannot be watched.</summary>
    public bool Add(int fd, uint events)
    {
        lock (_gate) return !_closed && LibC.EpollAdd(_epoll, fd, events) == 0;
    }

    public void Remove(int fd)
    {
        lock (_gate)
            if (!_closed) LibC.EpollRemove(_epoll, fd);
    }

    /// <summary>Waits up to <paramref name="timeoutMs"/> (-1: no limit) and calls <paramref name="onEvent"/> per ready descriptor; returns how many were ready.</summary>
    public int Wait(int timeoutMs, Action<uint, int> onEvent)
    {
        var ready = LibC.epoll_wait(_epoll, _events, MaxEvents, timeoutMs);
        for (var i = 0; i < ready; i++)
        {
            var (flags, fd) = LibC.EpollEventAt(_events, i);
            if (fd == _wakePipe[0])
                while (LibC.read(_wakePipe[0], _drain, 64) > 0) { }
            else
                onEvent(flags, fd);
        }
        return ready;
    }

    public unsafe void Wake()
    {
        byte one = 1;
        LibC.write(_wakePipe[1], (IntPtr)(&one), 1);
    }

    /// <summary>Only wakes the waiting thread, which may still be inside <see cref="Wait"/>; it calls <see cref="Close"/> on its way out.</summary>
    public void Dispose() => Wake();

    /// <summary>Releases the descriptors and buffers. Called by the waiting thread once it has left its loop.</summary>
    public void Close()
    {
        lock (_gate)
        {
            if (_closed) return;
            _closed = true;
            LibC.close(_epoll);
            LibC.close(_wakePipe[0]);
            LibC.close(_wakePipe[1]);
            Marshal.FreeHGlobal(_events);
            Marshal.FreeHGlobal(_drain);
        }
    }
}
