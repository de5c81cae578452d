using Akka.Actor;
using BlueZero.Messages.Protocol;

namespace BlueZero.ProcessManager.Actors;

// Messages that never leave this actor system; they skip serialization checks.

/// <summary>The reaper saw the managed process end.</summary>
internal sealed record ProcessExited(ProcessExit Exit) : INoSerializationVerificationNeeded;

/// <summary>Timer message: the next step of the stop escalation is due.</summary>
internal sealed record EscalateStop(int Signal) : INoSerializationVerificationNeeded;

/// <summary>Timer message: a stopped tree had its last chance; give up watching it.</summary>
internal sealed record FinishTreeCleanup : INoSerializationVerificationNeeded;

/// <summary>A <see cref="ProcessActor"/> tells its parent that the process ended.</summary>
internal sealed record ProcessEnded(int Pid, ProcessExit Exit) : INoSerializationVerificationNeeded;

/// <summary>Timer message: drop exited records past the retention age.</summary>
internal sealed record PruneRetention : INoSerializationVerificationNeeded;

/// <summary>Node shutdown: stop every managed process with the escalation, reply once all have ended.</summary>
public sealed record StopAllProcesses : INoSerializationVerificationNeeded;

public sealed record AllProcessesStopped(int Count) : INoSerializationVerificationNeeded;
