using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;
using Prometheus;

namespace BlueZero.Hub.Metrics;

/// <summary>
/// Process counters fed from the event history, one <see cref="MeshEvent"/> at a time, so the counters and the history
/// never disagree: starts (every run), exits by reason, restarts (each <c>process_backing_off</c>: the restart policy
/// scheduled another run) and failures by kind (<c>process_failed</c>: restarts exhausted; <c>start_failed</c>: a launch
/// error). Labelled by host, and by process name too when <paramref name="perProcessName"/> is set (unnamed: "").
/// </summary>
public sealed class MeshEventCounters
{
    private readonly Counter _starts;
    private readonly Counter _exits;
    private readonly Counter _restarts;
    private readonly Counter _failures;
    private readonly bool _perProcessName;

    public MeshEventCounters(IMetricFactory factory, bool perProcessName)
    {
        _perProcessName = perProcessName;
        string[] LabelNames(params string[] more) => perProcessName ? ["host", .. more, "name"] : ["host", .. more];
        _starts = factory.CreateCounter("bluezero_process_starts_total", "Runs started, restarts included.", LabelNames());
        _exits = factory.CreateCounter("bluezero_process_exits_total", "Runs ended, by reason (exited, stopped, timed_out, killed).", LabelNames("reason"));
        _restarts = factory.CreateCounter("bluezero_process_restarts_total", "Restarts scheduled by a restart policy.", LabelNames());
        _failures = factory.CreateCounter("bluezero_process_failures_total",
            "Entries that failed, by kind: process_failed (restarts exhausted) or start_failed (a launch error).", LabelNames("kind"));
    }

    public void Record(MeshEvent e)
    {
        switch (e.Type)
        {
            case MeshEventType.ProcessStarted:
                _starts.WithLabels(Labels(e)).Inc();
                break;
            case MeshEventType.ProcessExited:
                _exits.WithLabels(Labels(e, e.Reason?.ToWire() ?? "unknown")).Inc();
                break;
            case MeshEventType.ProcessBackingOff:
                _restarts.WithLabels(Labels(e)).Inc();
                break;
            case MeshEventType.ProcessFailed or MeshEventType.StartFailed:
                _failures.WithLabels(Labels(e, e.Type.ToWire())).Inc();
                break;
        }
    }

    private string[] Labels(MeshEvent e, params string[] more) =>
        _perProcessName ? [e.HostName, .. more, e.Name ?? ""] : [e.HostName, .. more];
}
