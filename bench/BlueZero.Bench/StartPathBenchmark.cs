using BlueZero.Mesh.Configuration;
using BlueZero.Messages.Protocol;
using BlueZero.ProcessManager.Events;
using BlueZero.ProcessManager.Launching;
using BlueZero.ProcessManager.Output;
using Microsoft.Extensions.Logging.Abstractions;

namespace BlueZero.Bench;

/// <summary>
/// Section "start-path": the pieces of a node's start, called in this process with the node's own classes, one at a
/// time, each timed by wall clock, by the calling thread's CPU time and by the bytes it allocated. The last two
/// survive a loaded machine. No hub and no actor system: what a start costs before any messaging.
/// </summary>
internal static class StartPathBenchmark
{
    public const int Warmup = PieceMeasure.Warmup;
    private const string HostName = "bench-start-path";

    /// <summary>The journal of a node whose events no hub acknowledges keeps this many (the node's default).</summary>
    private const int JournalMaxEvents = 100_000;

    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(10);

    public sealed record Result(IReadOnlyList<PieceMeasure.Step> Steps);

    private static PieceMeasure.Step Measure<TIn, TOut>(string name, int count, CancellationToken ct, Func<TIn> prepare, Func<TIn, TOut> call, Action<TOut> cleanup) =>
        PieceMeasure.Measure("start-path", name, count, ct, prepare, call, cleanup);

    public static Result Run(int count, CancellationToken ct)
    {
        var directory = Directory.CreateTempSubdirectory("bluezero-bench-start-path-");
        try
        {
            using var launcher = new PosixProcessLauncher();
            var output = new OutputStore(new OutputSettings(BufferLines: 1000, FileBytes: 1 << 20, Files: 2), directory.FullName);
            using var journal = EventJournal.Open(directory.FullName, HostName, JournalMaxEvents, NullLogger.Instance);
            var entry = 0L;
            LaunchRequest Sleep(bool capture) => new(MeshWorkload.SleepArgv[0], MeshWorkload.SleepArgv.Skip(1).ToList(), new Dictionary<string, string>(), null)
            {
                Output = capture ? OutputPlan.Capture(output.For(++entry), 16 * 1024, run: 1) : OutputPlan.Discard,
            };
            var steps = new List<PieceMeasure.Step>
            {
                Measure("launch `/bin/sleep 30`, output discarded (posix_spawn, pidfd)", count, ct, () => Sleep(capture: false),
                    request => launcher.Launch(request), outcome => Reap(launcher, outcome)),
                Measure("launch `/bin/sleep 30`, output captured (+ 2 pipes, pump registration)", count, ct, () => Sleep(capture: true),
                    request => launcher.Launch(request), outcome => Reap(launcher, outcome)),
                Measure("`/proc/PID/stat` read (the start time kept for re-adoption)", count, ct, () => Environment.ProcessId,
                    pid => ProcStat.Read(pid), _ => { }),
                Measure("event journal: append `process_started` (on disk, buffered, flushed to the OS)", count, ct,
                    () => new MeshEvent(MeshEventType.ProcessStarted, DateTimeOffset.UtcNow, HostName) with
                    {
                        Pid = 4242, Path = MeshWorkload.SleepArgv[0], Args = MeshWorkload.SleepArgv.Skip(1).ToList(),
                    },
                    mesh => journal.Append(mesh), _ => { }),
            };
            return new Result(steps);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>SIGKILL to the launched sleep; waits until the launcher's reaper has seen it exit.</summary>
    private static void Reap(PosixProcessLauncher launcher, LaunchOutcome outcome)
    {
        if (outcome is not Launched launched) throw new BenchmarkException($"the launch failed: {outcome}");
        using var exited = new ManualResetEventSlim();
        launcher.WatchExit(launched.Pid, _ => exited.Set());
        Posix.Signal(launched.Pid, Posix.SigKill);
        if (!exited.Wait(ExitTimeout)) throw new BenchmarkException($"pid {launched.Pid} did not exit within {ExitTimeout.TotalSeconds} s of SIGKILL");
        launcher.Release(launched.Pid);
    }

}
