using BlueZero.Messages.Protocol;

namespace BlueZero.Messages.Wire;

/// <summary>Every refusal a node sends, its code paired with its text (<see cref="ErrorTexts"/>) in one place.</summary>
public static class NodeErrors
{
    public static CommandFailed NoSuchPid() => new(ErrorCode.NoSuchPid, ErrorTexts.NoSuchPid);
    public static CommandFailed NoSuchName(string name) => new(ErrorCode.NoSuchName, ErrorTexts.NoSuchName(name));

    /// <summary>Query, stats and output of an unknown target (stop and unschedule say <see cref="NotManaged"/>).</summary>
    public static CommandFailed NotFound(ProcessTarget target) => target.Pid is not null ? NoSuchPid() : NoSuchName(target.Name!);

    /// <summary>Stop and unschedule of an unknown target: BlueZero's "PID N is not managed" for a pid.</summary>
    public static CommandFailed NotManaged(ProcessTarget target, string hostName) =>
        target.Pid is { } pid ? new(ErrorCode.NotManaged, ErrorTexts.PidNotManaged(pid, hostName)) : NoSuchName(target.Name!);

    public static CommandFailed NameInUse(string name) => new(ErrorCode.NameInUse, ErrorTexts.NameInUse(name));
    public static CommandFailed TooManyProcesses(string hostName, int limit) => new(ErrorCode.TooManyProcesses, ErrorTexts.TooManyProcesses(hostName, limit));

    /// <param name="refusal">The path policy's text: no such file, a directory, permission denied, no such directory.</param>
    public static CommandFailed PathRefused(string refusal) => new(ErrorCode.PathRefused, refusal);

    /// <param name="reason">The launcher's text (ErrorTexts.SpawnFailed, CannotWatch, CannotCapture, ...).</param>
    public static CommandFailed LaunchFailed(string reason) => new(ErrorCode.LaunchFailed, reason);

    public static CommandFailed ShuttingDown() => new(ErrorCode.ShuttingDown, ErrorTexts.ShuttingDown);
    public static CommandFailed NotRecurring(ProcessTarget target) => new(ErrorCode.NotRecurring, ErrorTexts.NotRecurring(target.ToString()));
    public static CommandFailed OutputNotCaptured(ProcessTarget target, OutputMode mode) => new(ErrorCode.OutputNotCaptured, ErrorTexts.OutputNotCaptured(target.ToString(), mode.ToWire()));
}
