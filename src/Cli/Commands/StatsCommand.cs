using System.CommandLine;
using System.Text.Json.Nodes;
using BlueZero.Cli.Rendering;
using BlueZero.Messages.Wire;

namespace BlueZero.Cli.Commands;

/// <summary><c>b0 stats HOST TARGET</c>: process_stats, with the sampled history as sparklines.</summary>
public static class StatsCommand
{
    public static Command Create(B0CommandLine cli)
    {
        var host = Requests.Host();
        var target = Requests.Target();
        var command = new Command("stats", "cpu, rss, threads of the whole process tree, and its sampled history") { host, target };
        cli.SetAction(command, async (parsed, context, cancel) =>
        {
            var request = Requests.For(parsed.GetValue(host), WireOperations.ProcessStats, Requests.TargetFields(parsed.GetValue(target)!));
            var reply = (await context.Hub.Control(request, cancel)).Ensure(WireOperations.ProcessStats);
            if (context.Terminal.Json) context.Terminal.JsonLine(reply.Body);
            else context.Terminal.Write(StatusCommand.Fields(Rows(reply.Of(WireOperations.ProcessStats))));
            return CliExit.Ok;
        });
        return command;
    }

    public static IEnumerable<(string, string)> Rows(JsonObject stats)
    {
        var history = (stats["history"] as JsonArray ?? []).OfType<JsonObject>().TakeLast(CliDefaults.SparklineWidth).ToList();
        yield return ("pid", stats["pid"]?.ToString() ?? "-");
        yield return ("state", Units.String(stats["state"]) ?? "");
        yield return ("cpu", stats["cpu_percent"] is null ? "-" : Units.Percent(Units.Double(stats["cpu_percent"])) + "%");
        yield return ("rss", stats["rss_bytes"] is null ? "-" : Units.Bytes(Units.Long(stats["rss_bytes"])));
        yield return ("threads", stats["threads"]?.ToString() ?? "-");
        yield return ("processes", stats["processes"]?.ToString() ?? "-");
        yield return ("uptime", Units.Duration(Units.Double(stats["uptime_s"])));
        yield return ("cpu history", Units.Sparkline(history.Select(h => Units.Double(h["cpu_percent"]) ?? 0).ToList()));
        yield return ("rss history", Units.Sparkline(history.Select(h => (double)(Units.Long(h["rss_bytes"]) ?? 0)).ToList()));
        yield return ("samples", $"{history.Count}, every {Units.Number(Units.Double(stats["stats_interval_s"]))} s");
    }
}
