using System.Runtime.InteropServices;

namespace BlueZero.Bench;

/// <summary>
/// CPU time of the calling thread (CLOCK_THREAD_CPUTIME_ID): unlike wall time it does not grow while other work on a
/// loaded machine has the core, so per-call costs measured with it hold on a busy machine too.
/// </summary>
internal static partial class ThreadClock
{
    private const int ClockThreadCpuTimeId = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    /// <summary>This thread's CPU time so far, microseconds.</summary>
    public static double NowUs()
    {
        if (ClockGetTime(ClockThreadCpuTimeId, out var now) != 0) throw new BenchmarkException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
        return now.Seconds * 1e6 + now.Nanoseconds / 1e3;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime", SetLastError = true)]
    private static partial int ClockGetTime(int clock, out TimeSpec time);
}
