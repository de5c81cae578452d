using System.Runtime.InteropServices;

namespace BlueZero.ProcessManager.Native;

/// <summary>Pipes and epoll for output capture: one thread watches every captured stream of the node.</summary>
internal static partial class LibC
{
    public const int EPIPE = 32;
    public const int F_GETFL = 3, F_SETFL = 4;
    public const int EPOLL_CLOEXEC = 0x80000;
    public const int EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2;
    public const uint EPOLLIN = 0x1, EPOLLOUT = 0x4, EPOLLERR = 0x8, EPOLLHUP = 0x10;

    // struct epoll_event is packed on x86_64 (12 bytes) and naturally aligned elsewhere (16 bytes).
    public static readonly int EpollEventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;
    private static readonly int EpollDataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    [LibraryImport(Lib)] public static partial int posix_spawn_file_actions_adddup2(IntPtr fileActions, int fd, int newFd);
    [LibraryImport(Lib, SetLastError = true)] public static partial int fcntl(int fd, int command, int argument);
    [LibraryImport(Lib, SetLastError = true)] public static partial int epoll_create1(int flags);
    [LibraryImport(Lib, SetLastError = true)] private static partial int epoll_ctl(int epollFd, int operation, int fd, IntPtr @event);
    [LibraryImport(Lib, SetLastError = true)] public static partial int epoll_wait(int epollFd, IntPtr events, int maxEvents, int timeoutMs);

    /// <summary>Registers <paramref name="fd"/> with the fd itself as the event's data.</summary>
    public static unsafe int EpollAdd(int epollFd, int fd, uint events)
    {
        var buffer = stackalloc byte[16];
        new Span<byte>(buffer, 16).Clear();
        *(uint*)buffer = events;
        *(long*)(buffer + EpollDataOffset) = fd;
        return epoll_ctl(epollFd, EPOLL_CTL_ADD, fd, (IntPtr)buffer);
    }

    public static int EpollRemove(int epollFd, int fd) => epoll_ctl(epollFd, EPOLL_CTL_DEL, fd, IntPtr.Zero);

    /// <summary>The events and fd of entry <paramref name="index"/> of an epoll_wait result buffer.</summary>
    public static unsafe (uint Events, int Fd) EpollEventAt(IntPtr events, int index)
    {
        var entry = (byte*)events + index * EpollEventSize;
        return (*(uint*)entry, (int)*(long*)(entry + EpollDataOffset));
    }

    public static bool SetNonBlocking(int fd)
    {
        var flags = fcntl(fd, F_GETFL, 0);
        return flags >= 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0;
    }
}
