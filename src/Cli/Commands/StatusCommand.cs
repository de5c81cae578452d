using System.CommandLine;
using System.Text.Json.Nodes;
using BlueZero.Cli.Rendering;
using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;
using Spectre.Console;

namespace BlueZero.Cli.Commands;

/// <summary>
/// <c>b0 status HOST TARGET</c>: query_process_status as a block of fields. It exits 0 only when the process is
/// running (state running), 1 otherwise, so scripts can test it as they test supervisorctl status.
/// </summary>
public static class StatusCommand
{
    public static Command Create(B0CommandLine cli)
    {
        var host = Requests.Host();
        var target = Requests.Target();
        var command = new Command("status", "everything query_process_status knows; exit code 0 only when it is running") { host, target };
        cli.SetAction(command, async (parsed, context, cancel) =>
        {
            var request = Requests.For(parsed.GetValue(host), WireOperations.QueryProcessStatus, Requests.TargetFields(parsed.GetValue(target)!));
            var reply = (await context.Hub.Control(request, cancel)).Ensure(WireOperations.QueryProcessStatus);
            var status = reply.Of(WireOperations.QueryProcessStatus);
            if (context.Terminal.Json) context.Terminal.JsonLine(reply.Body);
            else context.Terminal.Write(Block(parsed.GetValue(host)!, status));
            var running = WireNames.ProcessStates.TryParse(Units.String(status["state"]), out var state) && state == ProcessState.Running;
            if (running) return CliExit.Ok;
            if (!context.Terminal.Json) await Console.Error.WriteLineAsync($"b0: {ErrorTexts.CliNotRunning(parsed.GetValue(target)!, Units.String(status["state"]) ?? "unknown")}");
            return CliExit.Refused;
        });
        return command;
    }

    public static Grid Block(string host, JsonObject status)
    {
        var rows = new List<(string, string)>
        {
            ("host", host),
            ("name", Units.String(status["name"]) ?? "-"),
            ("pid", status["pid"]?.ToString() ?? "-"),
            ("state", Units.String(status["state"]) ?? ""),
            ("command", string.Join(' ', new[] { Units.String(status["path"]) }.Concat((status["args"] as JsonArray ?? []).Select(a => Units.String(a))))),
            ("restarts", status["restarts"]?.ToString() ?? "0"),
            ("started", Units.Time(Units.String(status["started_at"]))),
        };
        if (Units.Exit(status, "last_exit_code", "last_signal") is { Length: > 0 } last) rows.Add(("last exit", last));
        if (status["next_restart_at"] is not null) rows.Add(("next run", Units.Time(Units.String(status["next_restart_at"]))));
        if (status["uptime_s"] is not null) rows.Add(("uptime", Units.Duration(Units.Double(status["uptime_s"]))));
        if (status["cpu_percent"] is not null) rows.Add(("cpu", Units.Percent(Units.Double(status["cpu_percent"])) + "%"));
        if (status["rss_bytes"] is not null) rows.Add(("rss", Units.Bytes(Units.Long(status["rss_bytes"]))));
        if (status["threads"] is not null) rows.Add(("threads", status["threads"]!.ToString()));
        return Fields(rows, PsCommand.StateStyle(status));
    }

    /// <summary>"field  value" lines; the state in its colour.</summary>
    public static Grid Fields(IEnumerable<(string Field, string Value)> rows, Style? stateStyle = null)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap().PadRight(2)).AddColumn();
        foreach (var (field, value) in rows)
            grid.AddRow(new Text(field, new Style(decoration: Decoration.Bold)), new Text(value, field == "state" ? stateStyle ?? Style.Plain : Style.Plain));
        return grid;
    }
}
