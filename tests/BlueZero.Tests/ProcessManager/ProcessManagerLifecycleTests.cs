using System.Diagnostics;
using Akka.Actor;
using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;
using BlueZero.ProcessManager.Actors;
using BlueZero.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace BlueZero.Tests.ProcessManager;

/// <summary>Node shutdown, and a fresh manager incarnation taking over the processes of the one before.</summary>
public sealed class ProcessManagerLifecycleTests(ITestOutputHelper output) : ProcessManagerTestKit(output)
{
    [Fact]
    public void StopAllProcesses_replies_only_after_every_process_has_ended()
    {
        var manager = CreateManager();
        var directory = CreateTempDirectory();
        var obedient = Start(manager, "/bin/sleep", "60");
        var ignoresInt = Start(manager, "/bin/sh", "-c",
            "trap '' INT; /bin/sleep 60 & echo $! > \"$1\"; wait", "bz-ignores-int", Path.Combine(directory, "int"));
        var ignoresIntAndTerm = Start(manager, "/bin/sh", "-c",
            "trap '' INT TERM; /bin/sleep 60 & echo $! > \"$1\"; wait", "bz-ignores-both", Path.Combine(directory, "both"));
        ReadPidFile(Path.Combine(directory, "int"));
        ReadPidFile(Path.Combine(directory, "both"));

        var stopped = Request<AllProcessesStopped>(manager, new StopAllProcesses(), DefaultOptions.FullStopTime);

        Assert.Equal(new AllProcessesStopped(3), stopped);
        Assert.All([obedient, ignoresInt, ignoresIntAndTerm], pid => Assert.False(OsProcesses.IsAlive(pid), $"pid {pid} alive"));
        Assert.Empty(ListRunning(manager));
    }

    [Fact]
    public void StopAllProcesses_stops_every_process_at_once_not_one_after_another()
    {
        // Each ignores SIGINT, so each stop takes a full stop grace until SIGTERM ends it (and a kill grace when part of
        // its tree outlives the root): one after another, four of them would take at least four stop graces, 8 s.
        const int count = 4;
        var options = DefaultOptions with { StopGrace = TimeSpan.FromSeconds(2) };
        var oneStop = options.StopGrace + options.KillGrace;
        var manager = CreateManager(options);
        var directory = CreateTempDirectory();
        var pids = Enumerable.Range(0, count).Select(i =>
        {
            var ready = Path.Combine(directory, $"ready-{i}");
            var pid = Start(manager, "/bin/sh", "-c", "trap '' INT; /bin/sleep 60 & echo $! > \"$1\"; wait", "bz-ignores-int", ready);
            ReadPidFile(ready);
            return pid;
        }).ToList();
        var clock = Stopwatch.StartNew();

        var stopped = Request<AllProcessesStopped>(manager, new StopAllProcesses(), options.FullStopTime);

        var took = clock.Elapsed;
        Output?.WriteLine($"{count} stops took {took.TotalSeconds:0.00} s (stop grace {options.StopGrace.TotalSeconds} s)");
        Assert.Equal(new AllProcessesStopped(count), stopped);
        // Independent of load: every process had its SIGINT before the first SIGTERM went out.
        var signals = Launcher.Signals.Where(call => pids.Contains(call.Pid)).ToList();
        var interrupts = signals.Where(call => call.Signal == SIGINT).ToList();
        Assert.Equal(pids.Order(), interrupts.Select(call => call.Pid).Order());
        Assert.True(interrupts.Max(call => call.At) < signals.Where(call => call.Signal == SIGTERM).Min(call => call.At),
            $"a SIGTERM went out before every process had its SIGINT: {string.Join(", ", signals)}");
        Assert.True(took < oneStop * 2,
            $"{count} stops took {took.TotalSeconds:0.00} s; at once they take about one stop ({oneStop.TotalSeconds} s), " +
            $"one after another at least {(options.StopGrace * count).TotalSeconds} s");
    }

    [Fact]
    public void Start_during_shutdown_is_refused()
    {
        var manager = CreateManager();
        var running = Start(manager, "/bin/sh", "-c", "trap '' INT; /bin/sleep 60 & wait");
        var shutdown = CreateTestProbe();
        manager.Tell(new StopAllProcesses(), shutdown.Ref);

        Assert.Equal(ErrorTexts.ShuttingDown, FailureOf(manager, new StartProcess("/bin/sleep", ["60"])));

        shutdown.ExpectMsg(new AllProcessesStopped(1), DefaultOptions.FullStopTime);
        Assert.False(OsProcesses.IsAlive(running));
    }

    [Fact]
    public void A_fresh_manager_given_the_same_table_adopts_the_running_processes()
    {
        var first = CreateManager();
        var pid = Start(first, "/bin/sleep", "60");
        Watch(first);
        Sys.Stop(first);
        ExpectTerminated(first, ReplyTimeout);
        Assert.True(OsProcesses.IsAlive(pid));

        var second = CreateManager();

        Assert.Equal([pid], ListRunning(second));
        var stopped = Request<ProcessStopped>(second, new StopProcess(ProcessTarget.ByPid(pid), Wait: true));
        Assert.Equal(new ProcessStopped(pid, new ProcessExit(130, SIGINT)), stopped);
    }
}
