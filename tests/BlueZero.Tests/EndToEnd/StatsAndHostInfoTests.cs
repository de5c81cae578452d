using BlueZero.Tests.Support;
using Newtonsoft.Json.Linq;
using Xunit;

namespace BlueZero.Tests.EndToEnd;

/// <summary>
/// Resource figures and host facts end to end, through the hub: a busy loop shows high cpu and a sleep about none,
/// node_state reports the node itself, host_info matches /proc, and GET /hosts carries each host's summary.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class StatsAndHostInfoTests(ObservationFixture fixture) : IClassFixture<ObservationFixture>
{
    private const string Node = ObservationFixture.Node;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(15);

    private LocalMesh Mesh => fixture.Mesh;

    private async Task<int> Start(string name, string path, params string[] args)
    {
        var reply = await Mesh.Hub.Routed(Node, "start_process", new JObject { ["path"] = path, ["args"] = new JArray(args), ["name"] = name });
        Assert.True(reply["success"]?.Value<bool>() == true, $"start failed: {reply}");
        return Mesh.Track(reply["pid"]!.Value<int>());
    }

    private Task<JObject> Stats(string name) => Mesh.Hub.Routed(Node, "process_stats", new JObject { ["name"] = name });

    [Fact]
    public async Task A_busy_loop_shows_high_cpu_and_a_sleep_about_none()
    {
        await Start("busy", "/bin/sh", "-c", "while :; do :; done");
        await Start("idle", "/bin/sleep", "300");
        try
        {
            // A whole core when the machine is quiet; waiting for an interval above half a core keeps a neighbour's
            // burst of work (a benchmark or another program on the machine) from failing it.
            // The first sample averages since the start; later ones cover whole intervals.
            var busy = await Polling.UntilValue(() => Stats("busy"), s => ((JArray)s["history"]!).Skip(1).Any(h => h["cpu_percent"]!.Value<double>() > 50),
                Settle, "a whole interval of the busy loop above 50% cpu", Mesh.Diagnostics);
            Assert.True(busy["rss_bytes"]!.Value<long>() > 0);
            Assert.Equal(1, busy["threads"]!.Value<int>());
            Assert.Equal(0.5, busy["stats_interval_s"]!.Value<double>());
            Assert.All((JArray)busy["history"]!, sample => Assert.NotNull((string?)sample["ts"]));

            // The sleep was started after the loop, and its first sample comes StartSampleDelay after its start, plus up
            // to one tick of the scheduler: wait for it rather than read a process not sampled yet.
            var idle = await Polling.UntilValue(() => Stats("idle"), s => s["cpu_percent"] is not null, Settle, "the sleep's first sample", Mesh.Diagnostics);
            Assert.True(idle["cpu_percent"]!.Value<double>() < 5, $"sleep: {idle}");
            Assert.True(idle["uptime_s"]!.Value<double>() > 0);

            // query_process_status and list_processes carry the same figures for running entries.
            var status = await Mesh.Hub.Routed(Node, "query_process_status", new JObject { ["name"] = "busy" });
            Assert.True(status["cpu_percent"]!.Value<double>() > 10, $"query: {status}");
            Assert.Equal(1, status["processes"]!.Value<int>());
            var listed = ((JArray)(await Mesh.Hub.Routed(Node, "list_processes", new JObject()))["processes"]!)
                .Single(p => (string?)p["name"] == "busy");
            Assert.True(listed["rss_bytes"]!.Value<long>() > 0);
        }
        finally
        {
            await Mesh.Hub.Routed(Node, "stop_process", new JObject { ["name"] = "busy", ["wait"] = true });
            await Mesh.Hub.Routed(Node, "stop_process", new JObject { ["name"] = "idle", ["wait"] = true });
        }
    }

    [Fact]
    public async Task Node_state_reports_the_node_itself_and_its_managed_totals()
    {
        await Start("state-sleep", "/bin/sleep", "300");
        try
        {
            var state = await Polling.UntilValue(() => Mesh.Hub.Routed(Node, "node_state", new JObject()),
                s => s["managed"]!["processes"]!.Value<int>() >= 1, Settle, "the sleep in the managed totals", Mesh.Diagnostics);
            Assert.Equal(Node, (string?)state["host_name"]);
            Assert.True(state["node"]!["rss_bytes"]!.Value<long>() > 10L << 20, $"{state}");
            Assert.True(state["node"]!["threads"]!.Value<int>() > 1);
            Assert.True(state["running_processes"]!.Value<int>() >= 1);
            Assert.True(state["managed_processes"]!.Value<int>() >= state["running_processes"]!.Value<int>());
            Assert.InRange(state["host_memory_percent"]!.Value<double>(), 0.1, 100);
        }
        finally
        {
            await Mesh.Hub.Routed(Node, "stop_process", new JObject { ["name"] = "state-sleep", ["wait"] = true });
        }
    }

    [Fact]
    public async Task Host_info_matches_proc_and_the_hub_gives_every_host_without_a_host_name()
    {
        var info = await Mesh.Hub.Routed(Node, "host_info", new JObject());
        var memTotalKb = long.Parse(File.ReadAllLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        Assert.Equal(memTotalKb * 1024, info["memory"]!["total_bytes"]!.Value<long>());
        Assert.InRange(info["memory"]!["percent_used"]!.Value<double>(), 0.1, 100);
        Assert.Equal(Environment.ProcessorCount, info["cpu"]!["cores"]!.Value<int>());
        Assert.Equal(Environment.ProcessorCount, ((JArray)info["cpu"]!["per_core_percent"]!).Count);
        Assert.False(string.IsNullOrEmpty((string?)info["cpu"]!["model"]));
        Assert.Contains((JArray)info["disks"]!, d => (string?)d["mount"] == "/" && d["total_bytes"]!.Value<long>() > 0);
        var lo = Assert.Single((JArray)info["nics"]!, n => (string?)n["name"] == "lo");
        Assert.Contains("127.0.0.1", ((JArray)lo["addresses"]!).Select(a => (string)a!));
        Assert.Equal(File.ReadAllText("/proc/sys/kernel/osrelease").Trim(), (string?)info["os"]!["kernel"]);
        Assert.Equal(File.ReadAllText("/proc/sys/kernel/hostname").Trim(), (string?)info["os"]!["hostname"]);
        Assert.True(info["os"]!["uptime_s"]!.Value<double>() > 0);
        Assert.Equal(Node, (string?)info["host_name"]);
        Assert.False(string.IsNullOrEmpty((string?)info["version"]));
        Assert.True(DateTimeOffset.Parse((string)info["started_at"]!) < DateTimeOffset.UtcNow);

        var all = await Mesh.Hub.Control("""{"host_info":{}}""");
        Assert.Equal(200, all.Status);
        var hosts = ((JArray)all.Json["host_info"]!["hosts"]!).Select(h => (string?)h["host_name"]).Order().ToList();
        Assert.Equal([ObservationFixture.HubHost, Node], hosts);
    }

    [Fact]
    public async Task Get_hosts_carries_a_summary_of_each_host()
    {
        var hosts = await Polling.UntilValue(() => Mesh.Hub.Hosts(), h => h.All(x => x["cpu_percent"]?.Type == JTokenType.Float || x["cpu_percent"]?.Type == JTokenType.Integer),
            Settle, "cpu figures for every host", Mesh.Diagnostics);
        foreach (var host in hosts)
        {
            Assert.InRange(host["cpu_percent"]!.Value<double>(), 0, 100);
            Assert.InRange(host["memory_percent"]!.Value<double>(), 0.1, 100);
            Assert.True(host["processes"]!.Value<int>() >= 0);
        }
    }
}
