using System.Text;
using BlueZero.Tests.Support;
using Newtonsoft.Json.Linq;
using Xunit;
using Xunit.Abstractions;

namespace BlueZero.Tests.EndToEnd;

/// <summary>
/// The built b0 executable against a real hub (with its local node) and a second node, with real processes, as a
/// user runs it. (b0 events gets its end-to-end test once the hub's event history, issue 14, is merged.)
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class B0CommandLineTests(HubAndRemoteNodeFixture fixture, ITestOutputHelper output) : IClassFixture<HubAndRemoteNodeFixture>
{
    private const string Hub = HubAndRemoteNodeFixture.HubHost;
    private const string Remote = HubAndRemoteNodeFixture.RemoteHost;
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(15);

    private LocalMesh Mesh => fixture.Mesh;
    private B0Runner B0 => new(Mesh.Hub.BaseUrl.ToString());

    private static string Unique(string name) => $"{name}-{Guid.NewGuid():N}"[..16];

    private async Task<ScriptResult> Ok(params string[] args)
    {
        var result = await B0.Run(args);
        output.WriteLine(result.ToString());
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    /// <summary>Starts a process with b0 and returns its pid (tracked, so the mesh's cleanup kills it).</summary>
    private async Task<int> Start(string host, string name, params string[] command)
    {
        var started = await Ok(["--json", "start", host, "--name", name, "--", .. command]);
        return Mesh.Track((int)JObject.Parse(started.Stdout)["start_process"]!["pid"]!);
    }

    [Fact]
    public async Task Start_prints_the_new_pid()
    {
        var name = Unique("start");

        var started = await Ok("start", Remote, "--name", name, "--", "/bin/sleep", "300");

        Assert.Matches($"^started {name} on {Remote}: pid \\d+\n$", started.Stdout);
        Mesh.Track(int.Parse(started.Stdout.Split("pid ")[1]));
    }

    [Fact]
    public async Task Ps_lists_the_entries_of_both_hosts_in_one_table()
    {
        var local = Unique("ps-local");
        var remote = Unique("ps-remote");
        var localPid = await Start(Hub, local, "/bin/sleep", "300");
        var remotePid = await Start(Remote, remote, "/bin/sleep", "300");

        var ps = await Ok("ps");

        var lines = ps.Stdout.Split('\n');
        Assert.StartsWith("HOST", lines[0]);
        // At 80 columns (not a terminal) the long names are cut with "…": the pids tell the rows apart.
        Assert.All(lines, l => Assert.True(l.TrimEnd().Length <= 80, l));
        Assert.Contains(lines, l => l.StartsWith(Hub) && l.Contains("ps-local") && l.Contains($" {localPid} ") && l.Contains("running"));
        Assert.Contains(lines, l => l.StartsWith(Remote) && l.Contains("ps-remote") && l.Contains($" {remotePid} ") && l.Contains("running"));
        Assert.DoesNotContain("\u001b[", ps.Stdout); // not a terminal: no colour
    }

    [Fact]
    public async Task Ps_json_prints_only_a_json_array_of_rows()
    {
        var name = Unique("psjson");
        var pid = await Start(Remote, name, "/bin/sleep", "300");

        var ps = await Ok("ps", Remote, "--json");

        var row = JArray.Parse(ps.Stdout).Cast<JObject>().Single(r => (string?)r["name"] == name);
        Assert.Equal((Remote, pid, "running"), ((string)row["host"]!, (int)row["pid"]!, (string)row["state"]!));
    }

    [Fact]
    public async Task Status_exits_0_while_the_process_runs_and_1_once_it_has_stopped()
    {
        var name = Unique("status");
        await Start(Remote, name, "/bin/sleep", "300");

        var running = await B0.Run("status", Remote, name);
        await Ok("stop", Remote, name, "--wait");
        var stopped = await B0.Run("status", Remote, name);

        Assert.Equal(0, running.ExitCode);
        Assert.Contains("running", running.Stdout);
        Assert.Equal(1, stopped.ExitCode);
        Assert.Contains("stopped", stopped.Stdout);
        Assert.Equal($"b0: {name} is stopped\n", stopped.Stderr);
    }

    [Fact]
    public async Task Stop_with_wait_prints_how_the_process_ended()
    {
        var name = Unique("stopwait");
        var pid = await Start(Remote, name, "/bin/sleep", "300");

        var stop = await Ok("stop", Remote, name, "--wait");

        Assert.Equal($"pid {pid} ended: signal 2 (exit 130)\n", stop.Stdout);
    }

    [Fact]
    public async Task Logs_tail_prints_the_last_lines()
    {
        var name = Unique("tail");
        var pid = await Start(Remote, name, "/bin/sh", "-c", "for i in 1 2 3 4 5; do echo line $i; done");
        await Polling.Until(async () => (await B0.Run("status", Remote, name)).Stdout.Contains("exited"), Within, $"{name} exited", Mesh.Diagnostics);

        var logs = await Ok("logs", Remote, name, "--tail", "2");

        Assert.Equal("line 4\nline 5\n", logs.Stdout);
    }

    [Fact]
    public async Task Logs_follow_waits_for_a_name_not_started_yet_and_ends_with_how_the_process_ended()
    {
        var name = Unique("follow");
        var follow = B0.Run("logs", Remote, name, "-f");

        await Start(Remote, name, "/bin/sh", "-c", "echo one; sleep 0.5; echo two; exit 4");
        var logs = await follow.WaitAsync(Within);

        Assert.Equal(0, logs.ExitCode);
        Assert.Matches("^one\ntwo\n\\[bluezero\\] pid \\d+ exited: exit_code=4\n$", logs.Stdout);
    }

    [Fact]
    public async Task Restart_gives_the_same_name_a_new_pid_and_counts_the_restart()
    {
        var name = Unique("restart");
        var first = await Start(Remote, name, "/bin/sleep", "300");

        var restart = await Ok("--json", "restart", Remote, name);

        var reply = (JObject)JObject.Parse(restart.Stdout)["restart_process"]!;
        var second = Mesh.Track((int)reply["pid"]!);
        Assert.NotEqual(first, second);
        Assert.Equal(first, (int)reply["previous_pid"]!);
        Assert.False(OsProcesses.IsAlive(first));
        var status = JObject.Parse((await Ok("--json", "status", Remote, name)).Stdout)["query_process_status"]!;
        Assert.Equal((second, 1, name), ((int)status["pid"]!, (int)status["restarts"]!, (string)status["name"]!));
    }

    [Fact]
    public async Task Kill_all_with_yes_stops_every_process_of_the_host()
    {
        var pid = await Start(Remote, Unique("killall"), "/bin/sleep", "300");

        var killed = await Ok("kill-all", Remote, "--yes");

        Assert.Contains(pid.ToString(), killed.Stdout);
        await Polling.Until(() => !OsProcesses.IsAlive(pid), Within, $"pid {pid} is gone", Mesh.Diagnostics);
    }

    [Fact]
    public async Task Kill_all_off_a_terminal_without_yes_is_a_usage_error_and_stops_nothing()
    {
        var pid = await Start(Remote, Unique("keep"), "/bin/sleep", "300");

        var refused = await B0.Run("kill-all", Remote);

        Assert.Equal(2, refused.ExitCode);
        Assert.True(OsProcesses.IsAlive(pid));
    }

    [Fact]
    public async Task Hosts_lists_both_hosts_up()
    {
        var hosts = await Ok("hosts");

        Assert.Contains(hosts.Stdout.Split('\n'), l => l.StartsWith(Hub + " ") && l.Contains(" up "));
        Assert.Contains(hosts.Stdout.Split('\n'), l => l.StartsWith(Remote + " ") && l.Contains(" up "));
    }

    [Fact]
    public async Task A_node_refusal_exits_1_with_the_node_error_on_one_line()
    {
        var refused = await B0.Run("stop", Remote, Unique("ghost"));

        Assert.Equal(1, refused.ExitCode);
        Assert.Matches("^b0: no such name: ghost-[0-9a-f]+\n$", refused.Stderr);
    }

    [Fact]
    public async Task Call_sends_a_raw_request_and_prints_the_reply()
    {
        var call = await B0.Run([ "call" ], null, Encoding.UTF8.GetBytes("{\"host_name\":\"" + Remote + "\",\"list_active_processes\":{}}"));

        Assert.Equal(0, call.ExitCode);
        Assert.True((bool)JObject.Parse(call.Stdout)["list_active_processes"]!["success"]!);
    }

    [Fact]
    public async Task An_unreachable_hub_exits_3()
    {
        var unreachable = await new B0Runner("http://127.0.0.1:1").Run("ps");

        Assert.Equal(3, unreachable.ExitCode);
        Assert.StartsWith("b0: cannot reach the hub at http://127.0.0.1:1/", unreachable.Stderr);
    }

    [Fact]
    public async Task A_usage_error_exits_2_with_one_line_on_stderr()
    {
        var usage = await B0.Run("start", Remote, "--env", "NOEQUALS", "--", "/bin/true");

        Assert.Equal(2, usage.ExitCode);
        Assert.Equal("b0: --env takes NAME=VALUE, with a non-empty NAME\n", usage.Stderr);
        Assert.Equal("", usage.Stdout);
    }

    [Fact]
    public async Task Help_documents_the_exit_codes()
    {
        var help = await Ok("--help");

        Assert.Contains("3  the hub cannot be reached", help.Stdout);
        Assert.Contains("kill-all", help.Stdout);
    }

    [Fact]
    public async Task Ps_watch_in_a_terminal_shows_a_process_started_after_it_began()
    {
        if (Tmux.Skipped) return;
        var session = Unique("b0watch");
        await using var tmux = await Tmux.Start(session, $"B0_HUB_URL={Mesh.Hub.BaseUrl} {TestPaths.B0} ps --watch --sort name", columns: 160);
        await Polling.Until(async () => (await tmux.Capture()).Contains("HOST"), Within, "ps --watch drew its table", Mesh.Diagnostics);

        var name = Unique("watched");
        await Start(Remote, name, "/bin/sleep", "300");

        await Polling.Until(async () => (await tmux.Capture()).Contains(name), Within, $"{name} appears in ps --watch",
            () => Mesh.Diagnostics());
        Assert.False(await tmux.HasEnded(), "ps --watch is still running");
    }
}
