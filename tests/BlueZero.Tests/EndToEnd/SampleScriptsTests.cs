using System.Net;
using System.Net.Sockets;
using System.Text;
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

    [Fact]
    public async Task Call_sends_stdin_byte_for_byte_and_exits_0_when_it_worked()
    {
        var request = Encoding.UTF8.GetBytes($$$"""{"host_name":"{{{Remote}}}","start_process":{"path":"/bin/sleep","args":["300"],"name":"call ✓"}}""");

        var result = await Scripts.Run("call.sh", [], stdin: request);

        var pid = Mesh.Track(StartedPid(result));
        Assert.Equal("call ✓", (string?)(await Mesh.Hub.QueryStatus(Remote, pid))["name"]);
        await Mesh.Hub.StopProcess(Remote, pid, wait: false);
    }

    [Fact]
    public async Task A_start_the_node_refuses_is_HTTP_422_and_makes_the_script_exit_1()
    {
        var http = await Mesh.Hub.Control($$$"""{"host_name":"{{{Remote}}}","start_process":{"path":"/no/such/program"}}""");
        var script = await Scripts.Run("start_process.sh", Remote, "/no/such/program");

        Assert.True(http.Status == 422, http.ToString());
        Assert.Equal("""{"success":true,"start_process":{"success":false,"error_message":"no such file: /no/such/program"}}""", http.Body);
        Assert.True(script.ExitCode == 1, script.ToString());
        Assert.Equal(http.Body, script.Stdout.TrimEnd('\n'));
    }

    [Fact]
    public async Task Call_exits_1_when_the_node_says_no()
    {
        var request = Encoding.UTF8.GetBytes($$$"""{"host_name":"{{{Remote}}}","stop_process":{"name":"never-started"}}""");

        var result = await Scripts.Run("call.sh", [], stdin: request);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal("no such name: never-started", (string?)result.Json["stop_process"]!["error_message"]);
    }

    [Fact]
    public async Task A_missing_argument_is_a_usage_error_with_exit_2()
    {
        var result = await Scripts.Run("start_process.sh", Remote);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("expected HOST and PATH", result.Stderr);
        Assert.Contains("usage: start_process.sh HOST PATH [ARG...]", result.Stderr);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public async Task A_bare_command_name_exits_2_before_sending_with_its_local_path_as_a_hint()
    {
        // The hub URL is a closed port: had the script sent anything, it would exit 3.
        var result = await Scripts.Run("start_process.sh", [Remote, "sleep", "5"], new Dictionary<string, string> { ["B0_HUB_URL"] = ClosedPortUrl() });

        Assert.True(result.ExitCode == 2, result.ToString());
        var sleep = Environment.GetEnvironmentVariable("PATH")!.Split(':').Select(dir => Path.Combine(dir, "sleep")).First(File.Exists);
        Assert.Contains($"PATH must be absolute, the node does no PATH lookup: here 'sleep' is {sleep}", result.Stderr);
        Assert.Contains($"start_process.sh {Remote} {sleep} ...", result.Stderr);
    }

    [Theory]
    [InlineData("list_hosts.sh")]
    [InlineData("call.sh")]
    [InlineData("start_process.sh")]
    public async Task An_unreachable_hub_makes_the_script_exit_3(string script)
    {
        var args = script == "start_process.sh" ? new[] { Remote, "/bin/true" } : [];

        var result = await Scripts.Run(script, args, new Dictionary<string, string> { ["B0_HUB_URL"] = ClosedPortUrl() },
            stdin: Encoding.UTF8.GetBytes("""{"list_processes":{}}"""));

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("cannot reach the hub at http://127.0.0.1:", result.Stderr);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public async Task B0_CWD_is_the_working_directory_of_the_started_process()
    {
        var directory = Directory.CreateDirectory(Path.Combine(Mesh.WorkDir, "cwd with spaces ✓")).FullName;

        var start = await Scripts.Run("start_process.sh", [Remote, "/bin/sleep", "300"], new Dictionary<string, string> { ["B0_CWD"] = directory });

        var pid = Mesh.Track(StartedPid(start));
        Assert.Equal(directory, OsProcesses.WorkingDirectory(pid));
        await Mesh.Hub.StopProcess(Remote, pid, wait: false);
    }

    /// <summary>A loopback URL nothing listens on: a port the OS just handed out and took back.</summary>
    private static string ClosedPortUrl()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}";
    }

    private static int StartedPid(ScriptResult start)
    {
        Assert.True(start.ExitCode == 0, start.ToString());
        Assert.True(start.Json["start_process"]?["success"]?.Value<bool>() == true, start.ToString());
        return start.Json["start_process"]!["pid"]!.Value<int>();
    }
}
