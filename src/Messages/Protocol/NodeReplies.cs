namespace BlueZero.Messages.Protocol;

/// <summary>
/// How a process ended. <paramref name="ExitCode"/> follows the shell convention (128 + N) when signal N killed it;
/// it is null only when the exit code could not be observed.
/// </summary>
public sealed record ProcessExit(int? ExitCode, int? Signal)
{
    public static ProcessExit Exited(int code) => new(code, null);
    public static ProcessExit Killed(int signal) => new(128 + signal, signal);
    public override string ToString() => Signal is { } s ? $"signal {s}" : $"exit code {ExitCode?.ToString() ?? "unknown"}";
}

public sealed record ProcessStarted(int Pid) : INodeReply;

/// <summary>Stop accepted. <paramref name="Exit"/> is set only when the request asked to wait.</summary>
public sealed record ProcessStopped(int Pid, ProcessExit? Exit) : INodeReply;

public sealed record ProcessStatus(int Pid, string? Name, bool Running, ProcessExit? Exit) : INodeReply;

public sealed record ActiveProcesses(IReadOnlyList<int> Pids) : INodeReply;

/// <summary>The node understood the command but could not carry it out; the text is user-facing.</summary>
public sealed record CommandFailed(string ErrorMessage) : INodeReply;
