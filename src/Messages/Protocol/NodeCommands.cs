namespace BlueZero.Messages.Protocol;

/// <summary>Names one managed process: by pid, or by the unique name given at start (the stable handle across restarts).</summary>
public sealed record ProcessTarget(int? Pid, string? Name)
{
    public static ProcessTarget ByPid(int pid) => new(pid, null);
    public static ProcessTarget ByName(string name) => new(null, name);

    /// <summary>Exactly one of a positive pid or a non-empty name, as the wire parser guarantees.</summary>
    public bool IsWellFormed => Pid is { } pid ? pid > 0 && Name is null : !string.IsNullOrEmpty(Name);

    public override string ToString() => Pid is { } pid ? $"pid {pid}" : $"name {Name}";
}

/// <summary>When a process that ended by itself runs again (wire strings in WireNames).</summary>
public enum RestartPolicyKind { Never, OnFailure, Always }

/// <summary>Delays between restarts: initial, growing by the multiplier up to the maximum, each varied by +/- jitter.</summary>
public sealed record BackoffSettings(int InitialMs = 500, int MaxMs = 30_000, double Multiplier = 2.0, double Jitter = 0.1)
{
    public static readonly BackoffSettings Default = new();
}

/// <summary>
/// When a process that ended by itself runs again. MaxRestarts -1 means forever. The backoff and the restart budget
/// start over once a run has stayed up for ResetAfterS seconds.
/// </summary>
public sealed record RestartPolicy(
    RestartPolicyKind Policy,
    int MaxRestarts,
    BackoffSettings Backoff,
    double ResetAfterS,
    IReadOnlyList<int> SuccessExitCodes)
{
    public static readonly RestartPolicy Never = new(RestartPolicyKind.Never, 0, BackoffSettings.Default, 60, [0]);
}

/// <summary>
/// Starts a managed process. <see cref="By"/>, also on <see cref="StopProcess"/> and <see cref="KillAll"/>: the token
/// name of the caller, filled in by the hub's front door when it runs with a token file; recorded in the node's events.
/// </summary>
public sealed record StartProcess(
    string Path,
    IReadOnlyList<string> Args,
    IReadOnlyDictionary<string, string>? Env = null,
    string? Cwd = null,
    string? Name = null,
    RestartPolicy? Restart = null,
    double? MaxTimeS = null,
    double? RecurringPeriodS = null,
    OutputMode? Output = null,
    string? Stdin = null,
    string? By = null) : INodeCommand
{
    public RestartPolicy EffectiveRestart => Restart ?? RestartPolicy.Never;

    /// <summary>capture unless the request chose discard or inherit.</summary>
    public OutputMode EffectiveOutput => Output ?? OutputMode.Capture;
}

/// <summary>Stop escalation on the whole tree; also cancels any pending restart or recurring run. With Wait the reply comes after the exit.</summary>
public sealed record StopProcess(ProcessTarget Target, bool Wait = false, string? By = null) : INodeCommand;

/// <summary>
/// Stops the entry's run with the whole escalation, then runs the same spec again: same entry, name, output and
/// history; restarts counts the new run. An entry that is backing off, scheduled or final just runs again at once.
/// </summary>
public sealed record RestartProcess(ProcessTarget Target, string? By = null) : INodeCommand;

public sealed record QueryProcessStatus(ProcessTarget Target) : INodeCommand;

/// <summary>BlueZero's listing: the pids running right now.</summary>
public sealed record ListActiveProcesses : INodeCommand;

/// <summary>Every managed entry: running, backing off, scheduled, or kept for retention.</summary>
public sealed record ListProcesses : INodeCommand;

/// <summary>Stops future runs of a recurring job; a run in progress is left alone.</summary>
public sealed record Unschedule(ProcessTarget Target) : INodeCommand;

/// <summary>Stops every managed process on the host with the normal escalation.</summary>
public sealed record KillAll(string? By = null) : INodeCommand;
