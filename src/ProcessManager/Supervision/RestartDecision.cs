using BlueZero.Messages.Protocol;
using BlueZero.ProcessManager.State;

namespace BlueZero.ProcessManager.Supervision;

/// <summary>What happens after a run ends: run again after a delay, or settle in a final state.</summary>
public abstract record NextStep
{
    public sealed record RunAgain(TimeSpan Delay, ProcessState WaitingState, bool ResetsBudget) : NextStep;
    public sealed record Settle(ProcessState FinalState) : NextStep;
}

/// <summary>
/// The restart policy as a pure function, so every transition can be tested without processes or clocks.
/// </summary>
public static class RestartDecision
{
    /// <param name="stopReason">Why the run was being stopped (a stop request, kill_all, node shutdown or max_time), if it was.</param>
    /// <param name="lost">The process vanished while the node was down; its exit is unknown.</param>
    /// <param name="ranFor">How long the run lasted; a run of reset_after_s or more resets backoff and budget.</param>
    public static NextStep Decide(ManagedEntry entry, ProcessExit exit, StopReason? stopReason, bool lost, TimeSpan ranFor, double unitRandom)
    {
        var spec = entry.Spec;
        if (stopReason is StopReason.Request or StopReason.Shutdown) return new NextStep.Settle(ProcessState.Stopped);

        if (spec.RecurringPeriodS is { } period)
            return entry.Unscheduled
                ? new NextStep.Settle(ProcessState.Exited)
                : new NextStep.RunAgain(TimeSpan.FromSeconds(period), ProcessState.Scheduled, ResetsBudget: true);

        var policy = spec.EffectiveRestart;
        var succeeded = exit.Signal is null && exit.ExitCode is { } code && policy.SuccessExitCodes.Contains(code);
        var timedOut = stopReason == StopReason.MaxTime;
        var ended = timedOut ? ProcessState.TimedOut : lost ? ProcessState.Lost : succeeded ? ProcessState.Exited : ProcessState.Failed;

        var wantsRestart = policy.Policy switch
        {
            RestartPolicyKind.Always => true,
            RestartPolicyKind.OnFailure => !succeeded && !timedOut,
            _ => false,
        };
        if (!wantsRestart)
            return new NextStep.Settle(ended == ProcessState.Failed && policy.Policy == RestartPolicyKind.Never ? ProcessState.Exited : ended);

        var reset = ranFor.TotalSeconds >= policy.ResetAfterS;
        var consecutive = reset ? 0 : entry.ConsecutiveRestarts;
        if (policy.MaxRestarts >= 0 && consecutive >= policy.MaxRestarts)
            return new NextStep.Settle(timedOut ? ProcessState.TimedOut : succeeded ? ProcessState.Exited : ProcessState.Failed);
        return new NextStep.RunAgain(BackoffSchedule.Delay(policy.Backoff, consecutive, unitRandom), ProcessState.BackingOff, reset);
    }
}
