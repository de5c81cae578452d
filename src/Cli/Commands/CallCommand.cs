using System.CommandLine;
using BlueZero.Messages.Wire;

namespace BlueZero.Cli.Commands;

/// <summary><c>b0 call [FILE]</c>: a raw request, byte for byte, to POST /control; prints the reply as the hub sent it.</summary>
public static class CallCommand
{
    public static Command Create(B0CommandLine cli)
    {
        var file = Requests.NoOptions(new Argument<string?>("FILE") { Description = "the JSON request (default: standard input)", Arity = ArgumentArity.ZeroOrOne });
        var command = new Command("call", "send a raw JSON request and print the reply") { file };
        cli.SetAction(command, async (parsed, context, cancel) =>
        {
            var path = parsed.GetValue(file);
            string body;
            try
            {
                body = path is null ? await Console.In.ReadToEndAsync(cancel) : await File.ReadAllTextAsync(path, cancel);
            }
            catch (IOException error)
            {
                throw new CliFailure(CliExit.Usage, ErrorTexts.CliCannotRead(path ?? "stdin", error.Message));
            }
            var reply = await context.Hub.Control(body, cancel);
            context.Terminal.JsonText(reply.Text);
            if (reply.Exit == CliExit.Ok) return CliExit.Ok;
            try
            {
                reply.Ensure(WireOperations.All.FirstOrDefault(op => reply.Body?[op] is not null));
            }
            catch (CliFailure failure)
            {
                throw new CliFailure(failure.Exit, failure.Message); // the reply is printed already
            }
            return CliExit.Ok;
        });
        return command;
    }
}
