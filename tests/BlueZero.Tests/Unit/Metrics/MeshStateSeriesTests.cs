using System.Collections.Immutable;
using Akka.Actor;
using BlueZero.Hub.Actors;
using BlueZero.Hub.Metrics;
using BlueZero.Messages.Protocol;
using Prometheus;
using Xunit;

namespace BlueZero.Tests.Unit.Metrics;

/// <summary>The mapping from the registry's snapshot and the nodes' states to the series of GET /metrics.</summary>
public sealed class MeshStateSeriesTests
{
    private readonly CollectorRegistry _registry = Prometheus.Metrics.NewCustomRegistry();
    private readonly HubMetrics _metrics;

    public MeshStateSeriesTests() => _metrics = new HubMetrics(_registry, perProcessName: false);

    private static NodeEntry Entry(string host, NodeStatus status) =>
        new(host, ActorRefs.Nobody, new Address("akka.tcp", "bluezero", host, 4053), status, DateTimeOffset.UnixEpoch);

    private static RegistrySnapshot Snapshot(params NodeEntry[] entries) =>
        new(entries.Aggregate(RegistrySnapshot.Empty.Nodes, (nodes, e) => nodes.SetItem(e.HostName, e)));

    private static NodeState State(string host, params StateCount[] byState) =>
        new(host, new ResourceUsage(1.5, 50_000_000, 20, 1, 100), byState.Where(c => !c.State.IsFinal()).Sum(c => c.Count), 0,
            new ResourceUsage(30, 400_000_000, 40, 5, 0), 12.5, 40, byState);

    private static (string, string) L(string label, string value) => (label, value);

    [Fact]
    public async Task Hosts_are_counted_by_status_with_every_status_present()
    {
        _metrics.SetMeshState(new MeshStateGathered(
            Snapshot(Entry("a", NodeStatus.Up), Entry("b", NodeStatus.Up), Entry("c", NodeStatus.Unreachable)),
            ImmutableDictionary<string, NodeState>.Empty));

        var scrape = await Scrape.Of(_registry);

        Assert.Equal(2, scrape.Value("bluezero_hosts", L("status", "up")));
        Assert.Equal(1, scrape.Value("bluezero_hosts", L("status", "unreachable")));
        Assert.Equal(0, scrape.Value("bluezero_hosts", L("status", "left")));
        Assert.Equal(0, scrape.Value("bluezero_hosts", L("status", "removed")));
        Assert.Equal("gauge", scrape.TypeOf("bluezero_hosts"));
    }

    [Fact]
    public async Task Each_host_has_a_state_set_with_1_for_its_current_status_only()
    {
        _metrics.SetMeshState(new MeshStateGathered(Snapshot(Entry("a", NodeStatus.Left)), ImmutableDictionary<string, NodeState>.Empty));

        var scrape = await Scrape.Of(_registry);

        Assert.Equal(1, scrape.Value("bluezero_host_status", L("host", "a"), L("status", "left")));
        Assert.Equal(0, scrape.Where("bluezero_host_status", L("host", "a")).Where(s => s.Labels["status"] != "left").Sum(s => s.Value));
        Assert.Equal(4, scrape.Where("bluezero_host_status", L("host", "a")).Count());
    }

    [Fact]
    public async Task Processes_are_counted_by_host_and_state_with_zeros_for_states_without_entries()
    {
        var state = State("a", new StateCount(ProcessState.Running, 3), new StateCount(ProcessState.Failed, 1));
        _metrics.SetMeshState(new MeshStateGathered(Snapshot(Entry("a", NodeStatus.Up)), new Dictionary<string, NodeState> { ["a"] = state }));

        var scrape = await Scrape.Of(_registry);

        Assert.Equal(3, scrape.Value("bluezero_processes", L("host", "a"), L("state", "running")));
        Assert.Equal(1, scrape.Value("bluezero_processes", L("host", "a"), L("state", "failed")));
        Assert.Equal(0, scrape.Value("bluezero_processes", L("host", "a"), L("state", "backing_off")));
        Assert.Equal(Enum.GetValues<ProcessState>().Length, scrape.Where("bluezero_processes", L("host", "a")).Count());
    }

    [Fact]
    public async Task The_sampled_cpu_and_memory_of_a_host_become_its_gauges()
    {
        _metrics.SetMeshState(new MeshStateGathered(Snapshot(Entry("a", NodeStatus.Up)), new Dictionary<string, NodeState> { ["a"] = State("a") }));

        var scrape = await Scrape.Of(_registry);

        Assert.Equal(12.5, scrape.Value("bluezero_host_cpu_percent", L("host", "a")));
        Assert.Equal(40, scrape.Value("bluezero_host_memory_percent", L("host", "a")));
        Assert.Equal(1.5, scrape.Value("bluezero_node_cpu_percent", L("host", "a")));
        Assert.Equal(50_000_000, scrape.Value("bluezero_node_rss_bytes", L("host", "a")));
        Assert.Equal(30, scrape.Value("bluezero_managed_cpu_percent", L("host", "a")));
        Assert.Equal(400_000_000, scrape.Value("bluezero_managed_rss_bytes", L("host", "a")));
    }

    [Fact]
    public async Task A_host_that_did_not_answer_loses_its_figures_but_keeps_its_status()
    {
        var snapshot = Snapshot(Entry("a", NodeStatus.Up));
        _metrics.SetMeshState(new MeshStateGathered(snapshot, new Dictionary<string, NodeState> { ["a"] = State("a", new StateCount(ProcessState.Running, 2)) }));
        _metrics.SetMeshState(new MeshStateGathered(snapshot with { Nodes = snapshot.Nodes.SetItem("a", Entry("a", NodeStatus.Unreachable)) },
            ImmutableDictionary<string, NodeState>.Empty));

        var scrape = await Scrape.Of(_registry);

        Assert.Empty(scrape.Where("bluezero_processes", L("host", "a")));
        Assert.Empty(scrape.Where("bluezero_host_cpu_percent", L("host", "a")));
        Assert.Equal(1, scrape.Value("bluezero_host_status", L("host", "a"), L("status", "unreachable")));
    }

    [Fact]
    public async Task A_forgotten_host_has_no_series_left()
    {
        _metrics.SetMeshState(new MeshStateGathered(Snapshot(Entry("a", NodeStatus.Up), Entry("b", NodeStatus.Left)),
            new Dictionary<string, NodeState> { ["a"] = State("a") }));
        _metrics.SetMeshState(new MeshStateGathered(Snapshot(Entry("a", NodeStatus.Up)), new Dictionary<string, NodeState> { ["a"] = State("a") }));

        var scrape = await Scrape.Of(_registry);

        Assert.DoesNotContain(scrape.Samples, s => s.Labels.GetValueOrDefault("host") == "b");
    }
}
