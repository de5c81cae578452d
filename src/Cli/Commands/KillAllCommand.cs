using System.CommandLine;
using System.Text.Json.Nodes;
using BlueZero.Messages.Wire;
using Spectre.Console;

namespace BlueZero.Cli.Commands;

/// <summary>
/// <c>b0 kill-all (HOST | --all-hosts) [--yes]</c>: kill_all. It asks first on a terminal; when stdin is not a
/// terminal it needs --yes, so a script never stops a mesh by accident.
/// </summary>
public static class KillAllCommand
{
    public static Command Create(B0CommandLine cli)
    {
        var host = Requests.NoOptions(new Argument<string?>("HOST") { Description = "the host whose processes to stop", Arity = ArgumentArity.ZeroOrOne });
        var allHosts = new Option<bool>("--all-hosts") { Description = "every host of the mesh" };
        var yes = new Option<bool>("--yes", "-y") { Description = "do not ask" };
        var command = new Command("kill-all", "stop every managed process of HOST, or of every host") { host, allHosts, yes };
        command.Validators.Add(result =>
        {
            if ((result.GetValue(host) is null) == !result.GetValue(allHosts)) result.AddError(ErrorTexts.CliKillAllNeedsTarget);
        });
        cli.SetAction(command, async (parsed, context, cancel) =>
        {
            var name = parsed.GetValue(host);
            var scope = name ?? "every host";
            if (!parsed.GetValue(yes))
            {
                if (Console.IsInputRedirected || !context.Terminal.Interactive) throw new CliFailure(CliExit.Usage, ErrorTexts.CliKillAllNeedsYes);
                if (!await context.Terminal.Console.ConfirmAsync($"Stop every managed process on {scope}?", defaultValue: false, cancel))
                    throw new CliFailure(CliExit.Refused, ErrorTexts.CliKillAllDeclined);
            }
            var body = name is null ? new JsonObject { ["all_hosts"] = true } : new JsonObject();
            var reply = (await context.Hub.Control(Requests.For(name, WireOperations.KillAll, body), cancel)).Ensure(WireOperations.KillAll);
            if (context.Terminal.Json)
            {
                context.Terminal.JsonLine(reply.Body);
                return CliExit.Ok;
            }
            var killed = reply.Of(WireOperations.KillAll);
            var entries = name is null ? Requests.HostEntries(killed).ToList() : [new JsonObject { ["host_name"] = name, ["pids"] = killed["pids"]?.DeepClone() }];
            foreach (var entry in entries)
                context.Terminal.Line(entry["error_message"] is { } error
                    ? $"{entry["host_name"]}: {error}"
                    : $"{entry["host_name"]}: stopping {(entry["pids"] as JsonArray ?? []).Count} process(es) {entry["pids"]?.ToJsonString()}");
            return CliExit.Ok;
        });
        return command;
    }
}
