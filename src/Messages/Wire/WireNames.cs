using System.Collections.Frozen;
using BlueZero.Messages.Protocol;

namespace BlueZero.Messages.Wire;

/// <summary>
/// The exact string each enum value has outside the code: in wire replies and requests, in messages between nodes, and
/// in the process table on disk. One table per enum, all of them here; nothing else spells these strings.
/// </summary>
public static class WireNames
{
    public static readonly WireNames<ProcessState> ProcessStates = new(new Dictionary<ProcessState, string>
    {
        [ProcessState.Running] = "running",
        [ProcessState.BackingOff] = "backing_off",
        [ProcessState.Scheduled] = "scheduled",
        [ProcessState.Stopping] = "stopping",
        [ProcessState.Exited] = "exited",
        [ProcessState.Failed] = "failed",
        [ProcessState.TimedOut] = "timed_out",
        [ProcessState.Stopped] = "stopped",
        [ProcessState.Lost] = "lost",
    });

    public static readonly WireNames<StopReason> StopReasons = new(new Dictionary<StopReason, string>
    {
        [StopReason.Request] = "request",
        [StopReason.MaxTime] = "max_time",
        [StopReason.Shutdown] = "shutdown",
    });

    public static readonly WireNames<RestartPolicyKind> RestartPolicies = new(new Dictionary<RestartPolicyKind, string>
    {
        [RestartPolicyKind.Never] = "never",
        [RestartPolicyKind.OnFailure] = "on-failure",
        [RestartPolicyKind.Always] = "always",
    });

    public static readonly WireNames<OutputMode> OutputModes = new(new Dictionary<OutputMode, string>
    {
        [OutputMode.Capture] = "capture",
        [OutputMode.Discard] = "discard",
        [OutputMode.Inherit] = "inherit",
    });

    public static readonly WireNames<MeshEventType> EventTypes = new(new Dictionary<MeshEventType, string>
    {
        [MeshEventType.HubStarted] = "hub_started",
        [MeshEventType.NodeUp] = "node_up",
        [MeshEventType.NodeUnreachable] = "node_unreachable",
        [MeshEventType.NodeReachable] = "node_reachable",
        [MeshEventType.NodeLeft] = "node_left",
        [MeshEventType.NodeRemoved] = "node_removed",
        [MeshEventType.ProcessStarted] = "process_started",
        [MeshEventType.ProcessExited] = "process_exited",
        [MeshEventType.StopRequested] = "stop_requested",
        [MeshEventType.ProcessBackingOff] = "process_backing_off",
        [MeshEventType.ProcessFailed] = "process_failed",
        [MeshEventType.ProcessScheduled] = "process_scheduled",
        [MeshEventType.ProcessLost] = "process_lost",
        [MeshEventType.ProcessReadopted] = "process_readopted",
        [MeshEventType.StartFailed] = "start_failed",
        [MeshEventType.EventsDropped] = "events_dropped",
        [MeshEventType.PlanApplyStarted] = "plan_apply_started",
        [MeshEventType.PlanStepStarted] = "plan_step_started",
        [MeshEventType.PlanStepReady] = "plan_step_ready",
        [MeshEventType.PlanStepFailed] = "plan_step_failed",
        [MeshEventType.PlanApplied] = "plan_applied",
        [MeshEventType.PlanRemoveStarted] = "plan_remove_started",
        [MeshEventType.PlanStepStopped] = "plan_step_stopped",
        [MeshEventType.PlanRemoved] = "plan_removed",
    });

    public static readonly WireNames<StepState> StepStates = new(new Dictionary<StepState, string>
    {
        [StepState.NotStarted] = "not_started",
        [StepState.Starting] = "starting",
        [StepState.WaitingReady] = "waiting_ready",
        [StepState.Ready] = "ready",
        [StepState.Failed] = "failed",
        [StepState.Stopping] = "stopping",
        [StepState.Stopped] = "stopped",
    });

    public static readonly WireNames<PlanState> PlanStates = new(new Dictionary<PlanState, string>
    {
        [PlanState.Applying] = "applying",
        [PlanState.Up] = "up",
        [PlanState.Failed] = "failed",
        [PlanState.Removing] = "removing",
    });

    public static readonly WireNames<StepAction> StepActions = new(new Dictionary<StepAction, string>
    {
        [StepAction.Start] = "start",
        [StepAction.Keep] = "keep",
        [StepAction.Restart] = "restart",
        [StepAction.Stop] = "stop",
    });

    public static readonly WireNames<ExitReason> ExitReasons = new(new Dictionary<ExitReason, string>
    {
        [ExitReason.Exited] = "exited",
        [ExitReason.Stopped] = "stopped",
        [ExitReason.TimedOut] = "timed_out",
        [ExitReason.Killed] = "killed",
    });

    /// <summary>Every table, for serializers that convert any of these enums.</summary>
    public static readonly IReadOnlyList<IWireNames> All =
        [ProcessStates, StopReasons, RestartPolicies, OutputModes, EventTypes, ExitReasons, StepStates, StepActions, PlanStates];

    /// <summary>
    /// Newtonsoft asks a converter about every value it writes or reads: a lookup, not a search of <see cref="All"/>
    /// (whose closure and enumerator were about 9 % of a node's allocations on the start path).
    /// </summary>
    private static readonly FrozenDictionary<Type, IWireNames> ByEnumType = All.ToFrozenDictionary(table => table.EnumType);

    /// <summary>The table of <paramref name="enumType"/>, or null when it has none.</summary>
    public static IWireNames? For(Type enumType) => ByEnumType.GetValueOrDefault(enumType);

    public static string ToWire(this ProcessState state) => ProcessStates.Of(state);
    public static string ToWire(this StopReason reason) => StopReasons.Of(reason);
    public static string ToWire(this RestartPolicyKind policy) => RestartPolicies.Of(policy);
    public static string ToWire(this OutputMode mode) => OutputModes.Of(mode);
    public static string ToWire(this MeshEventType type) => EventTypes.Of(type);
    public static string ToWire(this ExitReason reason) => ExitReasons.Of(reason);
    public static string ToWire(this StepState state) => StepStates.Of(state);
    public static string ToWire(this StepAction action) => StepActions.Of(action);
    public static string ToWire(this PlanState state) => PlanStates.Of(state);
}

/// <summary>A table of wire strings seen without its enum type (for serializers).</summary>
public interface IWireNames
{
    Type EnumType { get; }
    string NameOf(object value);
    bool TryParse(string text, out object? value);
}

/// <summary>One enum's strings, both ways; every value must have one.</summary>
public sealed class WireNames<T> : IWireNames where T : struct, Enum
{
    private readonly IReadOnlyDictionary<T, string> _names;
    private readonly Dictionary<string, T> _values;

    public WireNames(IReadOnlyDictionary<T, string> names)
    {
        if (Enum.GetValues<T>().FirstOrDefault(value => !names.ContainsKey(value)) is var missing && !names.ContainsKey(missing))
            throw new ArgumentException($"{typeof(T).Name}.{missing} has no wire name");
        _names = names;
        _values = names.ToDictionary(pair => pair.Value, pair => pair.Key, StringComparer.Ordinal);
        All = Enum.GetValues<T>().Select(value => names[value]).ToList();
    }

    /// <summary>Every wire string, in the enum's order (for "one of ..." errors).</summary>
    public IReadOnlyList<string> All { get; }

    public Type EnumType => typeof(T);

    public string Of(T value) => _names[value];

    public bool TryParse(string? text, out T value)
    {
        value = default;
        return text is not null && _values.TryGetValue(text, out value);
    }

    string IWireNames.NameOf(object value) => Of((T)value);

    bool IWireNames.TryParse(string text, out object? value)
    {
        var found = TryParse(text, out var typed);
        value = found ? typed : null;
        return found;
    }
}
