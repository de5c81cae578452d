namespace BlueZero.Bench;

/// <summary>Everything one run measured, plus where, how, and what it cleaned up.</summary>
internal sealed record BenchReport(
    DateTimeOffset StartedUtc,
    TimeSpan Duration,
    MachineInfo Machine,
    BenchOptions Options,
    int WarmupCycles,
    SectionOutcome<FloorBenchmark.Result> Floor,
    SectionOutcome<StartPathBenchmark.Result> StartPath,
    SectionOutcome<HubPathBenchmark.Result> HubPath,
    SectionOutcome<LatencyBenchmark.Result> Latency,
    SectionOutcome<RuntimeModesBenchmark.Result> RuntimeModes,
    SectionOutcome<ThroughputBenchmark.Result> Throughput,
    SectionOutcome<ManyProcessesBenchmark.Result> ManyProcesses,
    SectionOutcome<ReadoptionBenchmark.Result> Readoption,
    SectionOutcome<FollowersBenchmark.Result> Followers,
    SectionOutcome<EventIngestBenchmark.Result> EventIngest,
    SectionOutcome<EventHistoryBenchmark.Result> EventHistory,
    SectionOutcome<PlanUpBenchmark.Result> PlanUp,
    SectionOutcome<ManyNodesBenchmark.Result> ManyNodes,
    SectionOutcome<MetricsScrapeBenchmark.Result> MetricsScrape,
    SectionOutcome<DashboardBenchmark.Result> Dashboard,
    SectionOutcome<PeerBenchmark.Result> Peer,
    string LoadAtEnd,
    IReadOnlyList<string> Notes)
{
    public bool AnyFailed => BenchSections.All.Any(section => Timing(section).Failed);

    /// <summary>How long a section ran, and whether it failed.</summary>
    public (TimeSpan Elapsed, bool Failed) Timing(BenchSection section) => section switch
    {
        BenchSection.Floor => (Floor.Elapsed, Floor.Failed),
        BenchSection.StartPath => (StartPath.Elapsed, StartPath.Failed),
        BenchSection.HubPath => (HubPath.Elapsed, HubPath.Failed),
        BenchSection.Latency => (Latency.Elapsed, Latency.Failed),
        BenchSection.RuntimeModes => (RuntimeModes.Elapsed, RuntimeModes.Failed),
        BenchSection.Throughput => (Throughput.Elapsed, Throughput.Failed),
        BenchSection.ManyProcesses => (ManyProcesses.Elapsed, ManyProcesses.Failed),
        BenchSection.Readopt => (Readoption.Elapsed, Readoption.Failed),
        BenchSection.Followers => (Followers.Elapsed, Followers.Failed),
        BenchSection.EventIngest => (EventIngest.Elapsed, EventIngest.Failed),
        BenchSection.EventHistory => (EventHistory.Elapsed, EventHistory.Failed),
        BenchSection.PlanUp => (PlanUp.Elapsed, PlanUp.Failed),
        BenchSection.ManyNodes => (ManyNodes.Elapsed, ManyNodes.Failed),
        BenchSection.MetricsScrape => (MetricsScrape.Elapsed, MetricsScrape.Failed),
        BenchSection.Dashboard => (Dashboard.Elapsed, Dashboard.Failed),
        BenchSection.Peer => (Peer.Elapsed, Peer.Failed),
        _ => throw new ArgumentOutOfRangeException(nameof(section)),
    };
}
