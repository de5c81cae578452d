using System.CommandLine;
using System.Text.Json.Nodes;
using BlueZero.Cli.Rendering;
using BlueZero.Messages.Wire;
using Spectre.Console;

namespace BlueZero.Cli.Commands;

/// <summary><c>b0 info [HOST]</c>: host_info of one host, or of every host, as a block and two small tables.</summary>
public static class InfoCommand
{
    private static readonly IReadOnlyList<Column> Disks =
    [
        new("MOUNT", r => Units.String(r["mount"]) ?? ""),
        new("DEVICE", r => Units.String(r["device"]) ?? ""),
        new("FS", r => Units.String(r["fs_type"]) ?? ""),
        new("SIZE", r => Units.Bytes(Units.Long(r["total_bytes"]))) { AlignRight = true },
        new("AVAIL", r => Units.Bytes(Units.Long(r["available_bytes"]))) { AlignRight = true },
        new("USE%", r => Units.Percent(Units.Double(r["percent_used"]))) { AlignRight = true },
    ];

    private static readonly IReadOnlyList<Column> Nics =
    [
        new("NIC", r => Units.String(r["name"]) ?? ""),
        new("UP", r => r["up"]?.GetValue<bool>() == true ? "yes" : "no"),
        new("MAC", r => Units.String(r["mac"]) ?? ""),
        new("ADDRESSES", r => string.Join(", ", (r["addresses"] as JsonArray ?? []).Select(a => Units.String(a)))),
    ];

    public static Command Create(B0CommandLine cli)
    {
        var host = Requests.NoOptions(new Argument<string?>("HOST") { Description = "one host (default: every host)", Arity = ArgumentArity.ZeroOrOne });
        var command = new Command("info", "host facts: cpu, memory, disks, nics, os") { host };
        cli.SetAction(command, async (parsed, context, cancel) =>
        {
            var name = parsed.GetValue(host);
            var reply = (await context.Hub.Control(Requests.For(name, WireOperations.HostInfo), cancel)).Ensure(WireOperations.HostInfo);
            if (context.Terminal.Json)
            {
                context.Terminal.JsonLine(reply.Body);
                return CliExit.Ok;
            }
            var info = reply.Of(WireOperations.HostInfo);
            var hosts = name is null ? Requests.HostEntries(info).ToList() : [info];
            foreach (var entry in hosts) Show(context.Terminal, entry);
            return CliExit.Ok;
        });
        return command;
    }

    private static void Show(Terminal terminal, JsonObject host)
    {
        terminal.Write(new Rule(Units.String(host["host_name"]) ?? "") { Justification = Justify.Left });
        if (Units.String(host["error_message"]) is { } error)
        {
            terminal.Line(error, new Style(Color.Red));
            return;
        }
        var cpu = host["cpu"] as JsonObject ?? new JsonObject();
        var memory = host["memory"] as JsonObject ?? new JsonObject();
        var os = host["os"] as JsonObject ?? new JsonObject();
        terminal.Write(StatusCommand.Fields(
        [
            ("os", $"{Units.String(os["distribution"])}, kernel {Units.String(os["kernel"])}, up {Units.Duration(Units.Double(os["uptime_s"]))}"),
            ("cpu", $"{Units.String(cpu["model"])}, {cpu["cores"]} cores, {Units.Percent(Units.Double(cpu["usage_percent"]))}% used"),
            ("memory", $"{Units.Bytes(Units.Long(memory["total_bytes"]))} total, {Units.Bytes(Units.Long(memory["available_bytes"]))} available, {Units.Percent(Units.Double(memory["percent_used"]))}% used"),
            ("node", $"version {Units.String(host["version"])}, started {Units.Time(Units.String(host["started_at"]))}, {host["managed_processes"]} managed"),
        ]));
        TableView.Show(terminal, Disks, (host["disks"] as JsonArray ?? []).OfType<JsonObject>().ToList(), wide: false);
        TableView.Show(terminal, Nics, (host["nics"] as JsonArray ?? []).OfType<JsonObject>().ToList(), wide: false);
    }
}
