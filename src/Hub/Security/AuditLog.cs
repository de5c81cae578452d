using BlueZero.Hub.Actors;
using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;

namespace BlueZero.Hub.Security;

/// <summary>
/// One Information line per request that changes something (start_process, stop_process, restart_process, kill_all, unschedule, forget_host):
/// who (token name), from where (client address), on which host, what (path, pid or name), and how it ended.
/// Category <see cref="Category"/>, so it can be routed to its own sink.
/// </summary>
public sealed class AuditLog(ILoggerFactory loggers)
{
    public const string Category = "BlueZero.Audit";

    private static readonly IReadOnlySet<string> Audited = new HashSet<string>(StringComparer.Ordinal)
    {
        WireOperations.StartProcess, WireOperations.StopProcess, WireOperations.RestartProcess, WireOperations.KillAll, WireOperations.Unschedule,
        WireOperations.ForgetHost, WireOperations.ApplyPlan, WireOperations.RemovePlan,
    };

    private readonly ILogger _log = loggers.CreateLogger(Category);

    public static bool Covers(string operation) => Audited.Contains(operation);

    public void Record(Caller caller, string? client, HubRequest request, string outcome)
    {
        if (!Covers(request.Operation)) return;
        _log.LogInformation("Audit {Operation} by {Caller} from {Client} on {HostName} {Target}: {Outcome}",
            request.Operation, caller.Name, client ?? "unknown", request.HostName ?? (request.Command is IHubCommand ? "the hub" : "all hosts"), TargetOf(request.Command), outcome);
    }

    public static string OutcomeOf(RouteOutcome outcome) => outcome switch
    {
        NodeAnswered answered => OutcomeOf(answered.Reply),
        ClusterWideAnswered all => string.Join("; ", all.Hosts.Select(h => $"{h.HostName}: {(h.Reply is { } r ? OutcomeOf(r) : $"error {h.ErrorMessage}")}")),
        RouteFailed failed => $"error {failed.ErrorMessage}",
        HostForgotten forgotten => $"success, forgot {forgotten.Entry.StatusText} host",
        _ => "unknown outcome",
    };

    private static string OutcomeOf(INodeReply reply) => reply switch
    {
        ProcessStarted started => $"started pid {started.Pid}",
        ProcessRestarted restarted => $"restarted as pid {restarted.Pid}",
        ProcessStopped stopped => stopped.Pid is { } pid ? $"success, pid {pid} stopped" : "success",
        AllKilled killed => $"success, {killed.Pids.Count} stopped",
        CommandFailed failed => $"error {failed.ErrorMessage}",
        _ => "success",
    };

    private static string TargetOf(IClientCommand command) => command switch
    {
        ForgetHost forget => $"host {forget.HostName}",
        StartProcess start => $"path {start.Path}",
        StopProcess stop => stop.Target.ToString(),
        RestartProcess restart => restart.Target.ToString(),
        Unschedule unschedule => unschedule.Target.ToString(),
        _ => "",
    };
}
