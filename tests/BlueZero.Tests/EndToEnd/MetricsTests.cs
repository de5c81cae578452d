using BlueZero.Messages.Wire;
using BlueZero.Tests.Support;
using Newtonsoft.Json.Linq;
using Xunit;

namespace BlueZero.Tests.EndToEnd;

/// <summary>
/// GET /metrics of a real hub with a second node: every scrape parses with the strict parser, processes by state
/// follow a restart policy to its end, the process counters say what GET /events says, and a killed node turns from
/// up to unreachable.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class MetricsTests : IAsyncLifetime
{
    private const string HubHost = "metrics-hub";
    private const string Node = "metrics-node";
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(15);
    private readonly LocalMesh _mesh = LocalMesh.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _mesh.DisposeAsync().AsTask();

    private async Task<PrometheusText> Scrape()
    {
        var reply = await _mesh.Hub.Send(HttpMethod.Get, "/metrics");
        Assert.True(reply.Status == 200, $"GET /metrics: {reply}");
        return PrometheusText.Parse(reply.Body);
    }

    private Task<PrometheusText> ScrapeUntil(Func<PrometheusText, bool> accept, string what) =>
        Polling.UntilValue(Scrape, accept, Within, what, _mesh.Diagnostics);

    private static double? Processes(PrometheusText scrape, string state) =>
        scrape.Value("bluezero_processes", ("host", Node), ("state", state));

    private static double? Status(PrometheusText scrape, string status) =>
        scrape.Value("bluezero_host_status", ("host", Node), ("status", status));

    [Fact]
    public async Task Processes_by_state_follow_a_failing_process_to_failed_and_a_killed_node_becomes_unreachable()
    {
        await _mesh.StartHub(HubHost);
        var node = await _mesh.StartNode(Node);
        await _mesh.AwaitHeartbeatHistory(node);
        var started = await _mesh.Hub.Routed(Node, WireOperations.StartProcess, JObject.Parse("""
            {"path":"/bin/sh","args":["-c","exit 1"],"name":"flaky","restart":{"policy":"on-failure","max_restarts":2,"backoff":{"initial_ms":100}}}
            """));
        _mesh.Track(started["pid"]!.Value<int>());

        var failed = await ScrapeUntil(s => Processes(s, "failed") == 1, $"{Node} has one failed process in GET /metrics");
        Assert.Equal(0, Processes(failed, "running"));
        Assert.Equal(0, Processes(failed, "backing_off"));
        Assert.Equal(1, Status(failed, "up"));
        Assert.Equal(2, failed.Value("bluezero_hosts", ("status", "up")));
        Assert.True(failed.Value("bluezero_host_memory_percent", ("host", Node)) > 0);
        Assert.True(failed.Value("bluezero_routed_request_duration_seconds_count", ("host", Node)) >= 1);
        Assert.Equal(1, failed.Value("bluezero_http_requests_total", ("operation", WireOperations.StartProcess), ("status", "200")));

        node.Signal(PosixSignal.SIGKILL);
        var lost = await ScrapeUntil(s => Status(s, "unreachable") == 1, $"{Node} is unreachable in GET /metrics after SIGKILL");
        Assert.Equal(0, Status(lost, "up"));
        Assert.Equal(1, lost.Value("bluezero_hosts", ("status", "unreachable")));
        Assert.Empty(lost.Where("bluezero_processes", ("host", Node)));
    }

    [Fact]
    public async Task The_process_counters_of_a_host_say_what_its_event_history_says()
    {
        await _mesh.StartHub(HubHost);
        var node = await _mesh.StartNode(Node);
        await _mesh.AwaitHeartbeatHistory(node);
        var started = await _mesh.Hub.Routed(Node, WireOperations.StartProcess, JObject.Parse("""
            {"path":"/bin/sh","args":["-c","exit 1"],"name":"flaky","restart":{"policy":"on-failure","max_restarts":2,"backoff":{"initial_ms":100}}}
            """));
        _mesh.Track(started["pid"]!.Value<int>());

        var scrape = await ScrapeUntil(s => s.Value("bluezero_process_failures_total", ("host", Node), ("kind", "process_failed")) == 1
                                            && s.Value("bluezero_node_events_pending", ("host", Node)) == 0,
            $"{Node}'s process failed for good and every event of its journal is acknowledged, in GET /metrics");
        var history = await _mesh.Hub.Send(HttpMethod.Get, $"/events?host={Node}&limit=1000");
        Assert.True(history.Status == 200, $"GET /events: {history}");
        var events = JObject.Parse(history.Body)["events"]!.Select(e => (string)e["type"]!).ToList();

        int Stored(string type) => events.Count(t => t == type);
        double? Counter(string name, params (string, string)[] more) => scrape.Value(name, [("host", Node), .. more]);
        Assert.Equal(3, Stored("process_started")); // the first run and two restarts
        Assert.Equal(Stored("process_started"), Counter("bluezero_process_starts_total"));
        Assert.Equal(Stored("process_backing_off"), Counter("bluezero_process_restarts_total"));
        Assert.Equal(2, Counter("bluezero_process_restarts_total"));
        Assert.Equal(Stored("process_exited"), Counter("bluezero_process_exits_total", ("reason", "exited")));
        Assert.Equal(Stored("process_failed"), Counter("bluezero_process_failures_total", ("kind", "process_failed")));
        Assert.Equal(events.Count, Counter("bluezero_events_ingested_total"));
    }

    [Fact]
    public async Task The_runtime_metrics_of_the_hub_are_in_the_exposition()
    {
        await _mesh.StartHub(HubHost, localNode: false);

        var scrape = await Scrape();

        Assert.Contains(scrape.Samples, s => s.Name.StartsWith("system_runtime_dotnet_gc_", StringComparison.Ordinal));
        Assert.Contains(scrape.Samples, s => s.Name.StartsWith("system_runtime_dotnet_thread_pool_", StringComparison.Ordinal));
        Assert.Equal(0, scrape.Value("bluezero_hosts", ("status", "up")));
    }
}
