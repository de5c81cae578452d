using System.Globalization;
using BlueZero.Messages.Protocol;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace BlueZero.Messages.Wire;

/// <summary>Turns typed replies into the wire JSON of docs/PROTOCOL.md. The only place responses are shaped.</summary>
public static class WireResponseWriter
{
    /// <summary>The node form: <c>{"start_process":{"success":true,"pid":42}}</c>.</summary>
    public static string NodeForm(string operation, INodeReply reply) =>
        Serialize(new JObject { [operation] = ReplyBody(reply) });

    /// <summary>The hub form wraps the node's reply: <c>{"success":true,"start_process":{...}}</c>.</summary>
    public static string HubForm(string operation, INodeReply reply) =>
        Serialize(new JObject { ["success"] = true, [operation] = ReplyBody(reply) });

    public static string Error(string errorMessage) =>
        Serialize(new JObject { ["success"] = false, ["error_message"] = errorMessage });

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
                ["processes"] = h.Processes is { } n ? n : JValue.CreateNull(),
            })),
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
            case CommandFailed failed:
                return new JObject { ["success"] = false, ["error_message"] = failed.ErrorMessage };
            default:
                throw new ArgumentOutOfRangeException(nameof(reply), reply.GetType().Name, "no wire form for this reply");
        }
    }

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
