using BlueZero.Messages.Protocol;

namespace BlueZero.ProcessManager.State;

/// <summary>
/// One managed entry: a spec and its lifecycle across runs (a restarted process gets a new pid; the entry and its
/// name stay). This is what the process table keeps, in memory and on disk.
/// </summary>
/// <param name="Restarts">Runs after the first, in total.</param>
/// <param name="ConsecutiveRestarts">Restarts since a run last stayed up for reset_after_s; drives backoff and max_restarts.</param>
/// <param name="PidStartTicks">Start time of the current pid from /proc/&lt;pid&gt;/stat, so a recycled pid is never adopted.</param>
/// <param name="Adopted">The current pid was re-adopted after a node restart: not our child, its exit code is unknowable.</param>
public sealed record ManagedEntry(
    long Id,
    StartProcess Spec,
    ProcessState State,
    int? Pid,
    ulong? PidStartTicks,
    int Restarts,
    int ConsecutiveRestarts,
    ProcessExit? LastExit,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt = null,
    DateTimeOffset? NextRunAt = null,
    StopReason? StopReason = null,
    bool Unscheduled = false,
    bool Adopted = false)
{
    public string? Name => Spec.Name;
    public bool IsFinal => State.IsFinal();
    public bool HasLiveProcess => State.HasLiveProcess();

    public ProcessInfo ToInfo() =>
        new(Pid, Name, Spec.Path, Spec.Args, State, Restarts, LastExit, StartedAt,
            State.IsWaiting() ? NextRunAt : null);
}
