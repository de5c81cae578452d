using BlueZero.Messages.Protocol;
using BlueZero.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace BlueZero.Tests.ProcessManager;

/// <summary>restart_process: the stop escalation, then the same spec again, in the same entry.</summary>
public sealed class ProcessRestartTests(ITestOutputHelper output) : ProcessManagerTestKit(output)
{
    private static RestartProcess RestartName(string name) => new(ProcessTarget.ByName(name));

    [Fact]
    public void Restart_of_a_running_entry_stops_it_and_replies_with_the_new_pid_under_the_same_name()
    {
        var manager = CreateManager();
        var first = Request<ProcessStarted>(manager, new StartProcess("/bin/sleep", ["60"], Name: "web")).Pid;

        var restarted = Request<ProcessRestarted>(manager, RestartName("web"), ExitTimeout);

        Assert.NotEqual(first, restarted.Pid);
        Assert.Equal(first, restarted.PreviousPid);
        Assert.Equal(new ProcessExit(130, SIGINT), restarted.PreviousExit);
        Assert.False(OsProcesses.IsAlive(first));
        var status = Request<ProcessStatus>(manager, new QueryProcessStatus(ProcessTarget.ByName("web"))).Info;
        Assert.Equal((restarted.Pid, ProcessState.Running, 1), (status.Pid!.Value, status.State, status.Restarts));
    }

    [Fact]
    public void Restart_of_an_exited_entry_runs_it_again_and_keeps_counting_restarts()
    {
        var manager = CreateManager();
        var first = Request<ProcessStarted>(manager, new StartProcess("/bin/sh", ["-c", "exit 3"], Name: "job")).Pid;
        AwaitEnded(manager, first);

        var restarted = Request<ProcessRestarted>(manager, RestartName("job"));
        AwaitEnded(manager, restarted.Pid);
        var again = Request<ProcessRestarted>(manager, RestartName("job"));

        Assert.Equal(ProcessExit.Exited(3), again.PreviousExit);
        var status = Request<ProcessStatus>(manager, new QueryProcessStatus(ProcessTarget.ByName("job"))).Info;
        Assert.Equal((again.Pid, 2), (status.Pid!.Value, status.Restarts));
    }

    [Fact]
    public void Restart_of_an_unknown_name_is_refused()
    {
        var manager = CreateManager();

        Assert.Equal("no such name: ghost", FailureOf(manager, RestartName("ghost")));
    }
}
