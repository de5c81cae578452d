using System.Diagnostics;
using BlueZero.Tests.Support;
using Newtonsoft.Json.Linq;
using Xunit;
using Xunit.Abstractions;

namespace BlueZero.Tests.EndToEnd;

/// <summary>
/// Restart policies, max_time, recurring jobs and kill_all, driven through the real hub's HTTP front door against a
/// remote node, with real processes. Timings are short (200-300 ms backoffs) so the whole class takes seconds. The
/// mesh is the class's; each test starts from a node with nothing running (kill_all), and the kill_all test, which
/// counts every entry, has a node of its own.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SupervisionTests(SupervisionFixture fixture, ITestOutputHelper output) : IClassFixture<SupervisionFixture>, IAsyncLifetime
{
    private const string Node = SupervisionFixture.Node;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(15);
    private LocalMesh Mesh => fixture.Mesh;

    public Task InitializeAsync() => Mesh.KillAll(Node);

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<int> Start(JObject start, string host = Node)
    {
        var reply = await Mesh.Hub.Routed(host, "start_process", start);
        Assert.True(reply["success"]?.Value<bool>() == true, $"start failed: {reply}");
        return Mesh.Track(reply["pid"]!.Value<int>());
    }

    private Task<JObject> Query(string name, string host = Node) => Mesh.Hub.Routed(host, "query_process_status", new JObject { ["name"] = name });

    private async Task<JObject> AwaitState(string name, string state, TimeSpan within, string host = Node) =>
        await Polling.UntilValue(() => Query(name, host), q => (string?)q["state"] == state, within, $"{name} to be {state}", Mesh.Diagnostics,
            Polling.FinePollInterval);

    private static JObject Shell(string name, string script, JObject? extra = null)
    {
        var start = new JObject { ["path"] = "/bin/sh", ["args"] = new JArray("-c", script), ["name"] = name };
        foreach (var property in extra?.Properties() ?? []) start[property.Name] = property.Value;
        return start;
    }

    [Fact]
    public async Task Process_that_exits_with_1_is_restarted_with_growing_delays_then_failed_after_max_restarts()
    {
        var clock = Stopwatch.StartNew();
        await Start(Shell("flaky", "exit 1", JObject.Parse("""
            {"restart":{"policy":"on-failure","max_restarts":3,"backoff":{"initial_ms":300,"multiplier":2.0,"jitter":0}}}
            """)));

        var failed = await AwaitState("flaky", "failed", Settle);
        var took = clock.Elapsed;
        output.WriteLine($"failed after {took.TotalSeconds:0.00} s: {failed}");

        Assert.Equal(3, failed["restarts"]!.Value<int>());
        Assert.Equal(1, failed["last_exit_code"]!.Value<int>());
        Assert.False(failed["running"]!.Value<bool>());
        // Delays of 0.3 + 0.6 + 1.2 s between the four runs: growing, not constant (3 x 0.3 = 0.9 s).
        Assert.True(took >= TimeSpan.FromSeconds(2.0), $"four runs took only {took.TotalSeconds:0.00} s; the backoff did not grow");
    }

    [Fact]
    public async Task Policy_always_restarts_after_exit_0_with_a_new_pid_under_the_same_name()
    {
        var first = await Start(Shell("again", "sleep 0.2; exit 0", JObject.Parse("""{"restart":{"policy":"always","backoff":{"initial_ms":200,"jitter":0}}}""")));

        var later = await Polling.UntilValue(() => Query("again"), q => q["restarts"]!.Value<int>() >= 2, Settle, "two restarts", Mesh.Diagnostics);

        Assert.NotEqual(first, later["pid"]!.Value<int>());
        Assert.Equal("again", (string?)later["name"]);
        Assert.Equal(0, later["last_exit_code"]!.Value<int>());
        await Mesh.Hub.Routed(Node, "stop_process", new JObject { ["name"] = "again", ["wait"] = true });
        Assert.Equal("stopped", (string?)(await Query("again"))["state"]);
    }

    [Fact]
    public async Task Stop_during_backoff_cancels_the_restart()
    {
        await Start(Shell("backing", "exit 1", JObject.Parse("""{"restart":{"policy":"on-failure","backoff":{"initial_ms":2000,"jitter":0}}}""")));
        var backingOff = await AwaitState("backing", "backing_off", Settle);
        Assert.NotNull(backingOff["next_restart_at"]);

        var stop = await Mesh.Hub.Routed(Node, "stop_process", new JObject { ["name"] = "backing" });
        Assert.True(stop["success"]!.Value<bool>());

        // The positive control: the same backoff, begun after the stop, so its restart falls due after the cancelled one
        // would have. Once it has come, a restart of "backing" would have come too, however slow the machine.
        await Start(Shell("control", "exit 1", JObject.Parse("""{"restart":{"policy":"on-failure","max_restarts":1,"backoff":{"initial_ms":2000,"jitter":0}}}""")));
        await AwaitState("control", "failed", Settle);
        var after = await Query("backing");
        Assert.Equal("stopped", (string?)after["state"]);
        Assert.Equal(0, after["restarts"]!.Value<int>());
        Assert.Empty(await Mesh.Hub.ActivePids(Node));
    }

    [Fact]
    public async Task Max_time_stops_a_sleep_60_at_about_the_limit_as_timed_out()
    {
        var clock = Stopwatch.StartNew();
        var pid = await Start(new JObject { ["path"] = "/bin/sleep", ["args"] = new JArray("60"), ["name"] = "limited", ["max_time"] = 1.5 });

        var timedOut = await AwaitState("limited", "timed_out", Settle);
        output.WriteLine($"timed out after {clock.Elapsed.TotalSeconds:0.00} s: {timedOut}");

        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(5));
        Assert.Equal(2, timedOut["last_signal"]!.Value<int>()); // sleep ends on the first step, SIGINT
        Assert.False(OsProcesses.IsAlive(pid));
    }

    [Fact]
    public async Task Recurring_job_runs_at_least_three_times_and_stops_after_unschedule()
    {
        var ticks = Path.Combine(Mesh.WorkDir, "ticks");
        await Start(Shell("cron", $"echo tick >> '{ticks}'", new JObject { ["recurring_period"] = 0.3 }));

        await Polling.Until(() => File.Exists(ticks) && File.ReadAllLines(ticks).Length >= 3, Settle, "three runs", Mesh.Diagnostics);
        var unschedule = await Mesh.Hub.Routed(Node, "unschedule", new JObject { ["name"] = "cron" });
        Assert.True(unschedule["success"]!.Value<bool>(), unschedule.ToString());

        var exited = await AwaitState("cron", "exited", Settle);
        var runs = File.ReadAllLines(ticks).Length;
        Assert.Equal(0, exited["last_exit_code"]!.Value<int>());
        // Three more periods pass without a run, counted by a control job with the same period started only now.
        var controlTicks = Path.Combine(Mesh.WorkDir, "control-ticks");
        await Start(Shell("control", $"echo tick >> '{controlTicks}'", new JObject { ["recurring_period"] = 0.3 }));
        await Polling.Until(() => File.Exists(controlTicks) && File.ReadAllLines(controlTicks).Length >= 3, Settle, "three runs of the control",
            Mesh.Diagnostics);
        await Mesh.Hub.Routed(Node, "unschedule", new JObject { ["name"] = "control" });
        Assert.Equal(runs, File.ReadAllLines(ticks).Length);
        Assert.Equal(runs - 1, (await Query("cron"))["restarts"]!.Value<int>());
    }

    [Fact]
    public async Task Kill_all_leaves_no_managed_process_running()
    {
        const string host = "supervision-kill-all";
        var node = await Mesh.StartNode(host);
        var sleepers = new List<int>();
        for (var i = 0; i < 3; i++)
            sleepers.Add(await Start(new JObject { ["path"] = "/bin/sleep", ["args"] = new JArray("300"), ["name"] = $"sleeper-{i}" }, host));
        await Start(Shell("waiting", "exit 1", JObject.Parse("""{"restart":{"policy":"always","backoff":{"initial_ms":5000}}}""")), host);
        await AwaitState("waiting", "backing_off", Settle, host);

        var killed = await Mesh.Hub.Routed(host, "kill_all", new JObject());

        Assert.Equal(sleepers.Order(), killed["pids"]!.Select(p => p.Value<int>()).Order());
        await Polling.Until(async () => (await Mesh.Hub.ActivePids(host)).Count == 0, Settle, "no running pid", Mesh.Diagnostics);
        Assert.All(sleepers, pid => Assert.False(OsProcesses.IsAlive(pid)));
        Assert.Equal("stopped", (string?)(await Query("waiting", host))["state"]);
        var entries = (JArray)(await Mesh.Hub.Routed(host, "list_processes", new JObject()))["processes"]!;
        Assert.All(entries, entry => Assert.Equal("stopped", (string?)entry["state"]));
        await Mesh.Stop(node);
    }
}
