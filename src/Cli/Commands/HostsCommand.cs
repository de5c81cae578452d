using System.CommandLine;
using System.Text.Json.Nodes;
using BlueZero.Cli.Rendering;
using Spectre.Console;

namespace BlueZero.Cli.Commands;

/// <summary><c>b0 hosts</c>: GET /hosts as a table; a host that is not up is shown, in red.</summary>
public static class HostsCommand
{
    private const string Up = "up";

    public static readonly IReadOnlyList<Column> Columns =
    [
        new("HOST", r => Units.String(r["host_name"]) ?? ""),
        new("STATUS", r => Units.String(r["status"]) is Up or null ? Units.String(r["status"]) ?? "" : $"{Units.String(r["status"])} !")
        {
            StyleOf = r => Units.String(r["status"]) == Up ? new Style(Color.Green) : new Style(Color.Red),
        },
        new("ADDRESS", r => Units.String(r["address"]) ?? ""),
        new("PROCS", r => Units.Long(r["processes"])?.ToString() ?? "") { AlignRight = true },
        new("CPU%", r => Units.Percent(Units.Double(r["cpu_percent"]))) { AlignRight = true },
        new("MEM%", r => Units.Percent(Units.Double(r["memory_percent"]))) { AlignRight = true },
        new("SINCE", r => Units.Time(Units.String(r["since"]))) { WideOnly = true },
    ];

    public static Command Create(B0CommandLine cli)
    {
        var command = new Command("hosts", "every host the hub knows: HOST STATUS ADDRESS PROCS CPU% MEM% (hosts not up are flagged)");
        cli.SetAction(command, async (_, context, cancel) =>
        {
            var reply = (await context.Hub.Get("hosts", cancel)).Ensure();
            var rows = (reply.Body?["hosts"] as JsonArray ?? []).OfType<JsonObject>().ToList();
            TableView.Show(context.Terminal, Columns, rows, wide: false);
            return CliExit.Ok;
        });
        return command;
    }
}
