namespace BlueZero.Messages.Protocol;

/// <summary>
/// How a process ended. <paramref name="ExitCode"/> follows the shell convention (128 + N) when signal N killed it;
/// it is null only when the exit code could not be observed (a re-adopted process is not our child).
/// </summary>
public sealed record ProcessExit(int? ExitCode, int? Signal)
{
    public static readonly ProcessExit Unknown = new(null, null);
    public static ProcessExit Exited(int code) => new(code, null);
    public static ProcessExit Killed(int signal) => new(128 + signal, signal);
    public override string ToString() => Signal is { } s ? $"signal {s}" : $"exit code {ExitCode?.ToString() ?? "unknown"}";
}

/// <summary>The precise lifecycle state of a managed entry (docs/PROTOCOL.md; wire strings in WireNames).</summary>
public enum ProcessState { Running, BackingOff, Scheduled, Stopping, Exited, Failed, TimedOut, Stopped, Lost }

/// <summary>What a state means for the entry's process and its future runs.</summary>
public static class ProcessStateRules
{
    /// <summary>States in which an OS process of the entry is alive.</summary>
    public static bool HasLiveProcess(this ProcessState state) => state is ProcessState.Running or ProcessState.Stopping;

    /// <summary>States from which the entry never runs again.</summary>
    public static bool IsFinal(this ProcessState state) =>
        state is ProcessState.Exited or ProcessState.Failed or ProcessState.TimedOut or ProcessState.Stopped or ProcessState.Lost;

    /// <summary>States that wait for the next run (a restart's backoff, a recurring job's period).</summary>
    public static bool IsWaiting(this ProcessState state) => state is ProcessState.BackingOff or ProcessState.Scheduled;
}

/// <summary>Why a live process is being stopped; decides its final state.</summary>
public enum StopReason { Request, MaxTime, Shutdown }

/// <summary>Everything a client may want to know about one managed entry.</summary>
public sealed record ProcessInfo(
    int? Pid,
    string? Name,
    string Path,
    IReadOnlyList<string> Args,
    ProcessState State,
    int Restarts,
    ProcessExit? LastExit,
    DateTimeOffset StartedAt,
    DateTimeOffset? NextRunAt,
    ResourceUsage? Usage = null)
{
    public bool Running => State.HasLiveProcess();
}

public sealed record ProcessStarted(int Pid) : INodeReply;

/// <summary>A restart's new run: its pid, and the pid and exit of the run it replaced (none when nothing ran).</summary>
public sealed record ProcessRestarted(int Pid, int? PreviousPid, ProcessExit? PreviousExit) : INodeReply;

/// <summary>Stop accepted. <paramref name="Exit"/> is set only when the request asked to wait, or the process had already ended.</summary>
public sealed record ProcessStopped(int? Pid, ProcessExit? Exit) : INodeReply;

public sealed record ProcessStatus(ProcessInfo Info) : INodeReply;

public sealed record ActiveProcesses(IReadOnlyList<int> Pids) : INodeReply;

public sealed record ProcessList(IReadOnlyList<ProcessInfo> Processes) : INodeReply;

public sealed record Unscheduled(string? Name) : INodeReply;

public sealed record AllKilled(IReadOnlyList<int> Pids) : INodeReply;

/// <summary>
/// The node understood the command but could not carry it out. The text is user-facing; the hub decides statuses
/// from <paramref name="Code"/> (a node of an earlier version sends no code, read as <see cref="ErrorCode.NodeFailure"/>).
/// Built by Wire.NodeErrors, which pairs each code with its text.
/// </summary>
public sealed record CommandFailed(ErrorCode Code, string ErrorMessage) : INodeReply;
