namespace BlueZero.Messages.Protocol;

/// <summary>What happened (wire strings in <see cref="Wire.WireNames.EventTypes"/>; fields per type in docs/PROTOCOL.md).</summary>
public enum MeshEventType
{
    HubStarted,
    NodeUp,
    NodeUnreachable,
    NodeReachable,
    NodeLeft,
    NodeRemoved,
    ProcessStarted,
    ProcessExited,
    StopRequested,
    ProcessBackingOff,
    ProcessFailed,
    ProcessScheduled,
    ProcessLost,
    ProcessReadopted,
    StartFailed,
    EventsDropped,
    // Launch plans, recorded by the hub: Name is the plan (PLAN, or PLAN.STEP for a step), HostName the step's host.
    PlanApplyStarted,
    PlanStepStarted,
    PlanStepReady,
    PlanStepFailed,
    PlanApplied,
    PlanRemoveStarted,
    PlanStepStopped,
    PlanRemoved,
}

/// <summary>How a run ended, on a <see cref="MeshEventType.ProcessExited"/> event (wire strings in WireNames.ExitReasons).</summary>
public enum ExitReason { Exited, Stopped, TimedOut, Killed }

/// <summary>
/// One fact, recorded where it happened: <see cref="Time"/> is the source's clock. The fields after the common ones are
/// set only by the types that carry them; they stay flat (not nested) so the wire form is easy to filter with jq.
/// </summary>
public sealed record MeshEvent(
    MeshEventType Type,
    DateTimeOffset Time,
    string HostName,
    int? Pid = null,
    string? Name = null,
    string? By = null,
    int? ExitCode = null,
    int? Signal = null,
    ExitReason? Reason = null,
    int? Restarts = null,
    long? DelayMs = null,
    string? Path = null,
    IReadOnlyList<string>? Args = null,
    DateTimeOffset? NextRun = null,
    string? Error = null,
    long? Count = null);

/// <summary>An event as a node's journal holds it: numbered by the node, in the order it happened there.</summary>
public sealed record JournaledEvent(long NodeSeq, MeshEvent Event);

/// <summary>
/// A node ships its unacknowledged events, in order, to the hub's /user/event-ingest. <see cref="JournalId"/> is made
/// when the node's journal is created, so a node whose data directory was wiped (and numbers from 1 again) is not
/// taken for a resend of events the hub already has.
/// </summary>
public sealed record EventBatch(string HostName, string JournalId, IReadOnlyList<JournaledEvent> Events) : IEventMessage;

/// <summary>The hub's answer to an <see cref="EventBatch"/>: every event of that journal up to and including
/// <see cref="UpToNodeSeq"/> is stored, so the node may trim them.</summary>
public sealed record EventsStored(string HostName, string JournalId, long UpToNodeSeq) : IEventMessage;
