using Akka.Actor;
using BlueZero.Messages.Protocol;
using BlueZero.ProcessManager.Actors;
using BlueZero.ProcessManager.State;
using Xunit;
using Xunit.Abstractions;

namespace BlueZero.Tests.ProcessManager;

/// <summary>
/// What the manager and its entry actors record in the node's event journal, with real processes: one behaviour per
/// test, read back from the journal the shipper would send.
/// </summary>
public sealed class ProcessEventsTests(ITestOutputHelper output) : ProcessManagerTestKit(output)
{
    private readonly NodeResources _resources = NodeResources.For(DefaultOptions, persist: false);

    private IActorRef CreateRecordingManager() =>
        Sys.ActorOf(ProcessManagerActor.Props(DefaultOptions, Launcher, Table, _resources));

    private IReadOnlyList<MeshEvent> Recorded() => _resources.Events.Journal.Read(10_000).Select(e => e.Event).ToList();

    private IReadOnlyList<MeshEvent> Of(MeshEventType type) => Recorded().Where(e => e.Type == type).ToList();

    /// <summary>Waits until an event of <paramref name="type"/> was recorded and returns the first.</summary>
    private MeshEvent Await(MeshEventType type)
    {
        MeshEvent? found = null;
        AwaitAssert(() => found = Assert.Single(Of(type)), ExitTimeout, TimeSpan.FromMilliseconds(25));
        return found!;
    }

    [Fact]
    public void With_events_disabled_a_run_records_nothing()
    {
        using var quiet = NodeResources.For(DefaultOptions with { EventsEnabled = false }, persist: false);
        var manager = Sys.ActorOf(ProcessManagerActor.Props(DefaultOptions, Launcher, Table, quiet));

        Request<ProcessStarted>(manager, new StartProcess("/bin/sh", ["-c", "exit 3"], Name: "quiet"));
        AwaitAssert(() => Assert.Contains(Table.All(), e => e.Name == "quiet" && e.State == ProcessState.Exited), ExitTimeout);

        Assert.Equal(0, quiet.Events.Journal.Count);
    }

    [Fact]
    public void A_run_that_exits_with_3_is_recorded_as_started_then_exited_with_exit_code_3()
    {
        var manager = CreateRecordingManager();

        var pid = Request<ProcessStarted>(manager, new StartProcess("/bin/sh", ["-c", "exit 3"], Name: "three", By: "ops")).Pid;

        var exited = Await(MeshEventType.ProcessExited);
        Assert.Equal((pid, "three", 3, (int?)null, ExitReason.Exited), (exited.Pid!.Value, exited.Name, exited.ExitCode!.Value, exited.Signal, exited.Reason!.Value));
        var started = Assert.Single(Of(MeshEventType.ProcessStarted));
        Assert.Equal((pid, "/bin/sh", "ops", HostName), (started.Pid!.Value, started.Path, started.By, started.HostName));
        Assert.Equal(["-c", "exit 3"], started.Args!);
        Assert.Equal([MeshEventType.ProcessStarted, MeshEventType.ProcessExited], Recorded().Select(e => e.Type));
    }

    [Fact]
    public void A_restart_policy_records_backing_off_with_growing_delays_then_failed()
    {
        var manager = CreateRecordingManager();
        var policy = new RestartPolicy(RestartPolicyKind.OnFailure, 3, new BackoffSettings(100, 10_000, 2, 0), 60, [0]);

        Request<ProcessStarted>(manager, new StartProcess("/bin/sh", ["-c", "exit 1"], Name: "flaky", Restart: policy));

        var failed = Await(MeshEventType.ProcessFailed);
        Assert.Equal(3, failed.Restarts);
        var backoffs = Of(MeshEventType.ProcessBackingOff);
        Assert.Equal([100L, 200L, 400L], backoffs.Select(e => e.DelayMs!.Value));
        Assert.Equal([0, 1, 2], backoffs.Select(e => e.Restarts!.Value));
        Assert.Equal(4, Of(MeshEventType.ProcessStarted).Count);
        Assert.Equal([null, 1, 2, 3], Of(MeshEventType.ProcessStarted).Select(e => e.Restarts));
    }

    [Fact]
    public void A_stop_with_wait_records_stop_requested_with_by_and_an_exit_for_the_reason_stopped()
    {
        var manager = CreateRecordingManager();
        var pid = Start(manager, "/bin/sleep", "30");

        Request<ProcessStopped>(manager, new StopProcess(ProcessTarget.ByPid(pid), Wait: true, By: "alice"), ExitTimeout);

        var requested = Assert.Single(Of(MeshEventType.StopRequested));
        Assert.Equal((pid, "alice"), (requested.Pid!.Value, requested.By));
        var exited = Assert.Single(Of(MeshEventType.ProcessExited));
        Assert.Equal((ExitReason.Stopped, SIGINT), (exited.Reason!.Value, exited.Signal!.Value));
    }

    [Fact]
    public void Kill_all_records_stop_requested_once_per_process_with_by()
    {
        var manager = CreateRecordingManager();
        var pids = new[] { Start(manager, "/bin/sleep", "30"), Start(manager, "/bin/sleep", "31") };

        Request<AllKilled>(manager, new KillAll(By: "root-token"));

        AwaitAssert(() => Assert.Equal(2, Of(MeshEventType.ProcessExited).Count), ExitTimeout);
        var requested = Of(MeshEventType.StopRequested);
        Assert.Equal(pids.Order(), requested.Select(e => e.Pid!.Value).Order());
        Assert.All(requested, e => Assert.Equal("root-token", e.By));
        Assert.All(Of(MeshEventType.ProcessExited), e => Assert.Equal(ExitReason.Stopped, e.Reason));
    }

    [Fact]
    public void Max_time_records_an_exit_for_the_reason_timed_out_and_no_stop_request()
    {
        var manager = CreateRecordingManager();

        Request<ProcessStarted>(manager, new StartProcess("/bin/sleep", ["30"], MaxTimeS: 0.2));

        Assert.Equal(ExitReason.TimedOut, Await(MeshEventType.ProcessExited).Reason);
        Assert.Empty(Of(MeshEventType.StopRequested));
    }

    [Fact]
    public void A_process_that_ends_by_a_signal_of_its_own_is_recorded_as_killed()
    {
        var manager = CreateRecordingManager();

        Start(manager, "/bin/sh", "-c", "kill -9 $$");

        var exited = Await(MeshEventType.ProcessExited);
        Assert.Equal((ExitReason.Killed, SIGKILL), (exited.Reason!.Value, exited.Signal!.Value));
    }

    [Fact]
    public void A_launch_error_records_start_failed_with_the_error_text()
    {
        var manager = CreateRecordingManager();
        var directory = CreateTempDirectory();
        var script = WriteScript(Path.Combine(directory, "not-executable.sh"), "exit 0", executable: false);

        var error = FailureOf(manager, new StartProcess(script, [], Name: "broken", By: "bob"));

        var failed = Await(MeshEventType.StartFailed);
        Assert.Equal((error, script, "broken", "bob", (int?)null), (failed.Error, failed.Path, failed.Name, failed.By, failed.Pid));
        Assert.Empty(Of(MeshEventType.ProcessStarted));
    }

    [Fact]
    public void A_refused_path_records_start_failed()
    {
        var manager = Sys.ActorOf(ProcessManagerActor.Props(DefaultOptions with { AllowedPaths = ["/opt/allowed"] }, Launcher, Table, _resources));

        var error = FailureOf(manager, new StartProcess("/bin/true", []));

        Assert.Equal(error, Await(MeshEventType.StartFailed).Error);
    }
}
