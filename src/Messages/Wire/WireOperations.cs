namespace BlueZero.Messages.Wire;

/// <summary>The operation keys of the wire protocol; the parser maps each to its command type.</summary>
public static class WireOperations
{
    public const string StartProcess = "start_process";
    public const string StopProcess = "stop_process";
    public const string RestartProcess = "restart_process";
    public const string QueryProcessStatus = "query_process_status";
    public const string ListActiveProcesses = "list_active_processes";
    public const string ListProcesses = "list_processes";
    public const string Unschedule = "unschedule";
    public const string KillAll = "kill_all";
    public const string ReadOutput = "read_output";
    public const string ProcessStats = "process_stats";
    public const string NodeState = "node_state";
    public const string HostInfo = "host_info";
    public const string ForgetHost = "forget_host";
    public const string Events = "events";
    public const string ApplyPlan = "apply_plan";
    public const string PlanStatus = "plan_status";
    public const string ListPlans = "list_plans";
    public const string RemovePlan = "remove_plan";
    public const string HostName = "host_name";

    /// <summary>Not a client operation: the name under which the hub routes a plan's tcp readiness check to a node.</summary>
    public const string CheckTcp = "check_tcp";

    public static readonly IReadOnlyList<string> All =
        [StartProcess, StopProcess, RestartProcess, QueryProcessStatus, ListActiveProcesses, ListProcesses, Unschedule, KillAll, ReadOutput, ProcessStats, NodeState, HostInfo, ForgetHost, Events, ApplyPlan, PlanStatus, ListPlans, RemovePlan];
}
