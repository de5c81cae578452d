using System.CommandLine;
using System.Text.Json.Nodes;
using BlueZero.Cli.Rendering;
using BlueZero.Messages.Wire;

namespace BlueZero.Cli.Commands;

/// <summary><c>b0 plans</c> (list_plans) and <c>b0 plan NAME</c> (plan_status, each process as its node reports it now).</summary>
public static class PlansCommand
{
    private static readonly IReadOnlyList<Column> PlanColumns =
    [
        new("PLAN", r => Units.String(r["name"]) ?? ""),
        new("STATE", r => Units.String(r["state"]) ?? ""),
        new("READY", r => $"{Units.Long(r["ready"])}/{Units.Long(r["processes"])}") { AlignRight = true },
        new("APPLIED", r => Units.Time(Units.String(r["applied_at"]))),
    ];

    private static readonly IReadOnlyList<Column> StepColumns =
    [
        new("STEP", r => Units.String(r["name"]) ?? ""),
        new("HOST", r => Units.String(r["host"]) ?? ""),
        new("PROCESS", r => Units.String(r["process_name"]) ?? ""),
        new("PID", r => Units.Long(r["pid"])?.ToString() ?? "") { AlignRight = true },
        new("STATE", r => Units.String(r["state"]) ?? "unknown"),
        new("READY", r => r["ready"]?.GetValue<bool>() == true ? "yes" : "no"),
        new("SINCE", r => Units.Time(Units.String(r["since"]))),
        new("ERROR", r => Units.String(r["error"]) ?? ""),
    ];

    public static Command List(B0CommandLine cli)
    {
        var command = new Command("plans", "every launch plan the hub knows, with how many of its processes are ready");
        cli.SetAction(command, async (_, context, cancel) =>
        {
            var reply = (await context.Hub.Control(Requests.For(null, WireOperations.ListPlans), cancel)).Ensure(WireOperations.ListPlans);
            Show(context, reply, WireOperations.ListPlans, "plans", PlanColumns);
            return CliExit.Ok;
        });
        return command;
    }

    public static Command Status(B0CommandLine cli)
    {
        var name = Requests.NoOptions(new Argument<string>("NAME") { Description = "the plan's name" });
        var command = new Command("plan", "one launch plan: each process with its host, pid, state, and ready since when") { name };
        cli.SetAction(command, async (parsed, context, cancel) =>
        {
            var body = new JsonObject { ["name"] = parsed.GetValue(name) };
            var reply = (await context.Hub.Control(Requests.For(null, WireOperations.PlanStatus, body), cancel)).Ensure(WireOperations.PlanStatus);
            Show(context, reply, WireOperations.PlanStatus, "processes", StepColumns);
            return CliExit.Ok;
        });
        return command;
    }

    private static void Show(CommandContext context, Http.HubReply reply, string operation, string rows, IReadOnlyList<Column> columns)
    {
        if (context.Terminal.Json) context.Terminal.JsonLine(reply.Body);
        else TableView.Show(context.Terminal, columns, (reply.Of(operation)[rows] as JsonArray ?? []).OfType<JsonObject>().ToList(), wide: false);
    }
}
