using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.Json.Nodes;
using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;

namespace BlueZero.Cli.Commands;

/// <summary><c>b0 start HOST [OPTIONS] -- PATH [ARG...]</c>: start_process, every field of section 4.1 as an option.</summary>
public static class StartCommand
{
    public static Command Create(B0CommandLine cli)
    {
        var host = Requests.Host();
        var program = new Argument<string[]>("PATH") { Description = "after --: the absolute path on the node, then its arguments", Arity = ArgumentArity.OneOrMore };
        var name = new Option<string?>("--name") { Description = "a stable name for stop, status, logs and restart", HelpName = "N" };
        var env = new Option<string[]>("--env", "-e") { Description = "an environment variable, NAME=VALUE (repeatable)", HelpName = "K=V", AllowMultipleArgumentsPerToken = false };
        env.Validators.Add(result =>
        {
            if (result.Tokens.Any(t => t.Value.IndexOf('=') <= 0)) result.AddError(ErrorTexts.CliEnvWithoutEquals);
        });
        var cwd = new Option<string?>("--cwd") { Description = "absolute working directory on the node", HelpName = "DIR" };
        var restart = new Option<string?>("--restart") { Description = "restart policy: never, on-failure or always", HelpName = "POLICY" };
        restart.AcceptOnlyFromAmong(WireNames.RestartPolicies.All.ToArray());
        var maxRestarts = new Option<int?>("--max-restarts") { Description = "restarts in a row before giving up; -1 forever", HelpName = "N" };
        var backoffInitial = new Option<int?>("--backoff-initial") { Description = "first restart delay in ms", HelpName = "MS" };
        var backoffMax = new Option<int?>("--backoff-max") { Description = "largest restart delay in ms", HelpName = "MS" };
        var maxTime = new Option<double?>("--max-time") { Description = "seconds one run may last", HelpName = "S" };
        var every = new Option<double?>("--every") { Description = "a recurring job: run again S seconds after each run ends", HelpName = "S" };
        var stdin = new Option<string?>("--stdin") { Description = "text written to the process's stdin, then closed", HelpName = "TEXT" };
        var output = new Option<string?>("--output") { Description = "capture (default), discard or inherit", HelpName = "MODE" };
        output.AcceptOnlyFromAmong(WireNames.OutputModes.All.ToArray());
        var command = new Command("start", "start a process on HOST: b0 start HOST [OPTIONS] -- PATH [ARG...]")
        {
            host, program, name, env, cwd, restart, maxRestarts, backoffInitial, backoffMax, maxTime, every, stdin, output,
        };
        cli.SetAction(command, async (parsed, context, cancel) =>
        {
            if (!parsed.Tokens.Any(t => t.Type == TokenType.DoubleDash)) throw new CliFailure(CliExit.Usage, ErrorTexts.CliStartNeedsDoubleDash);
            var words = parsed.GetValue(program)!;
            var body = new JsonObject { ["path"] = words[0], ["args"] = new JsonArray(words.Skip(1).Select(a => (JsonNode)a!).ToArray()) };
            if (parsed.GetValue(env) is { Length: > 0 } pairs)
                body["env"] = new JsonObject(pairs.Select(p => new KeyValuePair<string, JsonNode?>(p[..p.IndexOf('=')], p[(p.IndexOf('=') + 1)..])));
            if (parsed.GetValue(cwd) is { } dir) body["cwd"] = dir;
            if (parsed.GetValue(name) is { } n) body["name"] = n;
            if (parsed.GetValue(maxTime) is { } limit) body["max_time"] = limit;
            if (parsed.GetValue(every) is { } period) body["recurring_period"] = period;
            if (Restart(parsed.GetValue(restart), parsed.GetValue(maxRestarts), parsed.GetValue(backoffInitial), parsed.GetValue(backoffMax)) is { } policy)
                body["restart"] = policy;
            if (parsed.GetValue(output) is { } mode) body["output"] = mode;
            if (parsed.GetValue(stdin) is { } text) body["stdin"] = text;
            var reply = (await context.Hub.Control(Requests.For(parsed.GetValue(host), WireOperations.StartProcess, body), cancel)).Ensure(WireOperations.StartProcess);
            if (context.Terminal.Json) context.Terminal.JsonLine(reply.Body);
            else context.Terminal.Line($"started {parsed.GetValue(name) ?? words[0]} on {parsed.GetValue(host)}: pid {reply.Of(WireOperations.StartProcess)["pid"]}");
            return CliExit.Ok;
        });
        return command;
    }

    /// <summary>The restart object; the policy defaults to on-failure when only its tuning is given.</summary>
    private static JsonObject? Restart(string? policy, int? maxRestarts, int? initial, int? max)
    {
        if (policy is null && maxRestarts is null && initial is null && max is null) return null;
        var restart = new JsonObject { ["policy"] = policy ?? RestartPolicyKind.OnFailure.ToWire() };
        if (maxRestarts is { } count) restart["max_restarts"] = count;
        if (initial is not null || max is not null)
        {
            var backoff = new JsonObject();
            if (initial is { } i) backoff["initial_ms"] = i;
            if (max is { } m) backoff["max_ms"] = m;
            restart["backoff"] = backoff;
        }
        return restart;
    }
}
