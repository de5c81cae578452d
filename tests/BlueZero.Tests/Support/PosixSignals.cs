using System.Runtime.InteropServices;

namespace BlueZero.Tests.Support;

/// <summary>Sends a signal to one process with the kill(2) system call, as `kill -SIG PID` would.</summary>
public static partial class PosixSignals
{
    private const int NoSuchProcess = 3; // ESRCH

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; false when the process is already gone.</summary>
    public static bool Send(int pid, PosixSignal signal)
    {
        if (kill(pid, (int)signal) == 0) return true;
        var errno = Marshal.GetLastPInvokeError();
        if (errno == NoSuchProcess) return false;
        throw new InvalidOperationException($"kill({pid}, {signal}) failed with errno {errno}");
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);
}
