using System.Runtime.InteropServices;

namespace BlueZero.ProcessManager.Native;

/// <summary>
/// The few libc calls the launcher needs. We spawn and reap children ourselves (instead of System.Diagnostics.Process)
/// because Process reports a signal death as 128+N, indistinguishable from exit(128+N), cannot put the child in its
/// own process group, and cannot watch a process it did not start (needed for re-adoption).
/// Linux x86_64/arm64 glibc only.
/// </summary>
internal static partial class LibC
{
    private const string Lib = "libc";

    public const int SIGINT = 2, SIGKILL = 9, SIGTERM = 15;
    public const int ESRCH = 3, EINTR = 4, ECHILD = 10, EAGAIN = 11, EACCES = 13, ENOENT = 2, ENOEXEC = 8, ENOTDIR = 20, ENOSYS = 38;
    public const int WNOHANG = 1;
    public const int O_RDONLY = 0, O_WRONLY = 1, O_CLOEXEC = 0x80000, O_NONBLOCK = 0x800;
    public const short POLLIN = 0x1;
    public const int X_OK = 1;
    public const short POSIX_SPAWN_SETPGROUP = 0x02, POSIX_SPAWN_SETSIGDEF = 0x04, POSIX_SPAWN_SETSIGMASK = 0x08;
    private const long SYS_pidfd_open = 434; // same number on x86_64 and arm64

    // Opaque glibc structs are smaller than these (80, 336 and 128 bytes on x86_64); the slack costs nothing.
    public const int FileActionsSize = 256, SpawnAttrSize = 512, SigSetSize = 256;

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int posix_spawn(out int pid, string path, IntPtr fileActions, IntPtr attr, IntPtr[] argv, IntPtr[] envp);

    [LibraryImport(Lib)] public static partial int posix_spawn_file_actions_init(IntPtr fileActions);
    [LibraryImport(Lib)] public static partial int posix_spawn_file_actions_destroy(IntPtr fileActions);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int posix_spawn_file_actions_addopen(IntPtr fileActions, int fd, string path, int oflag, uint mode);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int posix_spawn_file_actions_addchdir_np(IntPtr fileActions, string path);
    [LibraryImport(Lib)] public static partial int posix_spawn_file_actions_addclosefrom_np(IntPtr fileActions, int from);

    [LibraryImport(Lib)] public static partial int posix_spawnattr_init(IntPtr attr);
    [LibraryImport(Lib)] public static partial int posix_spawnattr_destroy(IntPtr attr);
    [LibraryImport(Lib)] public static partial int posix_spawnattr_setflags(IntPtr attr, short flags);
    [LibraryImport(Lib)] public static partial int posix_spawnattr_setpgroup(IntPtr attr, int pgroup);
    [LibraryImport(Lib)] public static partial int posix_spawnattr_setsigdefault(IntPtr attr, IntPtr sigset);
    [LibraryImport(Lib)] public static partial int posix_spawnattr_setsigmask(IntPtr attr, IntPtr sigset);
    [LibraryImport(Lib)] public static partial int sigfillset(IntPtr set);
    [LibraryImport(Lib)] public static partial int sigemptyset(IntPtr set);

    [LibraryImport(Lib, SetLastError = true)] public static partial int kill(int pid, int signal);
    [LibraryImport(Lib, SetLastError = true)] public static partial int waitpid(int pid, out int status, int options);
    [LibraryImport(Lib, SetLastError = true)] public static partial int poll([In, Out] PollFd[] fds, ulong count, int timeoutMs);
    [LibraryImport(Lib, SetLastError = true)] public static partial int pipe2([Out] int[] fds, int flags);
    [LibraryImport(Lib, SetLastError = true)] public static partial nint read(int fd, IntPtr buffer, nint count);
    [LibraryImport(Lib, SetLastError = true)] public static partial nint write(int fd, IntPtr buffer, nint count);
    [LibraryImport(Lib, SetLastError = true)] public static partial int close(int fd);
    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int access(string path, int mode);
    [LibraryImport(Lib, SetLastError = true)] private static partial long syscall(long number, long arg1, long arg2);

    // Observation: clock ticks per second for /proc cpu times, and file-system sizes for the host's disks.
    public const int _SC_CLK_TCK = 2;

    /// <summary>struct statvfs on 64-bit glibc (x86_64 and arm64 alike); the size keeps slack past __f_spare.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 256)]
    public struct StatVfs
    {
        public ulong BlockSize;         // f_bsize
        public ulong FragmentSize;      // f_frsize: the unit of the block counts
        public ulong Blocks;            // f_blocks
        public ulong FreeBlocks;        // f_bfree
        public ulong AvailableBlocks;   // f_bavail: free to unprivileged users
        public ulong Files;             // f_files
        public ulong FreeFiles;         // f_ffree
        public ulong AvailableFiles;    // f_favail
        public ulong FileSystemId;      // f_fsid
        public ulong Flags;             // f_flag
        public ulong MaxNameLength;     // f_namemax
    }

    [LibraryImport(Lib, SetLastError = true)] public static partial long sysconf(int name);
    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int statvfs(string path, out StatVfs buffer);

    public static int PidfdOpen(int pid) => (int)syscall(SYS_pidfd_open, pid, 0);

    public static int LastError => Marshal.GetLastPInvokeError();

    public static string ErrorText(int errno) => Marshal.GetPInvokeErrorMessage(errno);

    /// <summary>Decodes a wait status: exited with a code, or killed by a signal.</summary>
    public static (int? ExitCode, int? Signal) DecodeWaitStatus(int status)
    {
        var termSignal = status & 0x7f;
        if (termSignal == 0) return ((status >> 8) & 0xff, null);
        return (128 + termSignal, termSignal);
    }
}
