using BlueZero.Tests.Support;
using Newtonsoft.Json.Linq;
using Xunit;
using Xunit.Abstractions;

namespace BlueZero.Tests.EndToEnd;

/// <summary>A hub without a local node and two nodes, lp-a and lp-b; each test applies a plan of its own name.</summary>
public sealed class LaunchPlanFixture : IAsyncLifetime
{
    public const string HubHost = "lp-hub";
    public LocalMesh Mesh { get; } = LocalMesh.Create();
    public MeshProcess[] Nodes { get; private set; } = [];

    public async Task InitializeAsync()
    {
        await Mesh.StartHub(HubHost, localNode: false);
        Nodes = [await Mesh.StartNode("lp-a"), await Mesh.StartNode("lp-b")];
    }

    public Task DisposeAsync() => Mesh.DisposeAsync().AsTask();
}

/// <summary>
/// Launch plans end to end (docs/PROTOCOL.md, "Launch plans"): the real hub and two real nodes, /bin/sh steps, times
/// read from the hub's answers and the nodes' own output and events.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class LaunchPlanTests(LaunchPlanFixture fixture, ITestOutputHelper output) : IClassFixture<LaunchPlanFixture>
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(20);
    private LocalMesh Mesh => fixture.Mesh;

    private static JObject Step(string name, string host, string script, string[]? dependsOn = null, JObject? ready = null)
    {
        var step = new JObject { ["name"] = name, ["host"] = host, ["path"] = "/bin/sh", ["args"] = new JArray("-c", script) };
        if (dependsOn is not null) step["depends_on"] = new JArray(dependsOn.Cast<object>().ToArray());
        if (ready is not null) step["ready"] = ready;
        return step;
    }

    private const string Forever = "exec sleep 300";

    private async Task<HubReply> Apply(string plan, JObject[] steps, string? onFailure = null)
    {
        var body = new JObject { ["plan"] = new JObject { ["name"] = plan, ["processes"] = new JArray(steps.Cast<object>().ToArray()) } };
        if (onFailure is not null) body["on_failure"] = onFailure;
        var reply = await Mesh.Hub.Control(new JObject { ["apply_plan"] = body });
        output.WriteLine($"apply {plan}: {reply}");
        foreach (var pid in Processes(reply, "apply_plan").Values.Select(p => (int?)p["pid"]).OfType<int>()) Mesh.Track(pid);
        return reply;
    }

    private static Dictionary<string, JObject> Processes(HubReply reply, string operation) =>
        (reply.Json[operation]?["processes"] as JArray ?? []).Cast<JObject>().ToDictionary(p => (string)p["name"]!);

    private static DateTimeOffset At(JObject step, string field) => Time(step[field]!);

    /// <summary>A timestamp of a reply: Newtonsoft has read it as a DateTime already (a string cast would drop the milliseconds).</summary>
    private static DateTimeOffset Time(JToken token) =>
        token.Type == JTokenType.Date ? new DateTimeOffset(((DateTime)token).ToUniversalTime()) : DateTimeOffset.Parse((string)token!);

    private async Task<HubReply> Remove(string plan) => await Mesh.Hub.Control(new JObject { ["remove_plan"] = new JObject { ["name"] = plan } });

    private async Task<HubReply> Status(string plan) => await Mesh.Hub.Control(new JObject { ["plan_status"] = new JObject { ["name"] = plan } });

    private async Task<JObject> Query(string host, string name) =>
        (await Mesh.Hub.Control(new JObject { ["host_name"] = host, ["query_process_status"] = new JObject { ["name"] = name } })).Json;

    private async Task AssertNeverStarted(string host, string name)
    {
        var reply = await Mesh.Hub.Control(new JObject { ["host_name"] = host, ["query_process_status"] = new JObject { ["name"] = name } });
        Assert.Equal(BlueZero.Messages.Wire.ErrorTexts.NoSuchName(name), (string?)reply.Json["query_process_status"]?["error_message"]);
    }

    [Fact]
    public async Task A_chain_across_two_hosts_starts_the_second_step_after_the_first_printed_its_ready_line()
    {
        var reply = await Apply("chain2", [
            Step("a", "lp-a", "sleep 0.5; echo a is up; " + Forever, ready: new JObject { ["output"] = "a is up" }),
            Step("b", "lp-b", Forever, ["a"]),
        ]);

        Assert.Equal(200, reply.Status);
        var steps = Processes(reply, "apply_plan");
        var output = (await Mesh.Hub.Control(new JObject { ["host_name"] = "lp-a", ["read_output"] = new JObject { ["name"] = "chain2.a" } })).Json;
        var line = ((JArray)output["read_output"]!["lines"]!).Cast<JObject>().Single(l => (string)l["text"]! == "a is up");
        Assert.True(At(steps["b"], "started_at") >= Time(line["ts"]!), $"b started before a's ready line: {reply}");
        Assert.Equal("ready", (string)steps["b"]["state"]!);
        await Remove("chain2");
    }

    [Fact]
    public async Task The_middle_steps_of_a_diamond_start_in_parallel()
    {
        var oneSecond = new JObject { ["delay_s"] = 1 };
        var reply = await Apply("diamond2", [
            Step("top", "lp-a", Forever),
            Step("left", "lp-a", Forever, ["top"], oneSecond),
            Step("right", "lp-b", "sleep 0.5; exit 0", ["top"], new JObject { ["exit_code"] = 0 }),
            Step("bottom", "lp-b", Forever, ["left", "right"]),
        ]);

        Assert.Equal(200, reply.Status);
        var steps = Processes(reply, "apply_plan");
        Assert.True(At(steps["left"], "started_at") < At(steps["right"], "ready_at") && At(steps["right"], "started_at") < At(steps["left"], "ready_at"),
            $"the middle steps ran one after the other: {reply}");
        Assert.True(At(steps["bottom"], "started_at") >= new[] { At(steps["left"], "ready_at"), At(steps["right"], "ready_at") }.Max());
        await Remove("diamond2");
    }

    [Fact]
    public async Task A_readiness_timeout_fails_the_apply_names_the_step_and_starts_nothing_after_it()
    {
        var reply = await Apply("timeout2", [
            Step("slow", "lp-a", Forever, ready: new JObject { ["output"] = "never printed", ["timeout_s"] = 1 }),
            Step("after", "lp-b", Forever, ["slow"]),
        ]);

        Assert.Equal(422, reply.Status);
        Assert.Equal("slow", (string)reply.Json["failed_step"]!);
        Assert.Contains("not ready within 1 s", (string)reply.Json["error_message"]!);
        var steps = Processes(reply, "apply_plan");
        Assert.Equal("not_started", (string)steps["after"]["state"]!);
        await AssertNeverStarted("lp-b", "timeout2.after");
        await Remove("timeout2");
    }

    [Fact]
    public async Task A_tcp_readiness_is_met_once_its_port_accepts_a_connection_from_the_steps_node()
    {
        var listening = new Uri(Mesh.Hub.BaseUrl).Port; // the hub's own HTTP port, on the same loopback as the node
        var reply = await Apply("tcp2", [Step("a", "lp-a", Forever, ready: new JObject { ["tcp"] = $"127.0.0.1:{listening}", ["timeout_s"] = 5 })]);

        Assert.Equal(200, reply.Status);
        Assert.Equal("ready", (string)Processes(reply, "apply_plan")["a"]["state"]!);
        await Remove("tcp2");
    }

    [Fact]
    public async Task A_tcp_readiness_on_a_closed_port_times_out()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var closed = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var reply = await Apply("tcpclosed2", [Step("a", "lp-a", Forever, ready: new JObject { ["tcp"] = $"127.0.0.1:{closed}", ["timeout_s"] = 1 })]);

        Assert.Equal(422, reply.Status);
        Assert.Equal("a", (string)reply.Json["failed_step"]!);
        await Remove("tcpclosed2");
    }

    [Fact]
    public async Task With_rollback_a_failure_stops_what_the_apply_started()
    {
        var reply = await Apply("rollback2", [
            Step("base", "lp-a", Forever),
            Step("check", "lp-b", "exit 3", ["base"], new JObject { ["exit_code"] = 0 }),
        ], onFailure: "rollback");

        Assert.Equal(422, reply.Status);
        Assert.True((bool)reply.Json["apply_plan"]!["rolled_back"]!);
        Assert.Contains("expected exit code 0", (string)reply.Json["error_message"]!);
        Assert.Equal("stopped", (string)(await Query("lp-a", "rollback2.base"))["query_process_status"]!["state"]!);
        await Remove("rollback2");
    }

    [Fact]
    public async Task Re_applying_an_unchanged_plan_keeps_the_same_pids()
    {
        JObject[] plan = [Step("a", "lp-a", Forever), Step("b", "lp-b", Forever, ["a"])];
        var first = Processes(await Apply("same2", plan), "apply_plan");

        var again = await Apply("same2", plan);

        Assert.Equal(200, again.Status);
        foreach (var (name, step) in Processes(again, "apply_plan"))
        {
            Assert.Equal("keep", (string)step["action"]!);
            Assert.Equal((int)first[name]["pid"]!, (int)step["pid"]!);
        }
        await Remove("same2");
    }

    [Fact]
    public async Task Re_applying_with_one_spec_changed_restarts_only_it_and_its_dependents()
    {
        JObject[] Plan(string bScript) => [Step("a", "lp-a", Forever), Step("b", "lp-b", bScript, ["a"]), Step("c", "lp-a", Forever, ["b"]), Step("d", "lp-b", Forever)];
        var first = Processes(await Apply("change2", Plan(Forever)), "apply_plan");

        var again = Processes(await Apply("change2", Plan("exec sleep 299")), "apply_plan");

        Assert.Equal((int)first["a"]["pid"]!, (int)again["a"]["pid"]!);
        Assert.Equal((int)first["d"]["pid"]!, (int)again["d"]["pid"]!);
        Assert.NotEqual((int)first["b"]["pid"]!, (int)again["b"]["pid"]!);
        Assert.NotEqual((int)first["c"]["pid"]!, (int)again["c"]["pid"]!);
        Assert.Equal(["keep", "restart", "restart", "keep"], new[] { "a", "b", "c", "d" }.Select(n => (string)again[n]["action"]!));
        await Remove("change2");
    }

    [Fact]
    public async Task Remove_lets_a_dependent_exit_before_its_dependency_is_asked_to_stop()
    {
        await Apply("remove2", [Step("base", "lp-a", Forever), Step("user", "lp-b", "trap 'sleep 0.5; exit 0' INT; sleep 300 & wait", ["base"])]);

        var removed = await Remove("remove2");

        Assert.Equal(200, removed.Status);
        JObject Event(JObject page) => ((JArray)page["events"]!).Cast<JObject>().Single();
        JObject? exited = null, stopAsked = null;
        await Polling.Until(async () =>
        {
            var e = (await Mesh.Hub.Send(HttpMethod.Get, "/events?name=remove2.user&type=process_exited")).Json;
            var s = (await Mesh.Hub.Send(HttpMethod.Get, "/events?name=remove2.base&type=stop_requested")).Json;
            if (((JArray)e["events"]!).Count == 0 || ((JArray)s["events"]!).Count == 0) return false;
            (exited, stopAsked) = (Event(e), Event(s));
            return true;
        }, Within, "the nodes' events of the remove reach the hub", Mesh.Diagnostics);
        Assert.True(Time(exited!["time"]!) <= Time(stopAsked!["time"]!), $"{exited} / {stopAsked}");
        Assert.Equal(404, (await Status("remove2")).Status);
    }

    [Fact]
    public async Task A_cycle_or_an_unknown_host_is_refused_with_every_problem_and_nothing_started()
    {
        var reply = await Apply("bad2", [
            Step("a", "lp-a", Forever, ["b"]), Step("b", "lp-a", Forever, ["a"]), Step("c", "lp-nowhere", Forever),
        ]);

        Assert.Equal(400, reply.Status);
        var problems = ((JArray)reply.Json["problems"]!).Select(p => (string)p!).ToList();
        Assert.Contains("dependency cycle: a -> b -> a", problems);
        Assert.Contains(problems, p => p.StartsWith("c: unknown host lp-nowhere", StringComparison.Ordinal));
        await AssertNeverStarted("lp-a", "bad2.a");
        Assert.Equal(404, (await Status("bad2")).Status);
    }

    [Fact]
    public async Task After_a_hub_restart_plan_status_still_knows_the_plan_and_its_processes()
    {
        var steps = Processes(await Apply("survive2", [Step("a", "lp-a", Forever), Step("b", "lp-b", Forever, ["a"])]), "apply_plan");
        var hub = Mesh.HubProcess;

        hub.Signal(PosixSignal.SIGTERM);
        Assert.True(await hub.WaitForExit(Within), hub.OutputTail());
        await Mesh.StartHub(LaunchPlanFixture.HubHost, hub.Ready.HttpPort, hub.Ready.ClusterPort, localNode: false);

        await Polling.Until(async () =>
        {
            var status = await Status("survive2");
            if (status.Status != 200) return false;
            var now = Processes(status, "plan_status");
            return now.All(p => (bool)p.Value["ready"]! && (int?)p.Value["pid"] == (int)steps[p.Key]["pid"]! && (string?)p.Value["state"] == "running");
        }, TimeSpan.FromSeconds(30), "plan_status after the restart shows both steps ready with their pids", Mesh.Diagnostics);
        await Remove("survive2");
    }
}
