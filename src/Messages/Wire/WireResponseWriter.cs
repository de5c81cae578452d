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

    public static string ClusterListing(IEnumerable<HostPids> hosts) =>
        Serialize(new JObject
        {
            ["success"] = true,
            [WireOperations.ListActiveProcesses] = new JObject
            {
                ["hosts"] = new JArray(hosts.Select(h => h.Pids is not null
                    ? new JObject { ["host_name"] = h.HostName, ["pids"] = new JArray(h.Pids) }
                    : new JObject { ["host_name"] = h.HostName, ["error_message"] = h.ErrorMessage })),
            },
        });

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

    public static JObject ReplyBody(INodeReply reply)
    {
        switch (reply)
        {
            case ProcessStarted started:
                return new JObject { ["success"] = true, ["pid"] = started.Pid };
            case ProcessStopped stopped:
                var stopBody = new JObject { ["success"] = true, ["pid"] = stopped.Pid };
                AddExit(stopBody, stopped.Exit);
                return stopBody;
            case ProcessStatus status:
                var statusBody = new JObject { ["success"] = true, ["pid"] = status.Pid, ["running"] = status.Running };
                if (status.Name is not null) statusBody["name"] = status.Name;
                AddExit(statusBody, status.Exit);
                return statusBody;
            case ActiveProcesses active:
                return new JObject { ["success"] = true, ["pids"] = new JArray(active.Pids) };
            case CommandFailed failed:
                return new JObject { ["success"] = false, ["error_message"] = failed.ErrorMessage };
            default:
                throw new ArgumentOutOfRangeException(nameof(reply), reply.GetType().Name, "no wire form for this reply");
        }
    }

    private static void AddExit(JObject body, ProcessExit? exit)
    {
        if (exit is null) return;
        // An unobservable exit code is sent as null rather than omitted, so clients can tell "unknown" from "still running".
        body["exit_code"] = exit.ExitCode is { } code ? code : JValue.CreateNull();
        if (exit.Signal is { } signal) body["signal"] = signal;
    }

    private static string Serialize(JObject obj) => obj.ToString(Formatting.None);
}
