using BlueZero.Hub.Actors;
using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;
using Prometheus;

namespace BlueZero.Hub.Metrics;

/// <summary>
/// The mesh as the registry and the nodes see it, as gauges: hosts by status, each host's status (a state set: one
/// series per status, 1 for the current one), managed processes by host and state, and the cpu and memory figures the
/// nodes sample. <see cref="Set"/> replaces every series from one gathered state: a host that is forgotten, or that did
/// not answer this time, loses its per-host series instead of showing stale figures.
/// </summary>
public sealed class MeshStateSeries
{
    private static readonly NodeStatus[] Statuses = Enum.GetValues<NodeStatus>();
    private static readonly ProcessState[] States = Enum.GetValues<ProcessState>();

    private readonly Gauge _hosts;
    private readonly Gauge _hostStatus;
    private readonly Gauge _processes;
    /// <summary>Per-host figures; a null value (a field the node did not send) leaves the host out of that series.</summary>
    private readonly IReadOnlyList<(Gauge Gauge, Func<NodeState, double?> Value)> _perHost;
    private readonly Lock _gate = new();

    public MeshStateSeries(IMetricFactory factory)
    {
        _hosts = factory.CreateGauge("bluezero_hosts", "Hosts the hub knows, by status.", ["status"]);
        _hostStatus = factory.CreateGauge("bluezero_host_status", "1 for the host's current status, 0 for the others.", ["host", "status"]);
        _processes = factory.CreateGauge("bluezero_processes", "Entries of the host's process table (retained final ones too), by state.", ["host", "state"]);
        Gauge PerHost(string name, string help) => factory.CreateGauge(name, help, ["host"]);
        _perHost =
        [
            (PerHost("bluezero_host_cpu_percent", "Cpu use of the whole machine over the node's last sample interval, 0 to 100."), s => s.HostCpuPercent),
            (PerHost("bluezero_host_memory_percent", "Memory in use on the machine, 0 to 100."), s => s.HostMemoryPercent),
            (PerHost("bluezero_node_cpu_percent", "Cpu use of the node process itself, percent of one core."), s => s.Node.CpuPercent),
            (PerHost("bluezero_node_rss_bytes", "Resident memory of the node process itself."), s => s.Node.RssBytes),
            (PerHost("bluezero_managed_cpu_percent", "Cpu use of every managed process tree together, percent of one core."), s => s.Managed.CpuPercent),
            (PerHost("bluezero_managed_rss_bytes", "Resident memory of every managed process tree together."), s => s.Managed.RssBytes),
            (PerHost("bluezero_node_events_pending", "Events in the node's journal that no hub has acknowledged yet, so it resends them."),
                s => s.EventsPending),
        ];
    }

    public void Set(MeshStateGathered mesh)
    {
        var entries = mesh.Snapshot.Nodes.Values;
        lock (_gate) // two scrapes at once must not interleave their replacements
        {
            Replace(_hosts, Statuses.Select(status => (Labels(NodeEntry.TextOf(status)), (double)entries.Count(e => e.Status == status))));
            Replace(_hostStatus, entries.SelectMany(entry => Statuses.Select(status =>
                (Labels(entry.HostName, NodeEntry.TextOf(status)), entry.Status == status ? 1.0 : 0.0))));
            var answered = mesh.States.Where(s => mesh.Snapshot.Nodes.ContainsKey(s.Key)).ToList();
            Replace(_processes, answered.SelectMany(host => States.Select(state =>
                (Labels(host.Key, state.ToWire()), (double)(host.Value.ProcessesByState?.FirstOrDefault(c => c.State == state)?.Count ?? 0)))));
            foreach (var (gauge, value) in _perHost)
                Replace(gauge, answered.Select(host => (Host: host.Key, Value: value(host.Value)))
                    .Where(host => host.Value is not null).Select(host => (Labels(host.Host), host.Value!.Value)));
        }
    }

    private static string[] Labels(params string[] values) => values;

    /// <summary>Sets every given series and removes the gauge's other series.</summary>
    private static void Replace(Gauge gauge, IEnumerable<(string[] Labels, double Value)> series)
    {
        var kept = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (labels, value) in series)
        {
            gauge.WithLabels(labels).Set(value);
            kept.Add(Key(labels));
        }
        foreach (var labels in gauge.GetAllLabelValues().Where(labels => !kept.Contains(Key(labels))).ToList())
            gauge.WithLabels(labels).Remove();
    }

    private static string Key(string[] labels) => string.Join('\0', labels);
}
