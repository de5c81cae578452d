using System.Runtime.InteropServices;

namespace BlueZero.ProcessManager.Native;

/// <summary>Raises RLIMIT_NOFILE's soft limit to the hard limit: each managed process costs the node one pidfd.</summary>
internal static partial class OpenFileLimit
{
    private const int RLIMIT_NOFILE = 7;

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getrlimit(int resource, out RLimit limit);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setrlimit(int resource, in RLimit limit);

    /// <returns>The soft limit before and after (equal when it was already at the hard limit or could not be raised).</returns>
    public static (ulong Before, ulong After) RaiseSoftToHard()
    {
        if (getrlimit(RLIMIT_NOFILE, out var limit) != 0) return (0, 0);
        var before = limit.Current;
        if (limit.Current < limit.Maximum)
        {
            var raised = limit with { Current = limit.Maximum };
            if (setrlimit(RLIMIT_NOFILE, raised) == 0) return (before, raised.Current);
        }
        return (before, before);
    }
}
