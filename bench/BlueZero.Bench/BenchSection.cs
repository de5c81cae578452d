namespace BlueZero.Bench;

/// <summary>The parts of a run, in the order they run. Each can be chosen with --sections.</summary>
internal enum BenchSection
{
    Floor,
    StartPath,
    HubPath,
    Latency,
    RuntimeModes,
    Throughput,
    ManyProcesses,
    Readopt,
    Followers,
    EventIngest,
    EventHistory,
    PlanUp,
    ManyNodes,
    MetricsScrape,
    Dashboard,
    Peer,
}

/// <summary>Names, headings and time limits of the sections.</summary>
internal static class BenchSections
{
    public static readonly IReadOnlyList<BenchSection> All = Enum.GetValues<BenchSection>();

    /// <summary>The name --sections takes.</summary>
    public static string Flag(this BenchSection section) => section switch
    {
        BenchSection.Floor => "floor",
        BenchSection.StartPath => "start-path",
        BenchSection.HubPath => "hub-path",
        BenchSection.Latency => "latency",
        BenchSection.RuntimeModes => "runtime-modes",
        BenchSection.Throughput => "throughput",
        BenchSection.ManyProcesses => "many-processes",
        BenchSection.ManyNodes => "many-nodes",
        BenchSection.Peer => "peer",
        BenchSection.Readopt => "readopt",
        BenchSection.Followers => "followers",
        BenchSection.EventIngest => "event-ingest",
        BenchSection.EventHistory => "event-history",
        BenchSection.MetricsScrape => "metrics-scrape",
        BenchSection.PlanUp => "plan-up",
        BenchSection.Dashboard => "dashboard",
        _ => throw new ArgumentOutOfRangeException(nameof(section)),
    };

    /// <summary>The Markdown heading of the section in the results; present even when the section did not run.</summary>
    public static string Heading(this BenchSection section) => section switch
    {
        BenchSection.Floor => "## Floor: bare Process.Start",
        BenchSection.StartPath => "## Start path, piece by piece (thread CPU and allocations)",
        BenchSection.HubPath => "## Hub request path, piece by piece (thread CPU and allocations)",
        BenchSection.Latency => "## Latency through the hub to a remote node",
        BenchSection.RuntimeModes => "## Runtime modes: GC and tiered compilation, start and query latency",
        BenchSection.Throughput => "## Throughput: start+stop pairs with concurrent clients",
        BenchSection.ManyProcesses => "## Many processes on one node",
        BenchSection.ManyNodes => "## Many nodes",
        BenchSection.Peer => "## Peers: supervisord and PM2",
        BenchSection.Readopt => "## Re-adoption after a node crash",
        BenchSection.Followers => "## Output followers and a chatty process",
        BenchSection.EventIngest => "## Event ingest at the hub",
        BenchSection.EventHistory => "## Event history: query, live stream, subscribers, recording's cost",
        BenchSection.MetricsScrape => "## GET /metrics of a large mesh",
        BenchSection.PlanUp => "## Launch plan: 50 independent processes over 3 nodes",
        BenchSection.Dashboard => "## Dashboard: first render in a browser, and the hub's CPU with pages open",
        _ => throw new ArgumentOutOfRangeException(nameof(section)),
    };

    /// <summary>
    /// The outer bound of a section: past it the section is abandoned, cleaned up and reported as failed. The loops
    /// inside have tighter bounds of their own; this one only catches what they miss.
    /// </summary>
    public static TimeSpan Deadline(this BenchSection section) => section switch
    {
        BenchSection.Floor => TimeSpan.FromMinutes(2),
        BenchSection.StartPath => TimeSpan.FromMinutes(5),
        BenchSection.HubPath => TimeSpan.FromMinutes(5),
        BenchSection.Latency => TimeSpan.FromMinutes(10),
        BenchSection.RuntimeModes => TimeSpan.FromMinutes(20),
        BenchSection.Throughput => TimeSpan.FromMinutes(15),
        BenchSection.ManyProcesses => TimeSpan.FromMinutes(20),
        BenchSection.ManyNodes => TimeSpan.FromMinutes(20),
        BenchSection.Peer => TimeSpan.FromMinutes(15),
        BenchSection.Readopt => TimeSpan.FromMinutes(10),
        BenchSection.Followers => TimeSpan.FromMinutes(10),
        BenchSection.EventIngest => TimeSpan.FromMinutes(5),
        BenchSection.EventHistory => TimeSpan.FromMinutes(15),
        BenchSection.MetricsScrape => TimeSpan.FromMinutes(20),
        BenchSection.PlanUp => TimeSpan.FromMinutes(5),
        BenchSection.Dashboard => TimeSpan.FromMinutes(15),
        _ => throw new ArgumentOutOfRangeException(nameof(section)),
    };

    public static BenchSection? FromFlag(string flag) => All.Cast<BenchSection?>().FirstOrDefault(s => s!.Value.Flag() == flag);
}
