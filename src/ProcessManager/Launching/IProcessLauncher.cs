using BlueZero.Messages.Protocol;

namespace BlueZero.ProcessManager.Launching;

/// <summary>What to run: everything already validated, the environment already merged.</summary>
public sealed record LaunchRequest(string Path, IReadOnlyList<string> Args, IReadOnlyDictionary<string, string> Environment, string? WorkingDirectory)
{
    /// <summary>Where stdout and stderr go; /dev/null unless set.</summary>
    public OutputPlan Output { get; init; } = OutputPlan.Discard;

    /// <summary>Written to the process's stdin once, then closed; null gives it /dev/null.</summary>
    public byte[]? Stdin { get; init; }
}

/// <summary>capture (pipes read by the node into <paramref name="Sink"/>), discard (/dev/null) or inherit (the node's own).</summary>
/// <param name="Run">Which run of the entry this launch is (1 for the first), for the sink's run marker.</param>
public sealed record OutputPlan(OutputMode Mode, Output.ICapturedOutput? Sink = null, int MaxLineBytes = 0, int Run = 1)
{
    public static readonly OutputPlan Discard = new(OutputMode.Discard);
    public static readonly OutputPlan Inherit = new(OutputMode.Inherit);
    public static OutputPlan Capture(Output.ICapturedOutput sink, int maxLineBytes, int run) => new(OutputMode.Capture, sink, maxLineBytes, run);
}

public abstract record LaunchOutcome;
public sealed record Launched(int Pid) : LaunchOutcome;
public sealed record LaunchFailed(string ErrorMessage) : LaunchOutcome;

/// <summary>
/// The seam between the actors and the operating system. Actors call it; tests may wrap it to watch
/// what the actors ask of the OS. Exit notifications arrive on a reaper thread and must only be forwarded
/// (typically with Tell), never block.
/// </summary>
public interface IProcessLauncher
{
    LaunchOutcome Launch(LaunchRequest request);

    /// <summary>Calls <paramref name="onExit"/> once when <paramref name="pid"/> ends; a later call for the same pid replaces the callback.</summary>
    void WatchExit(int pid, Action<ProcessExit> onExit);

    /// <summary>Sends <paramref name="signal"/> to the process group led by <paramref name="pid"/> and to every descendant outside it.</summary>
    void SignalTree(int pid, int signal);

    /// <summary>True while any process of the tree rooted at <paramref name="pid"/> (including its group) is still alive.</summary>
    bool TreeAlive(int pid);

    /// <summary>Drops what the launcher remembers of a tree once its owner is done with it.</summary>
    void Release(int pid);
}
