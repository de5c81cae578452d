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
    public const string HostName = "host_name";

    public static readonly IReadOnlyList<string> All =
        [StartProcess, StopProcess, RestartProcess, QueryProcessStatus, ListActiveProcesses, ListProcesses, Unschedule, KillAll, ReadOutput, ProcessStats, NodeState, HostInfo, ForgetHost, Events];
}
