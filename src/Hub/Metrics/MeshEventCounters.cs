using System.Text.Json;
using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;
using Prometheus;

namespace BlueZero.Hub.Metrics;

/// <summary>
/// Counters fed from the event history, one stored event at a time (<see cref="MeshEventCounterFeed"/>), so the counters
/// and GET /events never disagree: events stored, by host; and the process counters: starts (every run), exits by
/// reason, restarts (each <c>process_backing_off</c>: the restart policy scheduled another run) and failures by kind
/// (<c>process_failed</c>: restarts exhausted; <c>start_failed</c>: a launch error). Labelled by host, and the process
/// counters by process name too when <paramref name="perProcessName"/> is set (unnamed: "").
/// </summary>
public sealed class MeshEventCounters
{
    private readonly Counter _starts;
    private readonly Counter _exits;
    private readonly Counter _restarts;
    private readonly Counter _failures;
    private readonly Counter _ingested;
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
        _ingested = factory.CreateCounter("bluezero_events_ingested_total",
            "Events stored in the hub's history since the hub started, by the host they are about (hub and member events included).", ["host"]);
    }

    public void Record(StoredEvent e)
    {
        _ingested.WithLabels(e.HostName).Inc();
        switch (e.Type)
        {
            case MeshEventType.ProcessStarted:
                _starts.WithLabels(Labels(e)).Inc();
                break;
            case MeshEventType.ProcessExited:
                _exits.WithLabels(Labels(e, ReasonOf(e))).Inc();
                break;
            case MeshEventType.ProcessBackingOff:
                _restarts.WithLabels(Labels(e)).Inc();
                break;
            case MeshEventType.ProcessFailed or MeshEventType.StartFailed:
                _failures.WithLabels(Labels(e, e.Type.ToWire())).Inc();
                break;
        }
    }

    /// <summary>The wire reason of an exit, read from its stored body; one of the known reasons, else "unknown" (a bounded label).</summary>
    private static string ReasonOf(StoredEvent e)
    {
        using var body = JsonDocument.Parse(e.Body);
        return body.RootElement.TryGetProperty("reason", out var reason) && reason.ValueKind == JsonValueKind.String
               && WireNames.ExitReasons.TryParse(reason.GetString(), out var known) ? known.ToWire() : "unknown";
    }

    private string[] Labels(StoredEvent e, params string[] more) =>
        _perProcessName ? [e.HostName, .. more, e.Name ?? ""] : [e.HostName, .. more];
}
