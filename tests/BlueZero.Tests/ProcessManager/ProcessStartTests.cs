using BlueZero.Messages.Protocol;
using BlueZero.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace BlueZero.Tests.ProcessManager;

/// <summary>Starting a process: what the child gets (argv, environment, working directory) and what the caller is told.</summary>
public sealed class ProcessStartTests(ITestOutputHelper output) : ProcessManagerTestKit(output)
{
    [Fact]
    public void Start_replies_with_the_pid_of_a_live_process_running_the_exact_argv()
    {
        var manager = CreateManager();
        string[] args = ["-c", "/bin/sleep 60 & wait", "bz-argv0", "a b", "\"quoted\"", "", "ünï 🚀", "$HOME"];

        var pid = Start(manager, "/bin/sh", args);

        Assert.True(OsProcesses.IsAlive(pid));
        // posix_spawn returns once the child has exec'd, but the kernel publishes the new argv a moment later.
        AwaitAssert(() => Assert.Equal(["/bin/sh", .. args], OsProcesses.CommandLine(pid)), ReplyTimeout, TimeSpan.FromMilliseconds(10));
    }

    [Fact]
    public void Start_applies_the_request_environment_and_working_directory()
    {
        var manager = CreateManager();
        var directory = CreateTempDirectory();

        var pid = Request<ProcessStarted>(manager, new StartProcess(
            "/bin/sh",
            ["-c", "test \"$FOO\" = bar && test \"$(pwd)\" = \"$1\"", "bz-env", directory],
            Env: new Dictionary<string, string> { ["FOO"] = "bar" },
            Cwd: directory)).Pid;

        Assert.Equal(ProcessExit.Exited(0), AwaitEnded(manager, pid).Info.LastExit);
    }

    [Fact]
    public void Start_gives_the_child_exactly_the_configured_environment_overridden_by_the_request()
    {
        var manager = CreateManager(DefaultOptions with
        {
            ChildEnvironment = new Dictionary<string, string> { ["FOO"] = "from-options", ["KEPT"] = "kept" },
        });

        var pid = Request<ProcessStarted>(manager, new StartProcess(
            "/bin/sleep", ["60"], Env: new Dictionary<string, string> { ["FOO"] = "bar", ["EXTRA"] = "x=y" })).Pid;

        // As for argv, the kernel publishes the new environment a moment after posix_spawn returns.
        AwaitAssert(() =>
        {
            var environment = File.ReadAllText($"/proc/{pid}/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(["EXTRA=x=y", "FOO=bar", "KEPT=kept"], environment.Order(StringComparer.Ordinal));
        }, ReplyTimeout, TimeSpan.FromMilliseconds(10));
    }

    [Fact]
    public void Starts_with_and_without_variables_of_their_own_in_turn_each_get_their_own_environment()
    {
        // The launcher keeps the marshalled node environment between starts and builds another for a start with its own.
        var manager = CreateManager(DefaultOptions with
        {
            ChildEnvironment = new Dictionary<string, string> { ["FOO"] = "from-options", ["ünï"] = "🚀" },
        });
        string[][] expected =
        [
            ["FOO=from-options", "ünï=🚀"],
            ["EXTRA=1", "FOO=from-options", "ünï=🚀"],
            ["FOO=from-options", "ünï=🚀"],
            ["FOO=from-options", "ünï=🚀"],
            ["FOO=bar", "ünï=🚀"],
        ];
        IReadOnlyDictionary<string, string>?[] overlays =
        [
            null, new Dictionary<string, string> { ["EXTRA"] = "1" }, null, new Dictionary<string, string>(),
            new Dictionary<string, string> { ["FOO"] = "bar" },
        ];

        var pids = overlays.Select(overlay => Request<ProcessStarted>(manager, new StartProcess("/bin/sleep", ["60"], Env: overlay)).Pid).ToList();

        for (var i = 0; i < pids.Count; i++)
        {
            var pid = pids[i];
            AwaitAssert(() =>
            {
                var environment = File.ReadAllText($"/proc/{pid}/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries);
                Assert.Equal(expected[i], environment.Order(StringComparer.Ordinal));
            }, ReplyTimeout, TimeSpan.FromMilliseconds(10));
        }
    }
}
