using Akka.Actor;
using BlueZero.Messages.Protocol;

namespace BlueZero.ProcessManager.Actors;

// Messages that never leave this actor system; they skip serialization checks.

/// <summary>The reaper saw the process with this pid end.</summary>
internal sealed record ProcessExited(int Pid, ProcessExit Exit) : INoSerializationVerificationNeeded;

/// <summary>The steps of a stop escalation, in order (see ProcessActor.Escalate).</summary>
internal enum StopStep { Interrupt, Terminate, Kill }

/// <summary>Timer message: the next step of the stop escalation is due.</summary>
internal sealed record EscalateStop(StopStep Step) : INoSerializationVerificationNeeded;

/// <summary>How sending a signal to a process tree went; <paramref name="Failure"/> is null once it was sent.</summary>
/// <remarks>It may find the actor already stopped (the tree ended at once): that is no dead letter worth a log line.</remarks>
internal sealed record SignalOutcome(int Pid, int Signal, string? Failure) : INoSerializationVerificationNeeded, Akka.Event.IDeadLetterSuppression;

/// <summary>An entry's actor launched its first run, or failed to: the manager stops holding its name and place.</summary>
internal sealed record FirstRunSettled(long EntryId) : INoSerializationVerificationNeeded;

/// <summary>Timer message: a stopped tree had its last chance; give up watching it.</summary>
internal sealed record FinishTreeCleanup : INoSerializationVerificationNeeded;

/// <summary>Timer message: max_time elapsed for the current run.</summary>
internal sealed record MaxTimeElapsed(int Pid) : INoSerializationVerificationNeeded;

/// <summary>Published on the event stream when a run of an entry starts, so that its figures are sampled soon after.</summary>
internal sealed record RunStarted(long EntryId) : INoSerializationVerificationNeeded;

/// <summary>Timer message: a backoff or a recurring period is over; run the process again.</summary>
internal sealed record RunAgain : INoSerializationVerificationNeeded;

/// <summary>The manager stops an entry on its own account (kill_all, node shutdown); nobody waits for a reply.</summary>
/// <param name="By">kill_all's caller (its token name), for the stop_requested event.</param>
internal sealed record StopEntry(StopReason Reason, string? By = null) : INoSerializationVerificationNeeded;

/// <summary>Timer message: drop final entries past the retention limits.</summary>
internal sealed record PruneRetention : INoSerializationVerificationNeeded;

/// <summary>Node shutdown: stop every managed process with the escalation, reply once all have ended.</summary>
public sealed record StopAllProcesses : INoSerializationVerificationNeeded;

public sealed record AllProcessesStopped(int Count) : INoSerializationVerificationNeeded;

/// <summary>Published on the event stream after an event was journaled: the shipper sends it unless a batch is in flight.</summary>
internal sealed record EventsJournaled : INoSerializationVerificationNeeded
{
    public static readonly EventsJournaled Instance = new();
}

/// <summary>The registrar to the shipper: the hub at <paramref name="Hub"/> acknowledged this node's registration.</summary>
public sealed record HubRegistered(Address Hub) : INoSerializationVerificationNeeded;

/// <summary>
/// Node shutdown: ship what the journal holds and answer <see cref="JournalShipped"/> once the hub has acknowledged all
/// of it (at once when nothing is unacknowledged or no hub is known; what stays unacknowledged is shipped at next start).
/// </summary>
public sealed record ShipJournal : INoSerializationVerificationNeeded;

public sealed record JournalShipped : INoSerializationVerificationNeeded
{
    public static readonly JournalShipped Instance = new();
}
