using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;
using Xunit;
using Xunit.Abstractions;

namespace BlueZero.Tests.ProcessManager;

/// <summary>What query and list report about running and ended processes, and how long ended ones are kept.</summary>
public sealed class ProcessQueryTests(ITestOutputHelper output) : ProcessManagerTestKit(output)
{
    [Fact]
    public void A_process_that_exits_by_itself_is_reported_ended_with_its_exit_code_and_leaves_the_list()
    {
        var manager = CreateManager();

        var pid = Start(manager, "/bin/sh", "-c", "exit 3");

        var info = AwaitEnded(manager, pid).Info;
        Assert.Equal(pid, info.Pid);
        Assert.Null(info.Name);
        Assert.False(info.Running);
        Assert.Equal(ProcessState.Exited, info.State);
        Assert.Equal(ProcessExit.Exited(3), info.LastExit);
        Assert.DoesNotContain(pid, ListRunning(manager));
    }

    [Fact]
    public void List_returns_the_running_pids_in_ascending_order()
    {
        var manager = CreateManager();
        var pids = Enumerable.Range(0, 3).Select(_ => Start(manager, "/bin/sleep", "60")).ToList();

        Assert.Equal(pids.Order(), ListRunning(manager));
    }

    [Fact]
    public void Query_by_name_reports_the_named_process()
    {
        var manager = CreateManager();
        var pid = Request<ProcessStarted>(manager, new StartProcess("/bin/sleep", ["60"], Name: "sleeper")).Pid;

        var status = Request<ProcessStatus>(manager, new QueryProcessStatus(ProcessTarget.ByName("sleeper")));

        Assert.Equal(pid, status.Info.Pid);
        Assert.Equal("sleeper", status.Info.Name);
        Assert.True(status.Info.Running);
        Assert.Equal(ProcessState.Running, status.Info.State);
        Assert.Null(status.Info.LastExit);
    }

    [Fact]
    public void Retention_drops_the_oldest_ended_record_beyond_the_record_limit()
    {
        var manager = CreateManager(DefaultOptions with { RetentionMaxRecords = 2 });
        var pids = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            pids.Add(Start(manager, "/bin/sh", "-c", $"exit {i}"));
            AwaitEnded(manager, pids[^1]);
        }

        Assert.Equal(ErrorTexts.NoSuchPid, FailureOf(manager, new QueryProcessStatus(ProcessTarget.ByPid(pids[0]))));
        Assert.Equal(ProcessExit.Exited(1), Query(manager, pids[1]).Info.LastExit);
        Assert.Equal(ProcessExit.Exited(2), Query(manager, pids[2]).Info.LastExit);
    }
}
