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
