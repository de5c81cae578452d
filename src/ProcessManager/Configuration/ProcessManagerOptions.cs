using BlueZero.ProcessManager.Output;

namespace BlueZero.ProcessManager.Configuration;

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
    int MaxProcesses = ProcessManagerOptions.DefaultMaxProcesses)
{
    /// <summary>Default of bluezero.process-manager.max-processes: entries that may still run (not final) on one node.</summary>
    public const int DefaultMaxProcesses = 10_000;

    /// <summary>run-as: the user children are started as (through setpriv), or null to start them as this node's user.</summary>
    public Launching.RunAsUser? RunAs { get; init; }

    /// <summary>Output capture limits: ring size in memory, file rotation on disk.</summary>
    public OutputSettings Output { get; init; } = OutputSettings.Default;

    /// <summary>How often cpu, memory and threads of every managed tree are sampled (stats_interval).</summary>
    public TimeSpan StatsInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Samples kept per process for process_stats.</summary>
    public int StatsHistory { get; init; } = 60;

    /// <summary>Upper bound for a stop with wait: both grace periods plus time for SIGKILL to land.</summary>
    public TimeSpan FullStopTime => StopGrace + KillGrace + TimeSpan.FromSeconds(5);
}
