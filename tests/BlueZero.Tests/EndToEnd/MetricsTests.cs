using BlueZero.Messages.Wire;
using BlueZero.Tests.Support;
using Newtonsoft.Json.Linq;
using Xunit;

namespace BlueZero.Tests.EndToEnd;

/// <summary>
/// GET /metrics of a real hub with a second node: every scrape parses with the strict parser, processes by state
/// follow a restart policy to its end, and a killed node turns from up to unreachable. (The restart counter is fed
/// by the event history; its end-to-end check comes with it.)
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
    public async Task The_runtime_metrics_of_the_hub_are_in_the_exposition()
    {
        await _mesh.StartHub(HubHost, localNode: false);

        var scrape = await Scrape();

        Assert.Contains(scrape.Samples, s => s.Name.StartsWith("system_runtime_dotnet_gc_", StringComparison.Ordinal));
        Assert.Contains(scrape.Samples, s => s.Name.StartsWith("system_runtime_dotnet_thread_pool_", StringComparison.Ordinal));
        Assert.Equal(0, scrape.Value("bluezero_hosts", ("status", "up")));
    }
}
