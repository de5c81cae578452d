using BlueZero.Messages.Protocol;

namespace BlueZero.ProcessManager.Launching;

/// <summary>What to run: everything already validated, the environment already merged.</summary>
public sealed record LaunchRequest(string Path, IReadOnlyList<string> Args, IReadOnlyDictionary<string, string> Environment, string? WorkingDirectory);

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
