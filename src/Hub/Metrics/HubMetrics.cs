using BlueZero.Hub.Actors;
using BlueZero.Messages.Protocol;
using Prometheus;

namespace BlueZero.Hub.Metrics;

/// <summary>
/// Everything GET /metrics shows, in one <see cref="CollectorRegistry"/> that prometheus-net formats: the mesh state
/// (<see cref="MeshStateSeries"/>), the process counters (<see cref="MeshEventCounters"/>), the front door
/// (<see cref="FrontDoorMetrics"/>), and, in the hub's default registry, the .NET runtime's own metrics.
/// </summary>
public sealed class HubMetrics
{
    private readonly CollectorRegistry _registry;
    private readonly MeshStateSeries _meshState;

    public HubMetrics(CollectorRegistry registry, bool perProcessName)
    {
        _registry = registry;
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        _meshState = new MeshStateSeries(factory);
        Events = new MeshEventCounters(factory, perProcessName);
        FrontDoor = new FrontDoorMetrics(factory);
    }

    /// <summary>
    /// The hub's registry, with runtime metrics (GC, thread pool, memory, process cpu) from the System.Runtime meter
    /// only: the ASP.NET Core and Kestrel meters would repeat what <see cref="FrontDoorMetrics"/> says, with labels of
    /// their own. Call once per process, before the first scrape.
    /// </summary>
    public static CollectorRegistry DefaultRegistryWithRuntimeMetrics()
    {
        Prometheus.Metrics.ConfigureMeterAdapter(options => options.InstrumentFilterPredicate = instrument => instrument.Meter.Name == "System.Runtime");
        return Prometheus.Metrics.DefaultRegistry;
    }

    /// <summary>Fed every stored event by <see cref="MeshEventCounterFeed"/>.</summary>
    public MeshEventCounters Events { get; }

    public FrontDoorMetrics FrontDoor { get; }

    /// <summary>
    /// Per-host figures are gathered at scrape time, not cached: one NodeStateQuery per up host, asked in parallel by
    /// the router off its thread (a pipe, never a blocking wait), each node answering from counters it keeps (its table
    /// is counted in place, the cpu and memory figures are its last samples). A scrape is then as fresh as the nodes, costs
    /// one small round trip per host, and nothing runs between scrapes; a host that does not answer within the router's
    /// count timeout (2 s) simply has no per-host series in that scrape. bench/RESULTS.md has the cost with many hosts.
    /// </summary>
    public void GatherBeforeEachScrape(Func<CancellationToken, Task<MeshStateGathered>> gather) =>
        _registry.AddBeforeCollectCallback(async cancel => _meshState.Set(await gather(cancel)));

    /// <summary>For tests and the bench: the mesh state series set directly.</summary>
    public void SetMeshState(MeshStateGathered mesh) => _meshState.Set(mesh);
}
