using Akka.Actor;

namespace BlueZero.Messages.Protocol;

/// <summary>What makes a plan step ready (wire names in <see cref="Wire.WireNames.ReadyKinds"/>).</summary>
public enum ReadyKind { Running, Tcp, Output, ExitCode, Delay }

/// <summary>
/// A step's readiness: running (no <c>ready</c>), a TCP connect from the step's own node, a regex on a line of its
/// output, a one-shot exit code, or a fixed delay after the start. <see cref="TimeoutS"/> bounds the wait.
/// </summary>
public sealed record ReadyCheck(ReadyKind Kind, double TimeoutS, string? TcpHost = null, int? TcpPort = null, string? Output = null,
    int? ExitCode = null, double? DelayS = null)
{
    public static ReadyCheck WhenRunning(double timeoutS) => new(ReadyKind.Running, timeoutS);
}

/// <summary>
/// One process of a plan. <see cref="Start"/> carries the node-side name PLAN.STEP; <see cref="Spec"/> is the step's
/// JSON with sorted keys, so that a re-apply compares specs as text.
/// </summary>
public sealed record PlanStep(string Name, string Host, StartProcess Start, IReadOnlyList<string> DependsOn, ReadyCheck Ready, string Spec);

/// <param name="Json">The plan as applied (canonical JSON), stored in hub.db.</param>
public sealed record PlanDefinition(string Name, IReadOnlyList<PlanStep> Steps, string Json)
{
    /// <summary>The managed-process name of a plan step on its node: PLAN.STEP.</summary>
    public static string ProcessName(string plan, string step) => $"{plan}.{step}";

    public PlanStep? Step(string name) => Steps.FirstOrDefault(s => s.Name == name);
}

/// <summary>A plan operation: answered by the hub's plans actor, never by a node.</summary>
public interface IPlanCommand : IHubCommand { }

/// <param name="Problems">What the parser found wrong in the document; the hub adds the graph's and the hosts' problems.</param>
public sealed record ApplyPlan(PlanDefinition Plan, bool DryRun, bool RollbackOnFailure, IReadOnlyList<string> Problems) : IPlanCommand, INoSerializationVerificationNeeded;

public sealed record RemovePlan(string Name) : IPlanCommand, INoSerializationVerificationNeeded;

public sealed record PlanStatusQuery(string Name) : IPlanCommand, INoSerializationVerificationNeeded;

public sealed record ListPlans : IPlanCommand, INoSerializationVerificationNeeded;

/// <summary>A node-side check for tcp readiness: can this node open a TCP connection to HOST:PORT within the time?</summary>
public sealed record CheckTcp(string Host, int Port, int TimeoutMs) : INodeCommand;

/// <param name="Error">Why the connection failed; null when it opened.</param>
public sealed record TcpChecked(bool Open, string? Error) : INodeReply;

/// <summary>Where one step of a plan stands (wire names in <see cref="Wire.WireNames.StepStates"/>).</summary>
public enum StepState { NotStarted, Starting, WaitingReady, Ready, Failed, Stopping, Stopped }

/// <summary>Where a plan as a whole stands (<see cref="Wire.WireNames.PlanStates"/>).</summary>
public enum PlanState { Applying, Up, Failed, Removing }

/// <summary>What an apply does to a step, against the plan as stored (<see cref="Wire.WireNames.StepActions"/>).</summary>
public enum StepAction { Start, Keep, Restart, Stop }

/// <summary>Every default of launch plans, in one place.</summary>
public static class PlanDefaults
{
    /// <summary>How long a step may take to become ready when its <c>ready</c> names no timeout_s.</summary>
    public const double ReadyTimeoutS = 30;

    /// <summary>How often the hub checks a step that is not ready yet (tcp, exit_code, the process still alive).</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>How long one output read waits at the node for a new line (the node holds it, so no polling).</summary>
    public const int OutputWaitMs = 1000;

    /// <summary>How long one tcp connect attempt from the node may take.</summary>
    public const int TcpAttemptMs = 1000;

    /// <summary>Steps in one plan at most.</summary>
    public const int MaxSteps = 1000;

    /// <summary>How long the front door waits for an apply or a remove; the operation itself goes on at the hub after that.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(30);
}

/// <summary>One step in the answer to an apply or a remove: what was done to it, where it stands, and when.</summary>
public sealed record StepReport(string Name, string Host, string ProcessName, StepAction Action, StepState State, int? Pid = null,
    DateTimeOffset? StartedAt = null, DateTimeOffset? ReadyAt = null, DateTimeOffset? StoppedAt = null, string? Error = null);

/// <summary>The answer to apply_plan or remove_plan. <see cref="FailedStep"/> and <see cref="Error"/> are set on failure.</summary>
public sealed record PlanReport(string Name, bool Success, IReadOnlyList<StepReport> Steps, DateTimeOffset StartedAt, DateTimeOffset FinishedAt,
    bool DryRun = false, string? FailedStep = null, string? Error = null, bool RolledBack = false);

/// <summary>apply_plan refused before anything started: every problem found.</summary>
public sealed record PlanRefused(IReadOnlyList<string> Problems);

/// <summary>A plan operation the hub could not take: no such plan (404), or the plan is busy (409).</summary>
public sealed record PlanUnavailable(bool NotFound, string ErrorMessage);

/// <summary>One step as plan_status shows it: the node's view (pid, state) and the plan's (ready, since when).</summary>
/// <param name="ProcessState">Null when the node could not say (unreachable, or the process is unknown there: see <paramref name="Error"/>).</param>
public sealed record StepStatus(string Name, string Host, string ProcessName, int? Pid, ProcessState? ProcessState, bool Ready, DateTimeOffset? Since, string? Error);

public sealed record PlanStatus(string Name, PlanState State, DateTimeOffset AppliedAt, IReadOnlyList<StepStatus> Steps);

public sealed record PlanSummary(string Name, PlanState State, int Processes, int Ready, DateTimeOffset AppliedAt);

public sealed record PlansListed(IReadOnlyList<PlanSummary> Plans);
