using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;
using Xunit;
using Xunit.Abstractions;

namespace BlueZero.Tests.ProcessManager;

/// <summary>Every refusal carries the exact user-facing text from <see cref="ErrorTexts"/>.</summary>
public sealed class ProcessManagerErrorTests(ITestOutputHelper output) : ProcessManagerTestKit(output)
{
    [Fact]
    public void Start_of_a_missing_executable_fails_with_no_such_file()
    {
        var path = Path.Combine(CreateTempDirectory(), "missing");

        Assert.Equal(ErrorTexts.NoSuchFile(path), FailureOf(CreateManager(), new StartProcess(path, [])));
    }

    [Fact]
    public void Start_of_a_directory_fails_with_is_a_directory()
    {
        var path = CreateTempDirectory();

        Assert.Equal(ErrorTexts.IsADirectory(path), FailureOf(CreateManager(), new StartProcess(path, [])));
    }

    [Fact]
    public void Start_of_a_file_without_execute_permission_fails_with_permission_denied()
    {
        var path = WriteScript(Path.Combine(CreateTempDirectory(), "not-executable.sh"), "exit 0", executable: false);

        Assert.Equal(ErrorTexts.PermissionDenied(path), FailureOf(CreateManager(), new StartProcess(path, [])));
    }

    [Fact]
    public void Start_in_a_missing_working_directory_fails_with_no_such_directory()
    {
        var cwd = Path.Combine(CreateTempDirectory(), "missing");

        Assert.Equal(ErrorTexts.NoSuchDirectory(cwd), FailureOf(CreateManager(), new StartProcess("/bin/sleep", ["60"], Cwd: cwd)));
    }

    [Fact]
    public void Start_with_the_name_of_a_running_process_fails_until_that_process_has_ended()
    {
        var manager = CreateManager();
        var first = Request<ProcessStarted>(manager, new StartProcess("/bin/sleep", ["60"], Name: "web")).Pid;

        Assert.Equal(ErrorTexts.NameInUse("web"), FailureOf(manager, new StartProcess("/bin/sleep", ["60"], Name: "web")));

        Request<ProcessStopped>(manager, new StopProcess(ProcessTarget.ByPid(first), Wait: true));
        Request<ProcessStarted>(manager, new StartProcess("/bin/sleep", ["60"], Name: "web"));
    }

    [Fact]
    public void A_start_that_fails_to_launch_leaves_no_entry_and_its_name_free()
    {
        var manager = CreateManager();
        var missing = Path.Combine(CreateTempDirectory(), "missing");

        Assert.Equal(ErrorTexts.NoSuchFile(missing), FailureOf(manager, new StartProcess(missing, [], Name: "web")));

        Assert.Empty(Request<ProcessList>(manager, new ListProcesses()).Processes);
        Request<ProcessStarted>(manager, new StartProcess("/bin/sleep", ["60"], Name: "web"));
    }

    [Fact]
    public void Two_starts_of_one_name_sent_together_run_only_one()
    {
        var manager = CreateManager();
        var first = CreateTestProbe();
        var second = CreateTestProbe();

        // Both arrive before the first run is launched: the name is held while it is.
        manager.Tell(new StartProcess("/bin/sleep", ["60"], Name: "web"), first.Ref);
        manager.Tell(new StartProcess("/bin/sleep", ["60"], Name: "web"), second.Ref);

        first.ExpectMsg<ProcessStarted>(ReplyTimeout);
        Assert.Equal(ErrorTexts.NameInUse("web"), second.ExpectMsg<CommandFailed>(ReplyTimeout).ErrorMessage);
        Assert.Single(Launcher.Launches);
    }

    [Fact]
    public void Stop_of_an_unmanaged_pid_fails_with_pid_not_managed_naming_the_host()
    {
        var pid = Environment.ProcessId;

        Assert.Equal(ErrorTexts.PidNotManaged(pid, HostName), FailureOf(CreateManager(), new StopProcess(ProcessTarget.ByPid(pid))));
    }

    [Fact]
    public void Query_of_an_unknown_pid_fails_with_no_such_pid()
    {
        var target = ProcessTarget.ByPid(Environment.ProcessId);

        Assert.Equal(ErrorTexts.NoSuchPid, FailureOf(CreateManager(), new QueryProcessStatus(target)));
    }

    [Fact]
    public void Query_and_stop_of_an_unknown_name_fail_with_no_such_name()
    {
        var manager = CreateManager();
        var target = ProcessTarget.ByName("nobody");

        Assert.Equal(ErrorTexts.NoSuchName("nobody"), FailureOf(manager, new QueryProcessStatus(target)));
        Assert.Equal(ErrorTexts.NoSuchName("nobody"), FailureOf(manager, new StopProcess(target)));
    }
}
