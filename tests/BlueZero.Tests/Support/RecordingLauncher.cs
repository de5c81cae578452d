using System.Diagnostics;
using BlueZero.Messages.Protocol;
using BlueZero.ProcessManager.Launching;

namespace BlueZero.Tests.Support;

/// <summary>
/// Wraps a real <see cref="IProcessLauncher"/> and records what the actors asked of the OS: every launch and every
/// signal, each with a monotonic timestamp, so a test can check the order and spacing of a stop escalation.
/// Safe to call from any thread (signals are sent from pool threads).
/// </summary>
public sealed class RecordingLauncher(IProcessLauncher inner) : IProcessLauncher
{
    public sealed record LaunchCall(LaunchRequest Request, LaunchOutcome Outcome, TimeSpan At);

    public sealed record SignalCall(int Pid, int Signal, TimeSpan At);

    private readonly object _gate = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<LaunchCall> _launches = new();
    private readonly List<SignalCall> _signals = new();

    public IReadOnlyList<LaunchCall> Launches
    {
        get { lock (_gate) return _launches.ToList(); }
    }

    public IReadOnlyList<SignalCall> Signals
    {
        get { lock (_gate) return _signals.ToList(); }
    }

    /// <summary>Every pid a launch returned, in launch order.</summary>
    public IReadOnlyList<int> LaunchedPids =>
        Launches.Select(call => call.Outcome).OfType<Launched>().Select(launched => launched.Pid).ToList();

    /// <summary>The signals sent to the tree of <paramref name="pid"/>, in the order they were sent.</summary>
    public IReadOnlyList<SignalCall> SignalsTo(int pid) => Signals.Where(call => call.Pid == pid).ToList();

    public LaunchOutcome Launch(LaunchRequest request)
    {
        var outcome = inner.Launch(request);
        lock (_gate) _launches.Add(new LaunchCall(request, outcome, _clock.Elapsed));
        return outcome;
    }

    public void SignalTree(int pid, int signal)
    {
        lock (_gate) _signals.Add(new SignalCall(pid, signal, _clock.Elapsed));
        inner.SignalTree(pid, signal);
    }

    public void WatchExit(int pid, Action<ProcessExit> onExit) => inner.WatchExit(pid, onExit);

    public bool TreeAlive(int pid) => inner.TreeAlive(pid);

    public void Release(int pid) => inner.Release(pid);
}
