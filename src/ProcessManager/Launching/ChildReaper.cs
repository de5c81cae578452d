using BlueZero.Messages.Protocol;
using BlueZero.ProcessManager.Native;

namespace BlueZero.ProcessManager.Launching;

/// <summary>
/// One thread that notices every managed exit: it waits in epoll on a pidfd per watched process (readable once the
/// process has ended) and reaps our own children with waitpid, which yields the exact exit code or signal. epoll keeps
/// a start or an exit O(1) however many processes are watched (poll would rescan all of them each time).
/// A process that is not our child (re-adopted) is still noticed, but its exit code is unknown.
/// Exits of the last minutes are remembered so a watcher that arrives late (an actor restarted after the exit)
/// still learns the outcome.
/// </summary>
public sealed class ChildReaper : IDisposable
{
    private const int RecentExitCapacity = 4096;

    private sealed class Watch(int pid, int pidfd)
    {
        public int Pid { get; } = pid;
        public int Pidfd { get; } = pidfd;
        public Action<ProcessExit>? OnExit { get; set; }
    }

    private readonly object _gate = new();
    private readonly Dictionary<int, Watch> _watches = new();
    private readonly Dictionary<int, Watch> _watchByPidfd = new();
    private readonly EpollSet _epoll = new("the reaper");
    private readonly Dictionary<int, ProcessExit> _recentExits = new();
    private readonly Queue<int> _recentOrder = new();
    private readonly Thread _thread;
    private volatile bool _disposed;

    public ChildReaper()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "bluezero-reaper" };
        _thread.Start();
    }

    /// <summary>
    /// Starts watching a pid right after spawn: forgets any earlier exit of a recycled pid. False when no pidfd could
    /// be opened (typically the open-file limit): the process would then run unwatched.
    /// </summary>
    public bool Track(int pid)
    {
        lock (_gate) _recentExits.Remove(pid);
        return EnsureWatch(pid);
    }

    public void WatchExit(int pid, Action<ProcessExit> onExit)
    {
        ProcessExit? alreadyExited;
        lock (_gate)
        {
            if (_watches.TryGetValue(pid, out var watch))
            {
                watch.OnExit = onExit;
                return;
            }
            _recentExits.TryGetValue(pid, out alreadyExited);
        }
        if (alreadyExited is not null)
        {
            onExit(alreadyExited);
            return;
        }
        if (!EnsureWatch(pid, onExit))
            onExit(new ProcessExit(null, null)); // gone before we could watch it: the outcome is unknowable
    }

    private bool EnsureWatch(int pid, Action<ProcessExit>? onExit = null)
    {
        lock (_gate)
        {
            if (_watches.TryGetValue(pid, out var existing))
            {
                if (onExit is not null) existing.OnExit = onExit;
                return true;
            }
            var pidfd = LibC.PidfdOpen(pid);
            if (pidfd < 0) return false;
            if (!_epoll.Add(pidfd, LibC.EPOLLIN))
            {
                LibC.close(pidfd);
                return false;
            }
            var watch = new Watch(pid, pidfd) { OnExit = onExit };
            _watches[pid] = watch;
            _watchByPidfd[pidfd] = watch;
        }
        return true;
    }

    private void Run()
    {
        while (!_disposed)
            _epoll.Wait(-1, (_, pidfd) =>
            {
                Watch? watch;
                lock (_gate) _watchByPidfd.TryGetValue(pidfd, out watch);
                if (watch is not null) Reap(watch);
            });
        _epoll.Close();
    }

    private void Reap(Watch watch)
    {
        ProcessExit exit;
        var reaped = LibC.waitpid(watch.Pid, out var status, LibC.WNOHANG);
        if (reaped == watch.Pid)
        {
            var (code, signal) = LibC.DecodeWaitStatus(status);
            exit = new ProcessExit(code, signal);
        }
        else if (reaped == 0)
        {
            return; // readable but not yet reapable: poll again
        }
        else
        {
            exit = new ProcessExit(null, null); // not our child (re-adopted): the exit code is not ours to read
        }

        Action<ProcessExit>? onExit;
        lock (_gate)
        {
            _watches.Remove(watch.Pid);
            _watchByPidfd.Remove(watch.Pidfd);
            _epoll.Remove(watch.Pidfd);
            LibC.close(watch.Pidfd);
            onExit = watch.OnExit;
            _recentExits[watch.Pid] = exit;
            _recentOrder.Enqueue(watch.Pid);
            while (_recentOrder.Count > RecentExitCapacity)
                _recentExits.Remove(_recentOrder.Dequeue());
        }
        onExit?.Invoke(exit);
    }

    public void Dispose()
    {
        _disposed = true;
        _epoll.Dispose();
    }
}
