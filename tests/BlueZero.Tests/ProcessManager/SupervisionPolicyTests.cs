using System.Diagnostics;
using Akka.Actor;
using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;
using BlueZero.ProcessManager.Actors;
using BlueZero.ProcessManager.Launching;
using BlueZero.ProcessManager.State;
using BlueZero.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;
using Xunit.Abstractions;

namespace BlueZero.Tests.ProcessManager;

/// <summary>
/// Supervision with real processes: restart policies with backoff, max_time, recurring jobs, kill_all, the full
/// listing, and taking over entries, whether from an earlier manager or re-adopted from disk. Timings are short and
/// exact (jitter 0), so the spacing of restarts can be checked from the recorded launches.
/// </summary>
public sealed class SupervisionPolicyTests(ITestOutputHelper output) : ProcessManagerTestKit(output)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(25);
    private static readonly TimeSpan InitialBackoff = TimeSpan.FromMilliseconds(200);
    private readonly List<int> _outsidePids = new();
    private readonly List<ProcessTableFile> _tableFiles = new();

    private static RestartPolicy Policy(RestartPolicyKind policy, int maxRestarts = -1, int initialMs = 200) =>
        new(policy, maxRestarts, new BackoffSettings(initialMs, 10_000, 2, 0), 60, [0]);

    private int StartSpec(IActorRef manager, StartProcess spec) => Request<ProcessStarted>(manager, spec).Pid;

    private ProcessInfo ByName(IActorRef manager, string name) =>
        Request<ProcessStatus>(manager, new QueryProcessStatus(ProcessTarget.ByName(name))).Info;

    private ProcessInfo AwaitState(IActorRef manager, string name, ProcessState state, TimeSpan? within = null)
    {
        ProcessInfo? info = null;
        AwaitAssert(() =>
        {
            info = ByName(manager, name);
            Assert.Equal(state, info.State);
        }, within ?? ExitTimeout, Poll);
        return info!;
    }

    private IReadOnlyList<RecordingLauncher.LaunchCall> LaunchesOf(params string[] args) =>
        Launcher.Launches.Where(call => call.Request.Args.SequenceEqual(args)).ToList();

    /// <summary>
    /// The positive control that closes a "nothing happens" window: starts <paramref name="control"/>, an entry that
    /// runs again after the same delay the entry under test would have waited, and returns once its second run was
    /// launched. That run fell due after any run the entry under test (whose delay began earlier) could have made, on
    /// the same scheduler, so a slow machine makes the window longer instead of letting it pass without looking.
    /// </summary>
    private void AwaitSecondRunOf(IActorRef manager, StartProcess control)
    {
        StartSpec(manager, control);
        AwaitCondition(() => LaunchesOf([.. control.Args]).Count >= 2, ExitTimeout, Poll, $"a second run of the control {control.Name}");
    }

    /// <summary>A control for restart windows: fails once, is restarted once after <paramref name="initialMs"/>.</summary>
    private static StartProcess FailsOnceControl(int initialMs) =>
        new("/bin/sh", ["-c", "exit 1", "bz-control"], Name: "control", Restart: Policy(RestartPolicyKind.OnFailure, maxRestarts: 1, initialMs: initialMs));

    // ---------------------------------------------------------------- restart policies

    [Fact]
    public void On_failure_restarts_with_growing_delays_then_settles_failed_when_the_budget_is_spent()
    {
        var manager = CreateManager();
        string[] args = ["-c", "exit 1"];

        StartSpec(manager, new StartProcess("/bin/sh", args, Name: "flaky", Restart: Policy(RestartPolicyKind.OnFailure, maxRestarts: 3)));

        var info = AwaitState(manager, "flaky", ProcessState.Failed);
        Assert.Equal(3, info.Restarts);
        Assert.Equal(ProcessExit.Exited(1), info.LastExit);
        Assert.False(info.Running);
        Assert.Null(info.NextRunAt);
        var launches = LaunchesOf(args);
        Assert.Equal(4, launches.Count);
        Assert.All(launches, call => Assert.IsType<Launched>(call.Outcome));
        var gaps = launches.Zip(launches.Skip(1), (a, b) => b.At - a.At).ToList();
        // A timer never fires early, but on a loaded 2-core machine it can fire late: at the start of a full run (test
        // hosts still compiling) the 0.8 s gap once measured 2.0 s. So: never shorter than the backoff, each longer than
        // the one before, and late by at most 2 s (a lost or doubled timer would be far more).
        for (var i = 0; i < gaps.Count; i++)
        {
            var expected = InitialBackoff * Math.Pow(2, i);
            Assert.InRange(gaps[i], expected - TimeSpan.FromMilliseconds(20), expected + TimeSpan.FromSeconds(2));
        }
        Assert.True(gaps[0] < gaps[1] && gaps[1] < gaps[2], $"delays must grow: {string.Join(", ", gaps)}");
        Assert.Empty(ListRunning(manager));
    }

    [Fact]
    public void Always_restarts_after_exit_zero_with_a_new_pid_under_the_same_name()
    {
        var manager = CreateManager();
        var marker = Path.Combine(CreateTempDirectory(), "ran-once");
        // The first run exits 0; every later run stays up.
        string[] args = ["-c", "if [ -e \"$1\" ]; then exec /bin/sleep 60; fi; : > \"$1\"; exit 0", "bz-phoenix", marker];

        var first = StartSpec(manager, new StartProcess("/bin/sh", args, Name: "phoenix", Restart: Policy(RestartPolicyKind.Always)));

        ProcessInfo info = null!;
        AwaitAssert(() =>
        {
            info = ByName(manager, "phoenix");
            Assert.Equal(ProcessState.Running, info.State);
            Assert.NotEqual(first, info.Pid);
        }, ExitTimeout, Poll);
        var second = info.Pid!.Value;
        Assert.Equal(1, info.Restarts);
        Assert.Equal(ProcessExit.Exited(0), info.LastExit);
        Assert.Equal([first, second], Launcher.LaunchedPids);
        Assert.True(OsProcesses.IsAlive(second));
        Assert.Equal("phoenix", Query(manager, second).Info.Name);
        Assert.Equal([second], ListRunning(manager));

        // A stop request ends it for good, even under always.
        var stopped = Request<ProcessStopped>(manager, new StopProcess(ProcessTarget.ByName("phoenix"), Wait: true), DefaultOptions.FullStopTime);
        Assert.Equal(new ProcessStopped(second, ProcessExit.Killed(SIGINT)), stopped);
        AwaitState(manager, "phoenix", ProcessState.Stopped);
        AwaitSecondRunOf(manager, FailsOnceControl((int)InitialBackoff.TotalMilliseconds));
        Assert.Equal(2, LaunchesOf(args).Count);
        Assert.Equal(ProcessState.Stopped, ByName(manager, "phoenix").State);
    }

    [Fact]
    public void Stop_during_backoff_cancels_the_restart()
    {
        var manager = CreateManager();
        string[] args = ["-c", "exit 1"];
        var pid = StartSpec(manager, new StartProcess("/bin/sh", args, Name: "backoff",
            Restart: Policy(RestartPolicyKind.OnFailure, initialMs: 600)));
        var waiting = AwaitState(manager, "backoff", ProcessState.BackingOff);
        Assert.NotNull(waiting.NextRunAt);
        Assert.False(waiting.Running);

        var stopped = Request<ProcessStopped>(manager, new StopProcess(ProcessTarget.ByName("backoff")));

        Assert.Equal(new ProcessStopped(pid, ProcessExit.Exited(1)), stopped);
        var info = ByName(manager, "backoff");
        Assert.Equal(ProcessState.Stopped, info.State);
        Assert.Null(info.NextRunAt);
        AwaitSecondRunOf(manager, FailsOnceControl(600));
        Assert.Single(LaunchesOf(args));
        Assert.Equal(ProcessState.Stopped, ByName(manager, "backoff").State);
        Assert.Equal(0, ByName(manager, "backoff").Restarts);
    }

    [Fact]
    public void Name_of_an_entry_backing_off_stays_taken_until_the_entry_is_final()
    {
        var manager = CreateManager();
        var spec = new StartProcess("/bin/sh", ["-c", "exit 1"], Name: "dup", Restart: Policy(RestartPolicyKind.OnFailure, initialMs: 5_000));
        StartSpec(manager, spec);
        AwaitState(manager, "dup", ProcessState.BackingOff);

        Assert.Equal(ErrorTexts.NameInUse("dup"), FailureOf(manager, new StartProcess("/bin/sleep", ["60"], Name: "dup")));

        Request<ProcessStopped>(manager, new StopProcess(ProcessTarget.ByName("dup")));
        var again = StartSpec(manager, new StartProcess("/bin/sleep", ["60"], Name: "dup"));
        Assert.Equal(again, ByName(manager, "dup").Pid);
    }

    [Fact]
    public void Stop_with_wait_replies_only_once_the_entry_is_final_so_its_name_is_free_at_once()
    {
        var manager = CreateManager();
        for (var round = 0; round < 25; round++)
        {
            var pid = StartSpec(manager, new StartProcess("/bin/sleep", ["60"], Name: "again"));

            Request<ProcessStopped>(manager, new StopProcess(ProcessTarget.ByName("again"), Wait: true), DefaultOptions.FullStopTime);

            var info = Query(manager, pid).Info;
            Assert.True(info.State == ProcessState.Stopped, $"round {round}: state {info.State} right after the stop reply");
        }
    }

    // ---------------------------------------------------------------- max_time

    [Fact]
    public void Max_time_stops_a_long_process_at_its_limit_and_settles_timed_out()
    {
        var manager = CreateManager();
        var pid = StartSpec(manager, new StartProcess("/bin/sleep", ["60"], Name: "slow", MaxTimeS: 0.5));
        Assert.Equal(ProcessState.Running, ByName(manager, "slow").State);

        var info = AwaitState(manager, "slow", ProcessState.TimedOut);

        Assert.Equal(ProcessExit.Killed(SIGINT), info.LastExit);
        Assert.Equal(0, info.Restarts);
        Assert.False(OsProcesses.IsAlive(pid));
        var launchedAt = Assert.Single(Launcher.Launches).At;
        var firstSignal = Launcher.SignalsTo(pid)[0];
        Assert.Equal(SIGINT, firstSignal.Signal);
        Assert.InRange(firstSignal.At - launchedAt, TimeSpan.FromMilliseconds(450), TimeSpan.FromMilliseconds(1_500));
    }

    // ---------------------------------------------------------------- recurring jobs

    [Fact]
    public void Recurring_job_runs_again_after_each_period_until_unscheduled_and_then_ends_after_the_current_run()
    {
        var manager = CreateManager();
        string[] args = ["0.6"];
        StartSpec(manager, new StartProcess("/bin/sleep", args, Name: "tick", RecurringPeriodS: 0.1));

        AwaitCondition(() => LaunchesOf(args).Count >= 3, TimeSpan.FromSeconds(8), Poll, "three runs of the recurring job");
        ProcessInfo running = null!;
        AwaitAssert(() =>
        {
            // A run that began just now, so it is still in progress when the unschedule lands.
            running = ByName(manager, "tick");
            Assert.Equal(ProcessState.Running, running.State);
            Assert.InRange(DateTimeOffset.UtcNow - running.StartedAt, TimeSpan.Zero, TimeSpan.FromMilliseconds(200));
        }, TimeSpan.FromSeconds(3), TimeSpan.FromMilliseconds(10));

        Assert.Equal(new Unscheduled("tick"), Request<Unscheduled>(manager, new Unschedule(ProcessTarget.ByName("tick"))));

        var current = ByName(manager, "tick");
        Assert.Equal(ProcessState.Running, current.State);
        Assert.Equal(running.Pid, current.Pid);
        var final = AwaitState(manager, "tick", ProcessState.Exited, TimeSpan.FromSeconds(3));
        Assert.Equal(ProcessExit.Exited(0), final.LastExit);
        Assert.Null(final.NextRunAt);
        var runs = LaunchesOf(args).Count;
        Assert.Equal(runs - 1, final.Restarts);
        AwaitSecondRunOf(manager, new StartProcess("/bin/sh", ["-c", "exit 0", "bz-control"], Name: "control", RecurringPeriodS: 0.1));
        Assert.Equal(runs, LaunchesOf(args).Count);
        Assert.Equal(ProcessState.Exited, ByName(manager, "tick").State);
    }

    [Fact]
    public void Recurring_job_waiting_for_its_next_run_is_scheduled_and_unschedule_ends_it_at_once()
    {
        var manager = CreateManager();
        StartSpec(manager, new StartProcess("/bin/sh", ["-c", "exit 3"], Name: "cron", RecurringPeriodS: 60));

        var scheduled = AwaitState(manager, "cron", ProcessState.Scheduled);
        Assert.Equal(ProcessExit.Exited(3), scheduled.LastExit);
        Assert.NotNull(scheduled.NextRunAt);
        Assert.InRange(scheduled.NextRunAt!.Value - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(55), TimeSpan.FromSeconds(60));

        Assert.Equal(new Unscheduled("cron"), Request<Unscheduled>(manager, new Unschedule(ProcessTarget.ByName("cron"))));

        Assert.Equal(ProcessState.Exited, ByName(manager, "cron").State);
        Assert.Single(Launcher.Launches);
    }

    [Fact]
    public void Unschedule_of_a_process_that_is_not_recurring_is_refused()
    {
        var manager = CreateManager();
        StartSpec(manager, new StartProcess("/bin/sleep", ["60"], Name: "plain"));

        Assert.Equal(ErrorTexts.NotRecurring(ProcessTarget.ByName("plain").ToString()),
            FailureOf(manager, new Unschedule(ProcessTarget.ByName("plain"))));
        Assert.Equal(ProcessState.Running, ByName(manager, "plain").State);
    }

    // ---------------------------------------------------------------- kill_all and list_processes

    [Fact]
    public void Kill_all_replies_the_running_pids_and_stops_every_entry_including_those_backing_off()
    {
        var manager = CreateManager();
        var first = StartSpec(manager, new StartProcess("/bin/sleep", ["60"], Name: "one"));
        var second = StartSpec(manager, new StartProcess("/bin/sleep", ["61"]));
        StartSpec(manager, new StartProcess("/bin/sh", ["-c", "exit 1"], Name: "retrying", Restart: Policy(RestartPolicyKind.OnFailure, initialMs: 5_000)));
        StartSpec(manager, new StartProcess("/bin/sh", ["-c", "exit 0"], Name: "done"));
        AwaitState(manager, "retrying", ProcessState.BackingOff);
        AwaitState(manager, "done", ProcessState.Exited);

        var killed = Request<AllKilled>(manager, new KillAll());

        Assert.Equal(new[] { first, second }.Order(), killed.Pids);
        AwaitDead(first);
        AwaitDead(second);
        AwaitAssert(() =>
        {
            var states = Request<ProcessList>(manager, new ListProcesses()).Processes.ToDictionary(p => p.Pid!.Value, p => p.State);
            Assert.Equal(ProcessState.Stopped, states[first]);
            Assert.Equal(ProcessState.Stopped, states[second]);
        }, ExitTimeout, Poll);
        Assert.Equal(ProcessState.Stopped, ByName(manager, "retrying").State);
        Assert.Equal(ProcessState.Exited, ByName(manager, "done").State);
        Assert.Empty(ListRunning(manager));
        Assert.Empty(Request<AllKilled>(manager, new KillAll()).Pids);
    }

    [Fact]
    public void List_processes_shows_every_entry_with_its_state()
    {
        var manager = CreateManager();
        var running = StartSpec(manager, new StartProcess("/bin/sleep", ["60"], Name: "svc"));
        StartSpec(manager, new StartProcess("/bin/sh", ["-c", "exit 0"], Name: "done"));
        StartSpec(manager, new StartProcess("/bin/sh", ["-c", "exit 2"], Name: "broken", Restart: Policy(RestartPolicyKind.OnFailure, maxRestarts: 0)));
        StartSpec(manager, new StartProcess("/bin/sh", ["-c", "exit 1"], Name: "retrying", Restart: Policy(RestartPolicyKind.OnFailure, initialMs: 5_000)));
        StartSpec(manager, new StartProcess("/bin/true", [], Name: "cron", RecurringPeriodS: 60));
        StartSpec(manager, new StartProcess("/bin/sleep", ["60"], Name: "late", MaxTimeS: 0.2));
        StartSpec(manager, new StartProcess("/bin/sleep", ["60"], Name: "halted"));
        Request<ProcessStopped>(manager, new StopProcess(ProcessTarget.ByName("halted"), Wait: true), DefaultOptions.FullStopTime);

        var expected = new Dictionary<string, ProcessState>
        {
            ["svc"] = ProcessState.Running,
            ["done"] = ProcessState.Exited,
            ["broken"] = ProcessState.Failed,
            ["retrying"] = ProcessState.BackingOff,
            ["cron"] = ProcessState.Scheduled,
            ["late"] = ProcessState.TimedOut,
            ["halted"] = ProcessState.Stopped,
        };
        IReadOnlyList<ProcessInfo> processes = [];
        AwaitAssert(() =>
        {
            processes = Request<ProcessList>(manager, new ListProcesses()).Processes;
            Assert.Equal(expected, processes.ToDictionary(p => p.Name!, p => p.State));
        }, ExitTimeout, Poll);

        var byName = processes.ToDictionary(p => p.Name!);
        Assert.Equal(running, byName["svc"].Pid);
        Assert.True(byName["svc"].Running);
        Assert.Equal(["60"], byName["svc"].Args);
        Assert.Equal("/bin/sleep", byName["svc"].Path);
        Assert.All(processes.Where(p => p.Name != "svc"), p => Assert.False(p.Running, p.Name));
        Assert.Equal(ProcessExit.Exited(2), byName["broken"].LastExit);
        Assert.Equal(ProcessExit.Killed(SIGINT), byName["late"].LastExit);
        Assert.All(processes, p => Assert.Equal(p.State is ProcessState.BackingOff or ProcessState.Scheduled, p.NextRunAt is not null));
        Assert.Equal([running], ListRunning(manager));
    }

    // ---------------------------------------------------------------- taking over entries

    [Fact]
    public void Fresh_manager_over_the_same_table_keeps_the_process_and_applies_its_policy()
    {
        var first = CreateManager();
        var pid = StartSpec(first, new StartProcess("/bin/sleep", ["60"], Name: "keeper", Restart: Policy(RestartPolicyKind.OnFailure)));
        Watch(first);
        Sys.Stop(first);
        ExpectTerminated(first, ReplyTimeout);
        Assert.True(OsProcesses.IsAlive(pid));

        var second = CreateManager();

        var info = ByName(second, "keeper");
        Assert.Equal(ProcessState.Running, info.State);
        Assert.Equal(pid, info.Pid);
        Assert.Equal([pid], ListRunning(second));

        // The process dies unexpectedly: the new incarnation notices and restarts it under the same policy.
        OsProcesses.KillHard(pid);
        ProcessInfo restarted = null!;
        AwaitAssert(() =>
        {
            restarted = ByName(second, "keeper");
            Assert.Equal(ProcessState.Running, restarted.State);
            Assert.NotEqual(pid, restarted.Pid);
        }, ExitTimeout, Poll);
        Assert.Equal(1, restarted.Restarts);
        Assert.Equal(ProcessExit.Killed(SIGKILL), restarted.LastExit);
        Assert.Equal(2, Launcher.Launches.Count);
        Assert.True(OsProcesses.IsAlive(restarted.Pid!.Value));
    }

    [Fact]
    public void Fresh_manager_over_the_same_table_carries_on_a_pending_restart()
    {
        var first = CreateManager();
        string[] args = ["-c", "exit 1"];
        StartSpec(first, new StartProcess("/bin/sh", args, Name: "pending", Restart: Policy(RestartPolicyKind.OnFailure, maxRestarts: 1, initialMs: 700)));
        AwaitState(first, "pending", ProcessState.BackingOff);
        Watch(first);
        Sys.Stop(first);
        ExpectTerminated(first, ReplyTimeout);

        var second = CreateManager();

        var info = AwaitState(second, "pending", ProcessState.Failed);
        Assert.Equal(1, info.Restarts);
        Assert.Equal(2, LaunchesOf(args).Count);
    }

    // ---------------------------------------------------------------- re-adoption from disk

    [Fact]
    public void Adopted_live_process_is_reported_running_and_stops_with_an_unknown_exit_code()
    {
        var pid = StartOutsideSleep();
        var ticks = ProcStat.Read(pid)!.StartTimeTicks;
        var table = FromDisk(Recorded(7, pid, ticks, "adoptee"));
        Assert.True(table.Get(7)!.Adopted, "a live entry read from disk must be marked adopted");
        var manager = Sys.ActorOf(ProcessManagerActor.Props(DefaultOptions, Launcher, table));

        var status = Query(manager, pid).Info;
        Assert.Equal(ProcessState.Running, status.State);
        Assert.True(status.Running);
        Assert.Equal("adoptee", status.Name);
        Assert.Equal([pid], ListRunning(manager));

        var stopped = Request<ProcessStopped>(manager, new StopProcess(ProcessTarget.ByPid(pid), Wait: true), DefaultOptions.FullStopTime);

        Assert.Equal(new ProcessStopped(pid, new ProcessExit(null, null)), stopped);
        AwaitDead(pid);
        var after = AwaitState(manager, "adoptee", ProcessState.Stopped);
        Assert.Equal(ProcessExit.Unknown, after.LastExit);
        Assert.Equal(SIGINT, Launcher.SignalsTo(pid)[0].Signal);
        Assert.Empty(Launcher.Launches);
        Assert.Equal(8, table.NextId());
    }

    [Fact]
    public void Adopted_entry_whose_pid_was_recycled_or_is_dead_is_settled_lost_and_never_signalled()
    {
        var recycled = StartOutsideSleep();
        var ticks = ProcStat.Read(recycled)!.StartTimeTicks;
        var dead = DeadPid();
        var table = FromDisk(Recorded(1, recycled, ticks + 1, "recycled"), Recorded(2, dead, 12_345, "dead"));
        var manager = Sys.ActorOf(ProcessManagerActor.Props(DefaultOptions, Launcher, table));

        AwaitState(manager, "recycled", ProcessState.Lost);
        var lost = AwaitState(manager, "dead", ProcessState.Lost);

        Assert.Equal(ProcessExit.Unknown, lost.LastExit);
        Assert.False(lost.Running);
        Assert.Equal(ProcessExit.Unknown, ByName(manager, "recycled").LastExit);
        Assert.Empty(ListRunning(manager));
        // A stop of a settled entry is answered from the table and must not reach the stranger holding the pid.
        Assert.Equal(new ProcessStopped(recycled, ProcessExit.Unknown),
            Request<ProcessStopped>(manager, new StopProcess(ProcessTarget.ByPid(recycled))));
        // kill_all signals a live control; once its SIGINT went out, kill_all is done with every entry.
        var control = StartSpec(manager, new StartProcess("/bin/sleep", ["60"], Name: "control"));
        Assert.Equal([control], Request<AllKilled>(manager, new KillAll()).Pids);
        AwaitCondition(() => Launcher.SignalsTo(control).Count > 0, ReplyTimeout, Poll, "kill_all to signal the control");
        Assert.Equal([control], Launcher.Signals.Select(call => call.Pid).Distinct());
        Assert.Equal([control], Launcher.LaunchedPids);
        Assert.True(OsProcesses.IsAlive(recycled), "a process that only shares the pid must be left alone");
    }

    [Fact]
    public void Adopted_entry_lost_while_the_node_was_down_is_restarted_under_on_failure()
    {
        var dead = DeadPid();
        var table = FromDisk(Recorded(3, dead, 12_345, "resilient", Policy(RestartPolicyKind.OnFailure)));
        var manager = Sys.ActorOf(ProcessManagerActor.Props(DefaultOptions, Launcher, table));

        ProcessInfo info = null!;
        AwaitAssert(() =>
        {
            info = ByName(manager, "resilient");
            Assert.Equal(ProcessState.Running, info.State);
            Assert.NotEqual(dead, info.Pid);
        }, ExitTimeout, Poll);

        Assert.Equal(1, info.Restarts);
        Assert.Equal(ProcessExit.Unknown, info.LastExit);
        var launched = Assert.IsType<Launched>(Assert.Single(Launcher.Launches).Outcome);
        Assert.Equal(launched.Pid, info.Pid);
        Assert.Empty(Launcher.SignalsTo(dead));
    }

    /// <summary>A running entry as an earlier node process recorded it.</summary>
    private static ManagedEntry Recorded(long id, int pid, ulong? startTicks, string name, RestartPolicy? restart = null) =>
        new(id, new StartProcess("/bin/sleep", ["60"], Name: name, Restart: restart), ProcessState.Running, pid, startTicks,
            Restarts: 0, ConsecutiveRestarts: 0, LastExit: null, DateTimeOffset.UtcNow.AddMinutes(-5));

    /// <summary>Writes the entries as a node would before going down, and reads them back as the restarted node does.</summary>
    private ProcessTable FromDisk(params ManagedEntry[] entries)
    {
        var directory = CreateTempDirectory();
        using (var before = new ProcessTableFile(directory, HostName, NullLogger.Instance))
        {
            var written = before.Load();
            foreach (var entry in entries) written.Put(entry);
        }
        var after = new ProcessTableFile(directory, HostName, NullLogger.Instance);
        _tableFiles.Add(after);
        return after.Load();
    }

    /// <summary>A sleep that is not a child of this test process, in a session of its own, as a process re-adopted after a node restart.</summary>
    private int StartOutsideSleep()
    {
        var startInfo = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, UseShellExecute = false };
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add("/usr/bin/setsid /bin/sleep 30 </dev/null >/dev/null 2>&1 & echo $!");
        int pid;
        using (var shell = Process.Start(startInfo)!)
        {
            pid = int.Parse(shell.StandardOutput.ReadLine()!.Trim());
            _outsidePids.Add(pid);
            Assert.True(shell.WaitForExit(5_000), "the launching shell did not exit");
        }
        AwaitAssert(() =>
        {
            Assert.Equal("/bin/sleep", OsProcesses.CommandLine(pid).FirstOrDefault());
            var stat = ProcStat.Read(pid);
            Assert.NotNull(stat);
            Assert.NotEqual(Environment.ProcessId, stat.ParentPid);
            Assert.Equal(pid, stat.ProcessGroup);
        }, ReplyTimeout, Poll);
        return pid;
    }

    /// <summary>The pid of a process that has ended and been reaped.</summary>
    private static int DeadPid()
    {
        using var process = Process.Start("/bin/true")!;
        process.WaitForExit();
        var pid = process.Id;
        Assert.False(OsProcesses.IsAlive(pid));
        return pid;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var pid in _outsidePids) OsProcesses.KillHard(pid);
            foreach (var file in _tableFiles) file.Dispose();
        }
        base.Dispose(disposing);
    }
}
