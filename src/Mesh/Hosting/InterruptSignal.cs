using System.Runtime.InteropServices;

namespace BlueZero.Mesh.Hosting;

/// <summary>
/// A shell without job control starts background commands with SIGINT ignored, and the .NET runtime keeps an ignored
/// SIGINT ignored, so Ctrl-C or `kill -INT` would silently do nothing. Both executables restore the default before
/// the host registers its handlers, so SIGINT always starts the graceful stop.
/// </summary>
public static partial class InterruptSignal
{
    private const int SIGINT = 2;
    private static readonly IntPtr SIG_DFL = IntPtr.Zero;

    [LibraryImport("libc", SetLastError = true)]
    private static partial IntPtr signal(int signum, IntPtr handler);

    public static void RestoreDefault() => signal(SIGINT, SIG_DFL);
}
