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
    string DataDirectory)
{
    /// <summary>Upper bound for a stop with wait: both grace periods plus time for SIGKILL to land.</summary>
    public TimeSpan FullStopTime => StopGrace + KillGrace + TimeSpan.FromSeconds(5);
}
