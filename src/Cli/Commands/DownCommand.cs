using System.CommandLine;
using System.Text.Json.Nodes;
using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;

namespace BlueZero.Cli.Commands;

/// <summary><c>b0 down NAME</c>: remove_plan; each stop as it happens (dependents first), then the table.</summary>
public static class DownCommand
{
    public static Command Create(B0CommandLine cli)
    {
        var name = Requests.NoOptions(new Argument<string>("NAME") { Description = "the plan's name" });
        var command = new Command("down", "take a launch plan down: stop its processes in reverse dependency order, then forget it") { name };
        cli.SetAction(command, async (parsed, context, cancel) =>
        {
            var plan = parsed.GetValue(name)!;
            var progress = WireParser.IsPlanName(plan) ? await PlanProgress.Follow(context, plan, MeshEventType.PlanRemoved, cancel) : null;
            var reply = await context.Hub.Control(Requests.For(null, WireOperations.RemovePlan, new JsonObject { ["name"] = plan }).ToJsonString(),
                cancel, CliDefaults.PlanTimeout);
            if (progress is not null) await progress.End();
            return UpCommand.Show(context, reply, WireOperations.RemovePlan);
        });
        return command;
    }
}
