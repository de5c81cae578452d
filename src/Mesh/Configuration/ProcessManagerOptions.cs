
namespace BlueZero.Mesh.Configuration;

/// <summary>Everything the process-manager actors need, built once at startup; actors never read the environment.</summary>
public sealed record ProcessManagerOptions(
    string HostName,
    TimeSpan StopGrace,
    TimeSpan KillGrace,
    int RetentionMaxRecords,
    TimeSpan RetentionMaxAge,
    IReadOnlyList<string> AllowedPaths,
    IReadOnlyDictionary<string, string> ChildEnvironment,
    string DataDirectory,
    int MaxProcesses)
{

    /// <summary>run-as: the user children are started as (through setpriv), or null to start them as this node's user.</summary>
    public RunAsUser? RunAs { get; init; }

    /// <summary>Output capture limits: ring size in memory, file rotation on disk.</summary>
    public required OutputSettings Output { get; init; }

    /// <summary>How often cpu, memory and threads of every managed tree are sampled (stats_interval).</summary>
    public required TimeSpan StatsInterval { get; init; }

    /// <summary>Events the node's journal keeps until the hub has them; beyond it the oldest are dropped (events.journal-max-events).</summary>
    public required int EventJournalMaxEvents { get; init; }

    /// <summary>
    /// Whether the node records events at all (events.enabled, on in the shipped hocon). Off, nothing is journaled or
    /// shipped: the switch the benchmark measures the journal's cost with.
    /// </summary>
    public bool EventsEnabled { get; init; } = true;

    /// <summary>Samples kept per process for process_stats: a fixed property of the reply, not a setting.</summary>
    public int StatsHistory => 60;

    /// <summary>Upper bound for a stop with wait: both grace periods plus time for SIGKILL to land.</summary>
    public TimeSpan FullStopTime => StopGrace + KillGrace + TimeSpan.FromSeconds(5);
}
