using System.CommandLine;
using System.Text.Json.Nodes;
using BlueZero.Cli.Rendering;
using BlueZero.Messages.Wire;

namespace BlueZero.Cli.Commands;

/// <summary><c>b0 stop HOST TARGET [--wait]</c>: stop_process; with --wait, how the process ended.</summary>
public static class StopCommand
{
    public static Command Create(B0CommandLine cli)
    {
        var host = Requests.Host();
        var target = Requests.Target();
        var wait = new Option<bool>("--wait") { Description = "wait until it has exited, and print its exit code or signal" };
        var command = new Command("stop", "stop a process and its tree (SIGINT, then SIGTERM, then SIGKILL)") { host, target, wait };
        cli.SetAction(command, async (parsed, context, cancel) =>
        {
            var body = Requests.TargetFields(parsed.GetValue(target)!);
            if (parsed.GetValue(wait)) body["wait"] = true;
            var reply = (await context.Hub.Control(Requests.For(parsed.GetValue(host), WireOperations.StopProcess, body), cancel)).Ensure(WireOperations.StopProcess);
            var stopped = reply.Of(WireOperations.StopProcess);
            if (context.Terminal.Json) context.Terminal.JsonLine(reply.Body);
            else context.Terminal.Line(Describe(stopped));
            return CliExit.Ok;
        });
        return command;
    }

    public static string Describe(JsonObject stopped)
    {
        var exit = Units.Exit(stopped, "exit_code", "signal");
        return exit.Length == 0 ? $"stopping pid {stopped["pid"]}" : $"pid {stopped["pid"]} ended: {exit}";
    }
}
