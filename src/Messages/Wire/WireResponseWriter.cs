using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using BlueZero.Messages.Protocol;

namespace BlueZero.Messages.Wire;

/// <summary>
/// Turns typed replies into the wire JSON of docs/PROTOCOL.md. The only place responses are shaped. It writes with
/// System.Text.Json's Utf8JsonWriter, the library the parser reads with, keeping the wire's bytes as they were:
/// properties in the documented order, numbers with a decimal point (5.0), strings escaped by <see cref="WireJsonEncoder"/>.
/// </summary>
public static class WireResponseWriter
{
    private static readonly JsonWriterOptions Options = new() { Encoder = WireJsonEncoder.Instance };

    /// <summary>A routed reply wraps the node's reply: <c>{"success":true,"start_process":{...}}</c>.</summary>
    public static string HubForm(string operation, INodeReply reply) => Write(w =>
    {
        w.WriteBoolean("success", true);
        w.WritePropertyName(operation);
        ReplyBody(w, reply);
    });

    /// <summary>
    /// A refused request: <c>{"success":false,"error_message":E}</c>. When its operation is known the error also appears
    /// under the operation's key, in BlueZero's own form, so that a client reading start_process.success sees false:
    /// <c>{"success":false,"error_message":E,"start_process":{"success":false,"error_message":E}}</c>.
    /// </summary>
    public static string Error(string errorMessage, string? operation = null) => Write(w =>
    {
        Failure(w, errorMessage);
        if (operation is null) return;
        w.WriteStartObject(operation);
        Failure(w, errorMessage);
        w.WriteEndObject();
    });

    private static void Failure(Utf8JsonWriter w, string? errorMessage)
    {
        w.WriteBoolean("success", false);
        w.WriteString("error_message", errorMessage);
    }

    /// <summary>
    /// An operation sent to every host: <c>{"success":true,"list_active_processes":{"hosts":[{"host_name":"a","pids":[...]}]}}</c>.
    /// Each host's entry is its node's reply without the inner "success", or an "error_message".
    /// </summary>
    public static string ClusterWide(string operation, IEnumerable<HostReply> hosts) => Write(w =>
    {
        w.WriteBoolean("success", true);
        w.WriteStartObject(operation);
        w.WriteStartArray("hosts");
        foreach (var host in hosts)
        {
            w.WriteStartObject();
            w.WriteString("host_name", host.HostName);
            if (host.Reply is null) w.WriteString("error_message", host.ErrorMessage);
            else ReplyFields(w, host.Reply, inHostEntry: true);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    });

    public static string Hosts(IEnumerable<HostSummary> hosts) => Write(w =>
    {
        w.WriteStartArray("hosts");
        foreach (var h in hosts)
        {
            w.WriteStartObject();
            w.WriteString("host_name", h.HostName);
            w.WriteString("address", h.Address);
            w.WriteString("status", h.Status);
            w.WriteString("since", Timestamp(h.Since));
            Number(w, "processes", h.Processes);
            Percent(w, "cpu_percent", h.CpuPercent);
            Percent(w, "memory_percent", h.MemoryPercent);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    });

    /// <summary>forget_host: <c>{"success":true,"forget_host":{"host_name":"lab-4","status":"left"}}</c>, status being the one it had.</summary>
    public static string HostForgotten(string hostName, string status) => Write(w =>
    {
        w.WriteBoolean("success", true);
        w.WriteStartObject(WireOperations.ForgetHost);
        w.WriteString("host_name", hostName);
        w.WriteString("status", status);
        w.WriteEndObject();
    });

    /// <summary>GET /health: <c>{"status":"ok","host_name":"hub-1","nodes":3}</c>, nodes being those up.</summary>
    public static string Health(string hostName, int nodesUp) => Write(w =>
    {
        w.WriteString("status", "ok");
        w.WriteString("host_name", hostName);
        w.WriteNumber("nodes", nodesUp);
    });

    /// <summary>
    /// One event's wire form without its seq (docs/PROTOCOL.md, "Events"): <c>{"time":"...","host_name":"a","type":"process_exited",...}</c>,
    /// absent fields omitted. Written once, when the hub stores the event; <see cref="Event"/> puts the seq in front.
    /// </summary>
    public static string EventBody(MeshEvent e) => Write(w =>
    {
        w.WriteString("time", Timestamp(e.Time));
        w.WriteString("host_name", e.HostName);
        w.WriteString("type", e.Type.ToWire());
        if (e.Pid is { } pid) w.WriteNumber("pid", pid);
        if (e.Name is not null) w.WriteString("name", e.Name);
        if (e.By is not null) w.WriteString("by", e.By);
        if (e.ExitCode is { } exitCode) w.WriteNumber("exit_code", exitCode);
        if (e.Signal is { } signal) w.WriteNumber("signal", signal);
        if (e.Reason is { } reason) w.WriteString("reason", reason.ToWire());
        if (e.Restarts is { } restarts) w.WriteNumber("restarts", restarts);
        if (e.DelayMs is { } delay) w.WriteNumber("delay_ms", delay);
        if (e.Path is not null) w.WriteString("path", e.Path);
        if (e.Args is not null)
        {
            w.WriteStartArray("args");
            foreach (var arg in e.Args) w.WriteStringValue(arg);
            w.WriteEndArray();
        }
        if (e.NextRun is { } next) w.WriteString("next_run", Timestamp(next));
        if (e.Error is not null) w.WriteString("error", e.Error);
        if (e.Count is { } count) w.WriteNumber("count", count);
    });

    /// <summary>
    /// apply_plan or remove_plan: <c>{"success":B,"apply_plan":{"success":B,"name":...,"processes":[...]}}</c>; on failure
    /// the top level and the inner object carry error_message and failed_step.
    /// </summary>
    public static string PlanReport(string operation, PlanReport report) => Write(w =>
    {
        void Body(bool inner)
        {
            w.WriteBoolean("success", report.Success);
            if (report.Error is not null) w.WriteString("error_message", report.Error);
            if (report.FailedStep is not null) w.WriteString("failed_step", report.FailedStep);
            if (!inner) return;
            w.WriteString("name", report.Name);
            if (report.DryRun) w.WriteBoolean("dry_run", true);
            if (report.RolledBack) w.WriteBoolean("rolled_back", true);
            w.WriteNumber("elapsed_ms", (long)(report.FinishedAt - report.StartedAt).TotalMilliseconds);
            w.WriteStartArray("processes");
            foreach (var step in report.Steps)
            {
                w.WriteStartObject();
                w.WriteString("name", step.Name);
                w.WriteString("host", step.Host);
                w.WriteString("process_name", step.ProcessName);
                w.WriteString("action", step.Action.ToWire());
                w.WriteString("state", step.State.ToWire());
                if (step.Pid is { } pid) w.WriteNumber("pid", pid);
                if (step.StartedAt is { } started) w.WriteString("started_at", Timestamp(started));
                if (step.ReadyAt is { } ready) w.WriteString("ready_at", Timestamp(ready));
                if (step.Action != StepAction.Keep && step.StartedAt is { } from && step.ReadyAt is { } to) w.WriteNumber("ready_after_ms", (long)(to - from).TotalMilliseconds);
                if (step.StoppedAt is { } stopped) w.WriteString("stopped_at", Timestamp(stopped));
                if (step.Error is not null) w.WriteString("error", step.Error);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        Body(inner: false);
        w.WriteStartObject(operation);
        Body(inner: true);
        w.WriteEndObject();
    });

    /// <summary>A refused plan: <c>{"success":false,"error_message":E,"problems":[...],"apply_plan":{the same}}</c>.</summary>
    public static string PlanRefused(IReadOnlyList<string> problems) => Write(w =>
    {
        void Body()
        {
            Failure(w, ErrorTexts.PlanRefused(problems.Count));
            w.WriteStartArray("problems");
            foreach (var problem in problems) w.WriteStringValue(problem);
            w.WriteEndArray();
        }
        Body();
        w.WriteStartObject(WireOperations.ApplyPlan);
        Body();
        w.WriteEndObject();
    });

    /// <summary>plan_status: each process with its node's view (pid, state) and the plan's (ready, since).</summary>
    public static string PlanStatus(PlanStatus status) => Write(w =>
    {
        w.WriteBoolean("success", true);
        w.WriteStartObject(WireOperations.PlanStatus);
        w.WriteBoolean("success", true);
        w.WriteString("name", status.Name);
        w.WriteString("state", status.State.ToWire());
        w.WriteString("applied_at", Timestamp(status.AppliedAt));
        w.WriteStartArray("processes");
        foreach (var step in status.Steps)
        {
            w.WriteStartObject();
            w.WriteString("name", step.Name);
            w.WriteString("host", step.Host);
            w.WriteString("process_name", step.ProcessName);
            if (step.Pid is { } pid) w.WriteNumber("pid", pid);
            if (step.ProcessState is { } state) w.WriteString("state", state.ToWire());
            w.WriteBoolean("ready", step.Ready);
            if (step.Since is { } since) w.WriteString("since", Timestamp(since));
            if (step.Error is not null) w.WriteString("error", step.Error);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    });

    /// <summary>list_plans: every plan with a summary.</summary>
    public static string PlansListed(PlansListed listed) => Write(w =>
    {
        w.WriteBoolean("success", true);
        w.WriteStartObject(WireOperations.ListPlans);
        w.WriteBoolean("success", true);
        w.WriteStartArray("plans");
        foreach (var plan in listed.Plans)
        {
            w.WriteStartObject();
            w.WriteString("name", plan.Name);
            w.WriteString("state", plan.State.ToWire());
            w.WriteNumber("processes", plan.Processes);
            w.WriteNumber("ready", plan.Ready);
            w.WriteString("applied_at", Timestamp(plan.AppliedAt));
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    });

    /// <summary>A stored event with its seq first: <c>{"seq":42,"time":...}</c>.</summary>
    public static string Event(StoredEvent e) =>
        string.Concat("{\"seq\":", e.Seq.ToString(CultureInfo.InvariantCulture), ",", e.Body.AsSpan(1));

    /// <summary>GET /events: <c>{"events":[...],"next_seq":N}</c>.</summary>
    public static string Events(EventPage page) => Write(w => EventPageFields(w, page));

    /// <summary>The events op: <c>{"success":true,"events":{"success":true,"events":[...],"next_seq":N}}</c>.</summary>
    public static string EventsHubForm(EventPage page) => Write(w =>
    {
        w.WriteBoolean("success", true);
        w.WriteStartObject(WireOperations.Events);
        w.WriteBoolean("success", true);
        EventPageFields(w, page);
        w.WriteEndObject();
    });

    private static void EventPageFields(Utf8JsonWriter w, EventPage page)
    {
        w.WriteStartArray("events");
        foreach (var e in page.Events) w.WriteRawValue(Event(e), skipInputValidation: true);
        w.WriteEndArray();
        w.WriteNumber("next_seq", page.NextSeq);
    }

    /// <summary>A node's reply in BlueZero's form: <c>{"success":true,"pid":42}</c>, or success false with an error_message.</summary>
    private static void ReplyBody(Utf8JsonWriter w, INodeReply reply)
    {
        w.WriteStartObject();
        w.WriteBoolean("success", reply is not CommandFailed);
        ReplyFields(w, reply, inHostEntry: false);
        w.WriteEndObject();
    }

    /// <param name="inHostEntry">In a cluster-wide entry, which starts with the host_name already.</param>
    private static void ReplyFields(Utf8JsonWriter w, INodeReply reply, bool inHostEntry)
    {
        switch (reply)
        {
            case ProcessStarted started:
                w.WriteNumber("pid", started.Pid);
                break;
            case ProcessRestarted restarted:
                w.WriteNumber("pid", restarted.Pid);
                if (restarted.PreviousPid is { } previousPid) w.WriteNumber("previous_pid", previousPid);
                Exit(w, restarted.PreviousExit, "previous_exit_code", "previous_signal");
                break;
            case ProcessStopped stopped:
                if (stopped.Pid is { } stoppedPid) w.WriteNumber("pid", stoppedPid);
                Exit(w, stopped.Exit, "exit_code", "signal");
                break;
            case ProcessStatus status:
                InfoFields(w, status.Info);
                // BlueZero's fields: running, and once it no longer runs, how its last run ended.
                w.WriteBoolean("running", status.Info.Running);
                if (!status.Info.Running) Exit(w, status.Info.LastExit, "exit_code", "signal");
                break;
            case ActiveProcesses active:
                Numbers(w, "pids", active.Pids);
                break;
            case ProcessList list:
                w.WriteStartArray("processes");
                foreach (var info in list.Processes)
                {
                    w.WriteStartObject();
                    InfoFields(w, info);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                break;
            case Unscheduled unscheduled:
                if (unscheduled.Name is not null) w.WriteString("name", unscheduled.Name);
                break;
            case AllKilled killed:
                Numbers(w, "pids", killed.Pids);
                break;
            case OutputRead output:
                OutputFields(w, output);
                break;
            case ProcessStats stats:
                StatsFields(w, stats);
                break;
            case NodeState state:
                NodeStateFields(w, state, inHostEntry);
                break;
            case HostInfo info:
                HostInfoFields(w, info, inHostEntry);
                break;
            case CommandFailed failed:
                w.WriteString("error_message", failed.ErrorMessage);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(reply), reply.GetType().Name, "no wire form for this reply");
        }
    }

    private static void OutputFields(Utf8JsonWriter w, OutputRead output)
    {
        Number(w, "pid", output.Pid);
        w.WriteStartArray("lines");
        foreach (var line in output.Lines)
        {
            w.WriteStartObject();
            w.WriteNumber("seq", line.Seq);
            w.WriteString("stream", line.Stream);
            w.WriteString("ts", Timestamp(line.Ts));
            w.WriteString("text", line.Text);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteNumber("next_seq", output.NextSeq);
        w.WriteNumber("dropped", output.Dropped);
        w.WriteBoolean("running", output.Running);
        w.WriteBoolean("final", output.Final);
        if (!output.Running) Exit(w, output.Exit, "exit_code", "signal");
    }

    private static void StatsFields(Utf8JsonWriter w, ProcessStats stats)
    {
        Number(w, "pid", stats.Pid);
        w.WriteString("name", stats.Name);
        w.WriteString("state", stats.State.ToWire());
        if (stats.Usage is { } usage) Usage(w, usage);
        Double(w, "stats_interval_s", stats.IntervalS);
        w.WriteStartArray("history");
        foreach (var sample in stats.History)
        {
            w.WriteStartObject();
            w.WriteString("ts", Timestamp(sample.At));
            Percent(w, "cpu_percent", sample.CpuPercent);
            w.WriteNumber("rss_bytes", sample.RssBytes);
            w.WriteNumber("threads", sample.Threads);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>The node's own host_name, except in a cluster-wide entry, which starts with it.</summary>
    private static void NodeStateFields(Utf8JsonWriter w, NodeState state, bool inHostEntry)
    {
        if (!inHostEntry) w.WriteString("host_name", state.HostName);
        w.WriteStartObject("node");
        Usage(w, state.Node);
        w.WriteEndObject();
        w.WriteNumber("managed_processes", state.ManagedProcesses);
        w.WriteNumber("running_processes", state.RunningProcesses);
        w.WriteStartObject("managed");
        Usage(w, state.Managed, withUptime: false); // a sum of uptimes means nothing
        w.WriteEndObject();
        Percent(w, "host_cpu_percent", state.HostCpuPercent);
        Percent(w, "host_memory_percent", state.HostMemoryPercent);
        if (state.ProcessesByState is { } byState)
        {
            w.WriteStartObject("processes_by_state");
            foreach (var count in byState) w.WriteNumber(count.State.ToWire(), count.Count);
            w.WriteEndObject();
        }
        if (state.EventsPending is { } pending) w.WriteNumber("events_pending", pending);
    }

    private static void HostInfoFields(Utf8JsonWriter w, HostInfo info, bool inHostEntry)
    {
        if (!inHostEntry) w.WriteString("host_name", info.Node.HostName);
        w.WriteString("version", info.Node.Version);
        w.WriteString("started_at", Timestamp(info.Node.StartedAt));
        w.WriteNumber("managed_processes", info.Node.ManagedProcesses);
        w.WriteStartObject("cpu");
        w.WriteString("model", info.Cpu.Model);
        w.WriteNumber("cores", info.Cpu.Cores);
        Percent(w, "usage_percent", info.Cpu.UsagePercent);
        w.WriteStartArray("per_core_percent");
        foreach (var core in info.Cpu.PerCorePercent) Double(w, null, Math.Round(core, 1));
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteStartObject("memory");
        w.WriteNumber("total_bytes", info.Memory.TotalBytes);
        w.WriteNumber("available_bytes", info.Memory.AvailableBytes);
        Percent(w, "percent_used", info.Memory.PercentUsed);
        w.WriteEndObject();
        w.WriteStartArray("disks");
        foreach (var disk in info.Disks)
        {
            w.WriteStartObject();
            w.WriteString("mount", disk.Mount);
            w.WriteString("device", disk.Device);
            w.WriteString("fs_type", disk.FsType);
            w.WriteNumber("total_bytes", disk.TotalBytes);
            w.WriteNumber("available_bytes", disk.AvailableBytes);
            Percent(w, "percent_used", disk.PercentUsed);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("nics");
        foreach (var nic in info.Nics)
        {
            w.WriteStartObject();
            w.WriteString("name", nic.Name);
            w.WriteString("mac", nic.Mac);
            w.WriteStartArray("addresses");
            foreach (var address in nic.Addresses) w.WriteStringValue(address);
            w.WriteEndArray();
            w.WriteBoolean("up", nic.Up);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartObject("os");
        w.WriteString("kernel", info.Os.Kernel);
        w.WriteString("distribution", info.Os.Distribution);
        w.WriteString("hostname", info.Os.Hostname);
        Percent(w, "uptime_s", info.Os.UptimeS);
        w.WriteEndObject();
    }

    /// <summary>cpu_percent, rss_bytes, threads, processes and uptime_s of a process tree (or of the node itself).</summary>
    private static void Usage(Utf8JsonWriter w, ResourceUsage usage, bool withUptime = true)
    {
        Percent(w, "cpu_percent", usage.CpuPercent);
        w.WriteNumber("rss_bytes", usage.RssBytes);
        w.WriteNumber("threads", usage.Threads);
        w.WriteNumber("processes", usage.Processes);
        if (withUptime) Percent(w, "uptime_s", usage.UptimeS);
    }

    /// <summary>One managed entry, as in list_processes and query_process_status.</summary>
    private static void InfoFields(Utf8JsonWriter w, ProcessInfo info)
    {
        Number(w, "pid", info.Pid);
        w.WriteString("name", info.Name);
        w.WriteString("path", info.Path);
        w.WriteStartArray("args");
        foreach (var arg in info.Args) w.WriteStringValue(arg);
        w.WriteEndArray();
        w.WriteString("state", info.State.ToWire());
        w.WriteNumber("restarts", info.Restarts);
        w.WriteString("started_at", Timestamp(info.StartedAt));
        Exit(w, info.LastExit, "last_exit_code", "last_signal");
        if (info.NextRunAt is { } next) w.WriteString("next_restart_at", Timestamp(next));
        if (info.Usage is { } usage) Usage(w, usage);
    }

    private static void Exit(Utf8JsonWriter w, ProcessExit? exit, string codeField, string signalField)
    {
        if (exit is null) return;
        // An unobservable exit code is sent as null with a flag, so clients can tell "unknown" from "still running".
        Number(w, codeField, exit.ExitCode);
        if (exit.ExitCode is null) w.WriteBoolean(codeField + "_unknown", true);
        if (exit.Signal is { } signal) w.WriteNumber(signalField, signal);
    }

    private static void Numbers(Utf8JsonWriter w, string name, IEnumerable<int> values)
    {
        w.WriteStartArray(name);
        foreach (var value in values) w.WriteNumberValue(value);
        w.WriteEndArray();
    }

    private static void Number(Utf8JsonWriter w, string name, int? value)
    {
        if (value is { } number) w.WriteNumber(name, number);
        else w.WriteNull(name);
    }

    /// <summary>Percentages and uptimes: one decimal.</summary>
    private static void Percent(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } number) Double(w, name, Math.Round(number, 1));
        else w.WriteNull(name);
    }

    /// <summary>
    /// A double as the wire has always written it: the shortest text that reads back the same, with a decimal point
    /// when it has none (5.0, 12.5, 1E-05); a value that is not finite as the string "NaN", "Infinity" or "-Infinity".
    /// </summary>
    private static void Double(Utf8JsonWriter w, string? name, double value)
    {
        if (name is not null) w.WritePropertyName(name);
        if (!double.IsFinite(value))
        {
            w.WriteStringValue(value.ToString(CultureInfo.InvariantCulture));
            return;
        }
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        w.WriteRawValue(text.AsSpan().IndexOfAny('.', 'E') >= 0 ? text : text + ".0", skipInputValidation: true);
    }

    private static string Timestamp(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>A buffer kept for reuse only up to this size: an output page can be megabytes.</summary>
    private const int KeptBufferBytes = 64 * 1024;

    /// <summary>
    /// Per thread, the buffer and writer <see cref="Write"/> reuses, so that a reply allocates little more than its
    /// string: a new buffer grew several times per reply (the writer asks for room for the worst escaping). Taken out
    /// while in use, so a nested Write (the events of an event page) makes its own.
    /// </summary>
    [ThreadStatic] private static (ArrayBufferWriter<byte> Buffer, Utf8JsonWriter Writer)? _spare;

    /// <summary>One JSON object, written by <paramref name="fields"/> between its braces.</summary>
    private static string Write(Action<Utf8JsonWriter> fields)
    {
        var (buffer, writer) = _spare ?? NewWriter();
        _spare = null;
        try
        {
            writer.WriteStartObject();
            fields(writer);
            writer.WriteEndObject();
            writer.Flush();
            return Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
        finally
        {
            buffer.ResetWrittenCount();
            writer.Reset(buffer);
            if (buffer.Capacity <= KeptBufferBytes) _spare = (buffer, writer);
        }
    }

    private static (ArrayBufferWriter<byte>, Utf8JsonWriter) NewWriter()
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        return (buffer, new Utf8JsonWriter(buffer, Options));
    }
}
