using System.CommandLine;
using System.Text.Json.Nodes;
using BlueZero.Cli.Rendering;
using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;

namespace BlueZero.Cli.Commands;

/// <summary>
/// <c>b0 up FILE [--dry-run] [--rollback-on-failure]</c>: apply_plan with the plan in FILE (<see cref="PlanFile"/>),
/// a line per step as it starts and becomes ready, then the table. Exits 1 when the plan was refused or failed.
/// </summary>
public static class UpCommand
{
    public static Command Create(B0CommandLine cli)
    {
        var file = Requests.NoOptions(new Argument<string>("FILE") { Description = "a plan in YAML or JSON (samples/plans/)" });
        var dryRun = new Option<bool>("--dry-run") { Description = "show what would start, stop or restart, and start nothing" };
        var rollback = new Option<bool>("--rollback-on-failure") { Description = "on a failure, stop what this apply started, in reverse order" };
        var command = new Command("up", "bring up a launch plan: every process in dependency order, on its host") { file, dryRun, rollback };
        cli.SetAction(command, async (parsed, context, cancel) =>
        {
            var health = (await context.Hub.Get("health", cancel)).Ensure();
            var plan = PlanFile.Read(parsed.GetValue(file)!, Units.String(health.Body?["host_name"]) ?? "");
            var name = Units.String(plan["name"]) ?? "";
            var body = new JsonObject { ["plan"] = plan };
            if (parsed.GetValue(dryRun)) body["dry_run"] = true;
            if (parsed.GetValue(rollback)) body["on_failure"] = WireParser.RollbackOnFailure;
            var progress = parsed.GetValue(dryRun) || !WireParser.IsPlanName(name)
                ? null
                : await PlanProgress.Follow(context, name, MeshEventType.PlanApplied, cancel);
            var reply = await context.Hub.Control(Requests.For(null, WireOperations.ApplyPlan, body).ToJsonString(), cancel, CliDefaults.PlanTimeout);
            if (progress is not null) await progress.End();
            return Show(context, reply, WireOperations.ApplyPlan);
        });
        return command;
    }

    /// <summary>The table, the problems of a refused plan, or the hub's error; the exit code of the reply.</summary>
    public static CliExit Show(CommandContext context, Http.HubReply reply, string operation)
    {
        var result = reply.Of(operation);
        if (context.Terminal.Json) context.Terminal.JsonLine(reply.Body);
        else
        {
            if (result["processes"] is JsonArray) TableView.Show(context.Terminal, PlanProgress.Columns, PlanProgress.Rows(result), wide: false);
            foreach (var problem in (reply.Body?["problems"] as JsonArray ?? []).Select(p => Units.String(p)))
                context.Terminal.Line($"  - {problem}");
        }
        if (reply.Exit != CliExit.Ok && reply.Body?["processes"] is null && reply.Body?["problems"] is null) reply.Ensure(operation);
        if (reply.Exit != CliExit.Ok) Console.Error.WriteLine($"b0: {Units.String(reply.Body?["error_message"])}");
        return reply.Exit;
    }
}
