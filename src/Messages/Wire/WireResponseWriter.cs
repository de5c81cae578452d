using System.Globalization;
using BlueZero.Messages.Protocol;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace BlueZero.Messages.Wire;

/// <summary>Turns typed replies into the wire JSON of docs/PROTOCOL.md. The only place responses are shaped.</summary>
public static class WireResponseWriter
{
    /// <summary>A routed reply wraps the node's reply: <c>{"success":true,"start_process":{...}}</c>.</summary>
    public static string HubForm(string operation, INodeReply reply) =>
        Serialize(new JObject { ["success"] = true, [operation] = ReplyBody(reply) });

    /// <summary>
    /// A refused request: <c>{"success":false,"error_message":E}</c>. When its operation is known the error also appears
    /// under the operation's key, in BlueZero's own form, so that a client reading start_process.success sees false:
    /// <c>{"success":false,"error_message":E,"start_process":{"success":false,"error_message":E}}</c>.
    /// </summary>
    public static string Error(string errorMessage, string? operation = null)
    {
        var reply = new JObject { ["success"] = false, ["error_message"] = errorMessage };
        if (operation is not null) reply[operation] = new JObject { ["success"] = false, ["error_message"] = errorMessage };
        return Serialize(reply);
    }

    /// <summary>
    /// An operation sent to every host: <c>{"success":true,"list_active_processes":{"hosts":[{"host_name":"a","pids":[...]}]}}</c>.
    /// Each host's entry is its node's reply without the inner "success", or an "error_message".
    /// </summary>
    public static string ClusterWide(string operation, IEnumerable<HostReply> hosts) =>
        Serialize(new JObject
        {
            ["success"] = true,
            [operation] = new JObject { ["hosts"] = new JArray(hosts.Select(HostEntry)) },
        });

    private static JObject HostEntry(HostReply host)
    {
        var entry = new JObject { ["host_name"] = host.HostName };
        if (host.Reply is CommandFailed failed)
        {
            entry["error_message"] = failed.ErrorMessage;
            return entry;
        }
        if (host.Reply is null)
        {
            entry["error_message"] = host.ErrorMessage;
            return entry;
        }
        foreach (var property in ReplyBody(host.Reply).Properties().Where(p => p.Name != "success"))
            entry[property.Name] = property.Value;
        return entry;
    }

    public static string Hosts(IEnumerable<HostSummary> hosts) =>
        Serialize(new JObject
        {
            ["hosts"] = new JArray(hosts.Select(h => new JObject
            {
                ["host_name"] = h.HostName,
                ["address"] = h.Address,
                ["status"] = h.Status,
                ["since"] = Timestamp(h.Since),
                ["processes"] = h.Processes is { } n ? n : JValue.CreateNull(),
                ["cpu_percent"] = h.CpuPercent is { } cpu ? Percent(cpu) : JValue.CreateNull(),
                ["memory_percent"] = h.MemoryPercent is { } memory ? Percent(memory) : JValue.CreateNull(),
            })),
        });

    /// <summary>forget_host: <c>{"success":true,"forget_host":{"host_name":"lab-4","status":"left"}}</c>, status being the one it had.</summary>
    public static string HostForgotten(string hostName, string status) =>
        Serialize(new JObject
        {
            ["success"] = true,
            [WireOperations.ForgetHost] = new JObject { ["host_name"] = hostName, ["status"] = status },
        });

    /// <summary>GET /health: <c>{"status":"ok","host_name":"hub-1","nodes":3}</c>, nodes being those up.</summary>
    public static string Health(string hostName, int nodesUp) =>
        Serialize(new JObject { ["status"] = "ok", ["host_name"] = hostName, ["nodes"] = nodesUp });

    public static JObject ReplyBody(INodeReply reply)
    {
        switch (reply)
        {
            case ProcessStarted started:
                return new JObject { ["success"] = true, ["pid"] = started.Pid };
            case ProcessStopped stopped:
                var stopBody = new JObject { ["success"] = true };
                if (stopped.Pid is { } stoppedPid) stopBody["pid"] = stoppedPid;
                AddExit(stopBody, stopped.Exit, "exit_code", "signal");
                return stopBody;
            case ProcessStatus status:
                var statusBody = new JObject { ["success"] = true };
                foreach (var property in Info(status.Info).Properties()) statusBody[property.Name] = property.Value;
                // BlueZero's fields: running, and once it no longer runs, how its last run ended.
                statusBody["running"] = status.Info.Running;
                if (!status.Info.Running) AddExit(statusBody, status.Info.LastExit, "exit_code", "signal");
                return statusBody;
            case ActiveProcesses active:
                return new JObject { ["success"] = true, ["pids"] = new JArray(active.Pids) };
            case ProcessList list:
                return new JObject { ["success"] = true, ["processes"] = new JArray(list.Processes.Select(Info)) };
            case Unscheduled unscheduled:
                var unscheduledBody = new JObject { ["success"] = true };
                if (unscheduled.Name is not null) unscheduledBody["name"] = unscheduled.Name;
                return unscheduledBody;
            case AllKilled killed:
                return new JObject { ["success"] = true, ["pids"] = new JArray(killed.Pids) };
            case OutputRead output:
                return OutputBody(output);
            case ProcessStats stats:
                return StatsBody(stats);
            case NodeState state:
                return NodeStateBody(state);
            case HostInfo info:
                return HostInfoBody(info);
            case CommandFailed failed:
                return new JObject { ["success"] = false, ["error_message"] = failed.ErrorMessage };
            default:
                throw new ArgumentOutOfRangeException(nameof(reply), reply.GetType().Name, "no wire form for this reply");
        }
    }

    private static JObject OutputBody(OutputRead output)
    {
        var body = new JObject
        {
            ["success"] = true,
            ["pid"] = output.Pid is { } pid ? pid : JValue.CreateNull(),
            ["lines"] = new JArray(output.Lines.Select(line => new JObject
            {
                ["seq"] = line.Seq,
                ["stream"] = line.Stream,
                ["ts"] = Timestamp(line.Ts),
                ["text"] = line.Text,
            })),
            ["next_seq"] = output.NextSeq,
            ["dropped"] = output.Dropped,
            ["running"] = output.Running,
            ["final"] = output.Final,
        };
        if (!output.Running) AddExit(body, output.Exit, "exit_code", "signal");
        return body;
    }

    private static JObject StatsBody(ProcessStats stats)
    {
        var body = new JObject
        {
            ["success"] = true,
            ["pid"] = stats.Pid is { } pid ? pid : JValue.CreateNull(),
            ["name"] = stats.Name is { } name ? name : JValue.CreateNull(),
            ["state"] = stats.State,
        };
        if (stats.Usage is { } usage) AddUsage(body, usage);
        body["stats_interval_s"] = stats.IntervalS;
        body["history"] = new JArray(stats.History.Select(sample => new JObject
        {
            ["ts"] = Timestamp(sample.At),
            ["cpu_percent"] = Percent(sample.CpuPercent),
            ["rss_bytes"] = sample.RssBytes,
            ["threads"] = sample.Threads,
        }));
        return body;
    }

    private static JObject NodeStateBody(NodeState state)
    {
        var node = new JObject();
        AddUsage(node, state.Node);
        var managed = new JObject();
        AddUsage(managed, state.Managed, withUptime: false); // a sum of uptimes means nothing
        return new JObject
        {
            ["success"] = true,
            ["host_name"] = state.HostName,
            ["node"] = node,
            ["managed_processes"] = state.ManagedProcesses,
            ["running_processes"] = state.RunningProcesses,
            ["managed"] = managed,
            ["host_cpu_percent"] = Percent(state.HostCpuPercent),
            ["host_memory_percent"] = Percent(state.HostMemoryPercent),
        };
    }

    private static JObject HostInfoBody(HostInfo info) => new()
    {
        ["success"] = true,
        ["host_name"] = info.Node.HostName,
        ["version"] = info.Node.Version,
        ["started_at"] = Timestamp(info.Node.StartedAt),
        ["managed_processes"] = info.Node.ManagedProcesses,
        ["cpu"] = new JObject
        {
            ["model"] = info.Cpu.Model,
            ["cores"] = info.Cpu.Cores,
            ["usage_percent"] = Percent(info.Cpu.UsagePercent),
            ["per_core_percent"] = new JArray(info.Cpu.PerCorePercent.Select(Percent)),
        },
        ["memory"] = new JObject
        {
            ["total_bytes"] = info.Memory.TotalBytes,
            ["available_bytes"] = info.Memory.AvailableBytes,
            ["percent_used"] = Percent(info.Memory.PercentUsed),
        },
        ["disks"] = new JArray(info.Disks.Select(disk => new JObject
        {
            ["mount"] = disk.Mount,
            ["device"] = disk.Device,
            ["fs_type"] = disk.FsType,
            ["total_bytes"] = disk.TotalBytes,
            ["available_bytes"] = disk.AvailableBytes,
            ["percent_used"] = Percent(disk.PercentUsed),
        })),
        ["nics"] = new JArray(info.Nics.Select(nic => new JObject
        {
            ["name"] = nic.Name,
            ["mac"] = nic.Mac,
            ["addresses"] = new JArray(nic.Addresses),
            ["up"] = nic.Up,
        })),
        ["os"] = new JObject
        {
            ["kernel"] = info.Os.Kernel,
            ["distribution"] = info.Os.Distribution,
            ["hostname"] = info.Os.Hostname,
            ["uptime_s"] = Math.Round(info.Os.UptimeS, 1),
        },
    };

    /// <summary>cpu_percent, rss_bytes, threads, processes and uptime_s of a process tree (or of the node itself).</summary>
    private static void AddUsage(JObject body, ResourceUsage usage, bool withUptime = true)
    {
        body["cpu_percent"] = Percent(usage.CpuPercent);
        body["rss_bytes"] = usage.RssBytes;
        body["threads"] = usage.Threads;
        body["processes"] = usage.Processes;
        if (withUptime) body["uptime_s"] = Math.Round(usage.UptimeS, 1);
    }

    private static double Percent(double value) => Math.Round(value, 1);

    /// <summary>One managed entry, as in list_processes and query_process_status.</summary>
    private static JObject Info(ProcessInfo info)
    {
        var body = new JObject
        {
            ["pid"] = info.Pid is { } pid ? pid : JValue.CreateNull(),
            ["name"] = info.Name is { } name ? name : JValue.CreateNull(),
            ["path"] = info.Path,
            ["args"] = new JArray(info.Args),
            ["state"] = info.State,
            ["restarts"] = info.Restarts,
            ["started_at"] = Timestamp(info.StartedAt),
        };
        AddExit(body, info.LastExit, "last_exit_code", "last_signal");
        if (info.NextRunAt is { } next) body["next_restart_at"] = Timestamp(next);
        if (info.Usage is { } usage) AddUsage(body, usage);
        return body;
    }

    private static void AddExit(JObject body, ProcessExit? exit, string codeField, string signalField)
    {
        if (exit is null) return;
        // An unobservable exit code is sent as null with a flag, so clients can tell "unknown" from "still running".
        body[codeField] = exit.ExitCode is { } code ? code : JValue.CreateNull();
        if (exit.ExitCode is null) body[codeField + "_unknown"] = true;
        if (exit.Signal is { } signal) body[signalField] = signal;
    }

    private static string Timestamp(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string Serialize(JObject obj) => obj.ToString(Formatting.None);
}
