using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using BlueZero.Cli.Rendering;
using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;
using Spectre.Console;

namespace BlueZero.Cli.Commands;

/// <summary>
/// <c>b0 ps</c>: every managed entry (list_processes) of every host, or of the given ones, as one table; a host that
/// could not answer is a row with its error. <c>--watch</c> redraws in place on a terminal until Ctrl-C.
/// </summary>
public static class PsCommand
{
    public enum SortKey { Name, Host, Pid, Start, Restarts, Cpu, Mem }

    public static readonly IReadOnlyList<Column> Columns =
    [
        new("HOST", r => Units.String(r["host"]) ?? ""),
        new("NAME", r => Units.String(r["name"]) ?? ""),
        new("PID", r => Units.Long(r["pid"])?.ToString() ?? "") { AlignRight = true },
        new("STATE", r => Units.String(r["state"]) ?? Units.String(r["error_message"]) ?? "") { StyleOf = r => StateStyle(r) },
        new("RESTARTS", r => Units.Long(r["restarts"])?.ToString() ?? "") { AlignRight = true },
        new("UPTIME", r => Units.Duration(Units.Double(r["uptime_s"]))) { AlignRight = true },
        new("CPU%", r => Units.Percent(Units.Double(r["cpu_percent"]))) { AlignRight = true },
        new("RSS", r => Units.Bytes(Units.Long(r["rss_bytes"]))) { AlignRight = true },
        new("COMMAND", r => Units.String(r["command"]) ?? ""),
        new("PATH", r => Units.String(r["path"]) ?? "") { WideOnly = true },
        new("ARGS", r => string.Join(' ', (r["args"] as JsonArray ?? []).Select(a => Units.String(a)))) { WideOnly = true },
        new("LAST EXIT", r => Units.Exit(r, "last_exit_code", "last_signal")) { WideOnly = true },
        new("STARTED", r => Units.Time(Units.String(r["started_at"]))) { WideOnly = true },
        new("NEXT RUN", r => Units.Time(Units.String(r["next_restart_at"]))) { WideOnly = true },
    ];

    public static Command Create(B0CommandLine cli)
    {
        var hosts = Requests.NoOptions(new Argument<string[]>("HOST") { Description = "only these hosts (default: every host)", Arity = ArgumentArity.ZeroOrMore });
        var output = new Option<string?>("-o", "--output") { Description = "wide: add path, args, last exit, start and next run, whatever the width", HelpName = "wide" };
        output.AcceptOnlyFromAmong("wide");
        var sort = new Option<string>("--sort") { Description = "sort by name, host, pid, start, restarts, cpu or mem", DefaultValueFactory = _ => "host" };
        sort.AcceptOnlyFromAmong(Enum.GetNames<SortKey>().Select(n => n.ToLowerInvariant()).ToArray());
        var watch = new Option<bool>("--watch", "-w") { Description = "redraw every second until Ctrl-C (on a terminal; on a pipe, print once)" };
        var command = new Command("ps", "every managed entry: HOST NAME PID STATE RESTARTS UPTIME CPU% RSS COMMAND") { hosts, output, sort, watch };
        cli.SetAction(command, async (parsed, context, cancel) =>
        {
            var wide = parsed.GetValue(output) == "wide";
            var key = Enum.Parse<SortKey>(parsed.GetValue(sort)!, ignoreCase: true);
            var only = parsed.GetValue(hosts) ?? [];
            if (!parsed.GetValue(watch) || !context.Terminal.Interactive || context.Terminal.Json)
            {
                TableView.Show(context.Terminal, Columns, Sorted(await Fetch(context, only, cancel), key), wide);
                return CliExit.Ok;
            }
            var first = TableView.Build(Columns, Sorted(await Fetch(context, only, cancel), key), wide, context.Terminal.Console.Profile.Width);
            await context.Terminal.Console.Live(first).StartAsync(async live =>
            {
                while (!cancel.IsCancellationRequested)
                {
                    await Task.Delay(CliDefaults.WatchInterval, cancel);
                    live.UpdateTarget(TableView.Build(Columns, Sorted(await Fetch(context, only, cancel), key), wide, context.Terminal.Console.Profile.Width));
                }
            });
            return CliExit.Ok;
        });
        return command;
    }

    /// <summary>One row per entry: the node's fields, plus host and command, as --json prints them.</summary>
    public static async Task<List<JsonObject>> Fetch(CommandContext context, IReadOnlyList<string> hosts, CancellationToken cancel)
    {
        if (hosts.Count == 0)
        {
            var all = (await context.Hub.Control(Requests.For(null, WireOperations.ListProcesses), cancel)).Ensure(WireOperations.ListProcesses);
            return Requests.HostEntries(all.Of(WireOperations.ListProcesses)).SelectMany(RowsOf).ToList();
        }
        var rows = new List<JsonObject>();
        foreach (var host in hosts)
        {
            var one = (await context.Hub.Control(Requests.For(host, WireOperations.ListProcesses), cancel)).Ensure(WireOperations.ListProcesses);
            var entry = one.Of(WireOperations.ListProcesses).DeepClone().AsObject();
            entry[WireOperations.HostName] = host;
            rows.AddRange(RowsOf(entry));
        }
        return rows;
    }

    public static IEnumerable<JsonObject> RowsOf(JsonObject hostEntry)
    {
        var host = Units.String(hostEntry[WireOperations.HostName]);
        if (hostEntry["error_message"] is { } error)
        {
            yield return new JsonObject { ["host"] = host, ["error_message"] = error.DeepClone() };
            yield break;
        }
        foreach (var process in (hostEntry["processes"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var row = new JsonObject { ["host"] = host };
            foreach (var (field, value) in process) row[field] = value?.DeepClone();
            row["uptime_s"] ??= LiveUptime(process);
            var args = (process["args"] as JsonArray ?? []).Select(a => Units.String(a));
            row["command"] = string.Join(' ', new[] { Units.String(process["path"]) }.Concat(args));
            yield return row;
        }
    }

    /// <summary>Before the node's first sample, a live run's age from its start.</summary>
    private static double? LiveUptime(JsonObject process) =>
        WireNames.ProcessStates.TryParse(Units.String(process["state"]), out var state) && state.HasLiveProcess()
        && DateTimeOffset.TryParse(Units.String(process["started_at"]), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var started)
            ? Math.Max(0, (DateTimeOffset.UtcNow - started).TotalSeconds)
            : null;

    public static List<JsonObject> Sorted(IEnumerable<JsonObject> rows, SortKey key) => key switch
    {
        SortKey.Name => rows.OrderBy(r => Units.String(r["name"]) ?? "\uffff", StringComparer.Ordinal).ToList(),
        SortKey.Pid => rows.OrderBy(r => Units.Long(r["pid"]) ?? long.MaxValue).ToList(),
        SortKey.Start => rows.OrderBy(r => Units.String(r["started_at"]) ?? "", StringComparer.Ordinal).ToList(),
        SortKey.Restarts => rows.OrderByDescending(r => Units.Long(r["restarts"]) ?? -1).ToList(),
        SortKey.Cpu => rows.OrderByDescending(r => Units.Double(r["cpu_percent"]) ?? -1).ToList(),
        SortKey.Mem => rows.OrderByDescending(r => Units.Long(r["rss_bytes"]) ?? -1).ToList(),
        _ => rows.OrderBy(r => Units.String(r["host"]) ?? "", StringComparer.Ordinal).ToList(), // stable: oldest first per host
    };

    public static Style? StateStyle(JsonObject row)
    {
        if (row["error_message"] is not null) return new Style(Color.Red);
        if (!WireNames.ProcessStates.TryParse(Units.String(row["state"]), out var state)) return null;
        return state switch
        {
            ProcessState.Running => new Style(Color.Green),
            ProcessState.BackingOff or ProcessState.Scheduled or ProcessState.Stopping => new Style(Color.Yellow),
            ProcessState.Failed or ProcessState.Lost or ProcessState.TimedOut => new Style(Color.Red),
            _ => new Style(Color.Grey),
        };
    }
}
