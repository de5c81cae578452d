using BlueZero.Tests.Support;
using Newtonsoft.Json.Linq;
using Xunit;

namespace BlueZero.Tests.EndToEnd;

/// <summary>
/// The sample scripts in samples/scripts drive a real hub and a real remote node: what a user types arrives
/// exactly, and what the scripts print and exit with is what docs/PROTOCOL.md §11 promises.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SampleScriptsTests(HubAndRemoteNodeFixture fixture) : IClassFixture<HubAndRemoteNodeFixture>
{
    private const string Remote = HubAndRemoteNodeFixture.RemoteHost;
    private const string Hub = HubAndRemoteNodeFixture.HubHost;

    private LocalMesh Mesh => fixture.Mesh;
    private ScriptRunner Scripts => Mesh.Scripts;

    [Fact]
    public async Task List_hosts_shows_the_hub_and_the_remote_node_up()
    {
        var result = await Scripts.Run("list_hosts.sh");

        Assert.True(result.ExitCode == 0, result.ToString());
        var hosts = ((JArray)result.Json["hosts"]!).Cast<JObject>().ToDictionary(h => (string)h["host_name"]!);
        Assert.Equal("up", (string?)hosts[Hub]["status"]);
        Assert.Equal("up", (string?)hosts[Remote]["status"]);
        Assert.StartsWith("akka.tcp://bluezero@127.0.0.1:", (string?)hosts[Remote]["address"]);
        Assert.Equal(JTokenType.Integer, hosts[Remote]["processes"]!.Type);
    }

    [Fact]
    public async Task Start_passes_arguments_with_spaces_quotes_and_unicode_exactly()
    {
        // /bin/sh stays alive (its last command is the builtin ':'), so its argv can be read from /proc.
        string[] args =
        [
            "-c", "sleep 300; :", "sh",
            "two words", "double \" and single ' quotes", "back\\slash $HOME `date` *", "ünïcødé ✓ 日本語 🚀",
            "", "--wait", "  padded  ", "new\nline\ttab",
        ];

        var result = await Scripts.Run("start_process.sh", [Remote, "/bin/sh", .. args]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(result.Json["start_process"]?["success"]?.Value<bool>() == true, result.ToString());
        var pid = Mesh.Track(result.Json["start_process"]!["pid"]!.Value<int>());
        Assert.Equal(["/bin/sh", .. args], OsProcesses.CommandLine(pid));
        await Mesh.Hub.StopProcess(Remote, pid, wait: false);
    }

    [Fact]
    public async Task Follow_output_prints_the_lines_then_the_exit_and_refuses_an_unknown_name_with_exit_1()
    {
        var started = await Mesh.Hub.Routed(Remote, "start_process", new JObject
        {
            ["path"] = "/bin/sh", ["name"] = "script-follow",
            ["args"] = new JArray("-c", "sleep 0.3; echo 'first line'; sleep 0.2; echo 'to stderr' >&2; sleep 0.2; echo 'ünï last'; exit 5"),
        });
        var pid = Mesh.Track(started["pid"]!.Value<int>());

        var followed = await Scripts.Run("follow_output.sh", Remote, "script-follow", "--follow");
        var stderrOnly = await Scripts.Run("follow_output.sh", Remote, "script-follow", "--stream", "stderr");
        var unknown = await Scripts.Run("follow_output.sh", Remote, "no-such-process");

        Assert.True(followed.ExitCode == 0, followed.ToString());
        Assert.Equal($"first line\nto stderr\nünï last\n[bluezero] pid {pid} exited: exit_code=5\n", followed.Stdout);
        Assert.Equal("to stderr\n", stderrOnly.Stdout);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Equal("no such name: no-such-process", (string?)unknown.Json["error_message"]);
    }

    [Fact]
    public async Task Query_and_both_listings_see_a_running_process()
    {
        var pid = Mesh.Track(StartedPid(await Scripts.Run("start_process.sh", Remote, "/bin/sleep", "300")));

        var query = await Scripts.Run("query_process_status.sh", Remote, pid.ToString());
        var onHost = await Scripts.Run("list_active_processes.sh", Remote);
        var clusterWide = await Scripts.Run("list_active_processes.sh");

        Assert.True(query.ExitCode == 0, query.ToString());
        Assert.True(query.Json["query_process_status"]!["running"]!.Value<bool>(), query.ToString());
        Assert.True(onHost.ExitCode == 0, onHost.ToString());
        Assert.Contains(pid, onHost.Json["list_active_processes"]!["pids"]!.Values<int>());
        Assert.True(clusterWide.ExitCode == 0, clusterWide.ToString());
        var hosts = ((JArray)clusterWide.Json["list_active_processes"]!["hosts"]!).Cast<JObject>().ToDictionary(h => (string)h["host_name"]!);
        Assert.Contains(pid, hosts[Remote]["pids"]!.Values<int>());
        Assert.DoesNotContain(pid, hosts[Hub]["pids"]!.Values<int>());
        await Mesh.Hub.StopProcess(Remote, pid, wait: false);
    }

    [Fact]
    public async Task Stop_with_wait_returns_the_exit_code_and_query_keeps_it_after_the_exit()
    {
        var pid = Mesh.Track(StartedPid(await Scripts.Run("start_process.sh", Remote, "/bin/sleep", "300")));

        var stop = await Scripts.Run("stop_process.sh", Remote, pid.ToString(), "--wait");

        Assert.True(stop.ExitCode == 0, stop.ToString());
        var stopped = (JObject)stop.Json["stop_process"]!;
        Assert.True(stopped["success"]!.Value<bool>(), stop.ToString());
        // SIGINT, the first step of the escalation, ends a sleep at once.
        Assert.True((int?)stopped["exit_code"] == 130 && (int?)stopped["signal"] == 2, $"{stop}\n{Mesh.Diagnostics()}");
        Assert.False(OsProcesses.IsAlive(pid), $"pid {pid} still runs after stop --wait replied");

        var query = await Scripts.Run("query_process_status.sh", Remote, pid.ToString());
        Assert.True(query.ExitCode == 0, query.ToString());
        var status = (JObject)query.Json["query_process_status"]!;
        Assert.False(status["running"]!.Value<bool>(), query.ToString());
        Assert.Equal(130, status["exit_code"]!.Value<int>());
        Assert.Equal(2, status["signal"]!.Value<int>());

        var list = await Scripts.Run("list_active_processes.sh", Remote);
        Assert.DoesNotContain(pid, list.Json["list_active_processes"]!["pids"]!.Values<int>());
    }

    [Fact]
    public async Task A_process_started_with_a_name_is_queried_and_stopped_by_that_name()
    {
        const string name = "nightly job ✓";
        var start = await Scripts.Run("start_process.sh", [Remote, "/bin/sleep", "300"], new Dictionary<string, string> { ["B0_NAME"] = name });
        var pid = Mesh.Track(StartedPid(start));

        var query = await Scripts.Run("query_process_status.sh", Remote, name);
        var stop = await Scripts.Run("stop_process.sh", Remote, name, "--wait");

        Assert.True(query.ExitCode == 0, query.ToString());
        Assert.Equal(pid, query.Json["query_process_status"]!["pid"]!.Value<int>());
        Assert.Equal(name, (string?)query.Json["query_process_status"]!["name"]);
        Assert.True(stop.ExitCode == 0, stop.ToString());
        Assert.Equal(pid, stop.Json["stop_process"]!["pid"]!.Value<int>());
        Assert.True((int?)stop.Json["stop_process"]!["exit_code"] == 130, $"{stop}\n{Mesh.Diagnostics()}");
    }

    [Fact]
    public async Task An_unknown_host_makes_the_script_exit_1_with_unknown_host()
    {
        var result = await Scripts.Run("start_process.sh", "no-such-host", "/bin/sleep", "300");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.False(result.Json["success"]!.Value<bool>());
        Assert.Equal("unknown host", (string?)result.Json["error_message"]);
    }

    private static int StartedPid(ScriptResult start)
    {
        Assert.True(start.ExitCode == 0, start.ToString());
        Assert.True(start.Json["start_process"]?["success"]?.Value<bool>() == true, start.ToString());
        return start.Json["start_process"]!["pid"]!.Value<int>();
    }
}
