using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;
using BlueZero.Mesh.Configuration;
using BlueZero.Tests.ProcessManager;
using Xunit;
using Xunit.Abstractions;
using BlueZero.Tests.Support;

namespace BlueZero.Tests.Unit;

/// <summary>
/// bluezero.process-manager.max-processes (<see cref="ProcessManagerOptions.MaxProcesses"/>, default in hocon/process-manager.hocon): a node refuses a
/// start_process while that many entries may still run; ended entries do not count, and a stop frees a place.
/// </summary>
public sealed class MaxProcessesTests(ITestOutputHelper output) : ProcessManagerTestKit(output)
{
    [Fact]
    public void The_default_is_10000()
    {
        Assert.Equal(10_000, DefaultOptions.MaxProcesses);
        Assert.Equal(10_000, ShippedSettings.ProcessManager.MaxProcesses);
    }

    [Fact]
    public void A_start_beyond_the_limit_is_refused_until_a_managed_process_ends()
    {
        var manager = CreateManager(DefaultOptions with { MaxProcesses = 2 });

        var ended = Start(manager, "/bin/true");
        AwaitEnded(manager, ended); // a final entry does not count
        var first = Start(manager, "/bin/sleep", "60");
        var second = Start(manager, "/bin/sleep", "60");

        Assert.Equal("too many managed processes on test-host: the limit is 2", FailureOf(manager, new StartProcess("/bin/sleep", ["60"])));
        Assert.Equal(ErrorTexts.TooManyProcesses(HostName, 2), FailureOf(manager, new StartProcess("/bin/sleep", ["60"], Name: "third")));
        Assert.Equal([first, second], ListRunning(manager).Order());
        Assert.Equal(3, Launcher.LaunchedPids.Count); // the refused starts launched nothing

        Request<ProcessStopped>(manager, new StopProcess(ProcessTarget.ByPid(first), Wait: true), TimeSpan.FromSeconds(10));
        var third = Start(manager, "/bin/sleep", "60");

        Assert.Equal(new[] { second, third }.Order(), ListRunning(manager).Order());
    }
}
