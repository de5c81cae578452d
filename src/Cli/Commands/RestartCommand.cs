using System.CommandLine;
using BlueZero.Cli.Rendering;
using BlueZero.Messages.Wire;

namespace BlueZero.Cli.Commands;

/// <summary><c>b0 restart HOST TARGET</c>: restart_process (the same entry, name and history; a new pid).</summary>
public static class RestartCommand
{
    public static Command Create(B0CommandLine cli)
    {
        var host = Requests.Host();
        var target = Requests.Target();
        var command = new Command("restart", "stop (full escalation), then start the same spec again, keeping the name and its history") { host, target };
        cli.SetAction(command, async (parsed, context, cancel) =>
        {
            var body = Requests.TargetFields(parsed.GetValue(target)!);
            var reply = (await context.Hub.Control(Requests.For(parsed.GetValue(host), WireOperations.RestartProcess, body), cancel)).Ensure(WireOperations.RestartProcess);
            var restarted = reply.Of(WireOperations.RestartProcess);
            if (context.Terminal.Json) context.Terminal.JsonLine(reply.Body);
            else
            {
                var previous = Units.Exit(restarted, "previous_exit_code", "previous_signal");
                context.Terminal.Line($"restarted {parsed.GetValue(target)}: pid {restarted["pid"]}"
                                      + (restarted["previous_pid"] is { } old ? $" (was pid {old}{(previous.Length > 0 ? ", " + previous : "")})" : ""));
            }
            return CliExit.Ok;
        });
        return command;
    }
}
