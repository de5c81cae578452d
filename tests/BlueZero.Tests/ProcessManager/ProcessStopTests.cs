using BlueZero.Messages.Protocol;
using BlueZero.ProcessManager.Launching;
using BlueZero.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace BlueZero.Tests.ProcessManager;

/// <summary>
/// Stopping a process: the reply, and the escalation SIGINT, then SIGTERM after the stop grace, then SIGKILL after
/// the kill grace, each sent to the whole process tree.
/// </summary>
public sealed class ProcessStopTests(ITestOutputHelper output) : ProcessManagerTestKit(output)
{
    private static StopProcess StopPid(int pid, bool wait = false) => new(ProcessTarget.ByPid(pid), wait);

    [Fact]
    public void Stop_replies_at_once_and_the_process_ends_by_SIGINT()
    {
        var manager = CreateManager();
        var pid = Start(manager, "/bin/sleep", "60");

        Assert.Equal(new ProcessStopped(pid, null), Request<ProcessStopped>(manager, StopPid(pid)));

        Assert.Equal(new ProcessExit(130, SIGINT), AwaitEnded(manager, pid).Info.LastExit);
        Assert.Equal(SIGINT, Launcher.SignalsTo(pid)[0].Signal);
    }

    [Fact]
    public void Stop_with_wait_replies_only_after_the_process_has_exited_with_its_exit()
    {
        // A generous stop grace, so the SIGINT trap (a short delay, then exit 7) finishes before any SIGTERM.
        var manager = CreateManager(DefaultOptions with { StopGrace = TimeSpan.FromSeconds(5) });
        var ready = Path.Combine(CreateTempDirectory(), "ready");
        var pid = Start(manager, "/bin/sh", "-c",
            "trap '/bin/sleep 0.4; exit 7' INT; /bin/sleep 60 & echo $! > \"$1\"; wait", "bz-slow-exit", ready);
        ReadPidFile(ready);
        var probe = CreateTestProbe();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        manager.Tell(StopPid(pid, wait: true), probe.Ref);

        var stopped = probe.ExpectMsg<ProcessStopped>(ReplyTimeout);
        // The trap sleeps 0.4 s before exiting: a reply any sooner did not wait for the exit. (Measured rather than
        // checked with ExpectNoMsg, which a loaded machine can wake late.)
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(380), $"replied after {clock.Elapsed.TotalMilliseconds:0} ms");
        Assert.Equal(new ProcessStopped(pid, ProcessExit.Exited(7)), stopped);
        Assert.False(OsProcesses.IsAlive(pid));
    }

    [Fact]
    public void Stop_escalates_to_SIGKILL_when_SIGINT_and_SIGTERM_are_ignored()
    {
        var manager = CreateManager();
        var childFile = Path.Combine(CreateTempDirectory(), "child");
        var pid = Start(manager, "/bin/sh", "-c",
            "trap '' INT TERM; /bin/sleep 60 & echo $! > \"$1\"; wait", "bz-stubborn", childFile);
        var child = ReadPidFile(childFile);
        Assert.True(OsProcesses.IsAlive(child));

        var stopped = Request<ProcessStopped>(manager, StopPid(pid, wait: true), DefaultOptions.FullStopTime);

        Assert.Equal(new ProcessExit(128 + SIGKILL, SIGKILL), stopped.Exit);
        var signals = Launcher.SignalsTo(pid);
        Assert.Equal([SIGINT, SIGTERM, SIGKILL], signals.Select(call => call.Signal));
        AssertGapNear(Grace, signals[0].At, signals[1].At);
        AssertGapNear(Grace, signals[1].At, signals[2].At);
        AwaitDead(child, TimeSpan.FromSeconds(2));
    }

    [Fact]
    public void Stop_reaches_a_descendant_that_moved_to_its_own_process_group()
    {
        var manager = CreateManager();
        var strayFile = Path.Combine(CreateTempDirectory(), "stray");
        var pid = Start(manager, "/bin/sh", "-c",
            "/usr/bin/setsid /bin/sleep 60 & echo $! > \"$1\"; wait", "bz-setsid", strayFile);
        var stray = ReadPidFile(strayFile);
        AwaitAssert(() => Assert.Equal(stray, ProcStat.Read(stray)?.ProcessGroup), ReplyTimeout);

        Request<ProcessStopped>(manager, StopPid(pid, wait: true), DefaultOptions.FullStopTime);

        AwaitDead(stray, TimeSpan.FromSeconds(4));
    }

    [Fact]
    public void Stop_by_name_stops_the_named_process()
    {
        var manager = CreateManager();
        var pid = Request<ProcessStarted>(manager, new StartProcess("/bin/sleep", ["60"], Name: "sleeper")).Pid;

        var stopped = Request<ProcessStopped>(manager, new StopProcess(ProcessTarget.ByName("sleeper"), Wait: true));

        Assert.Equal(new ProcessStopped(pid, new ProcessExit(130, SIGINT)), stopped);
    }

    [Fact]
    public void Stop_of_a_process_that_already_ended_succeeds_with_its_exit()
    {
        var manager = CreateManager();
        var pid = Start(manager, "/bin/sh", "-c", "exit 3");
        AwaitEnded(manager, pid);

        Assert.Equal(new ProcessStopped(pid, ProcessExit.Exited(3)), Request<ProcessStopped>(manager, StopPid(pid)));
    }

    [Fact]
    public void A_signal_that_cannot_be_sent_is_logged_and_the_escalation_goes_on()
    {
        var warnings = CreateTestProbe();
        Sys.EventStream.Subscribe(warnings.Ref, typeof(Akka.Event.Warning));
        var manager = Sys.ActorOf(BlueZero.ProcessManager.Actors.ProcessManagerActor.Props(DefaultOptions, new FailingSigint(Launcher), Table));
        var pid = Start(manager, "/bin/sleep", "60");

        var stopped = Request<ProcessStopped>(manager, StopPid(pid, wait: true), DefaultOptions.FullStopTime);

        warnings.FishForMessage<Akka.Event.Warning>(
            warning => warning.Message.ToString()!.Contains($"Could not send SIGINT to the process tree of pid {pid}", StringComparison.Ordinal),
            ReplyTimeout);
        Assert.Equal(new ProcessExit(128 + SIGTERM, SIGTERM), stopped.Exit);
    }

    /// <summary>A launcher whose SIGINT fails, as a signal to a tree that cannot be walked would.</summary>
    private sealed class FailingSigint(IProcessLauncher inner) : IProcessLauncher
    {
        public LaunchOutcome Launch(LaunchRequest request) => inner.Launch(request);
        public void WatchExit(int pid, Action<ProcessExit> onExit) => inner.WatchExit(pid, onExit);
        public bool TreeAlive(int pid) => inner.TreeAlive(pid);
        public void Release(int pid) => inner.Release(pid);

        public void SignalTree(int pid, int signal)
        {
            if (signal == SIGINT) throw new IOException("no descriptor left to read /proc");
            inner.SignalTree(pid, signal);
        }
    }

    private static void AssertGapNear(TimeSpan expected, TimeSpan first, TimeSpan second)
    {
        var gap = second - first;
        Assert.InRange(gap, expected - TimeSpan.FromMilliseconds(60), expected + TimeSpan.FromSeconds(1));
    }
}
