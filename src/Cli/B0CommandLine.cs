using System.CommandLine;
using BlueZero.Cli.Commands;
using BlueZero.Cli.Rendering;
using ErrorTexts = BlueZero.Messages.Wire.ErrorTexts;
using ClosestName = BlueZero.Messages.Wire.ClosestName;

namespace BlueZero.Cli;

/// <summary>
/// b0's commands, parsed by System.CommandLine (help, typo hints, and completion through its [suggest] directive).
/// Every failure ends as one line "b0: TEXT" on stderr and an exit code of <see cref="CliExit"/>.
/// </summary>
public sealed class B0CommandLine
{
    public const string Description = """
        b0, the command line of a BlueZero mesh: it talks to the hub's HTTP API (POST /control, GET /hosts, ...).
        TARGET is a pid when it is all digits, else a name.

        Exit codes:
          0  it worked (for status: the process is running)
          1  the hub or the node said no (or, for status, the process is not running)
          2  usage error
          3  the hub cannot be reached, did not answer in time, or answered 5xx
          4  the token is missing or wrong (HTTP 401/403)
        """;

    private readonly GlobalOptions _globals = new();

    /// <summary>Tests render into this terminal instead of the process's standard output.</summary>
    public Terminal? Terminal { get; init; }

    public RootCommand Root { get; }

    public B0CommandLine()
    {
        Root = new RootCommand(Description);
        foreach (var option in _globals.All) Root.Options.Add(option);
        foreach (var command in new[]
                 {
                     HostsCommand.Create(this), PsCommand.Create(this), StartCommand.Create(this), StopCommand.Create(this),
                     RestartCommand.Create(this), StatusCommand.Create(this), LogsCommand.Create(this), StatsCommand.Create(this),
                     InfoCommand.Create(this), KillAllCommand.Create(this), EventsCommand.Create(this), CallCommand.Create(this),
                     UpCommand.Create(this), DownCommand.Create(this), PlansCommand.List(this), PlansCommand.Status(this),
                 })
            Root.Subcommands.Add(command);
    }

    public ParseResult Parse(IReadOnlyList<string> args) => Root.Parse(args);

    public async Task<int> Run(string[] args, TextWriter error)
    {
        var parsed = Parse(args);
        if (parsed.Errors.Count > 0)
        {
            await error.WriteLineAsync($"b0: {Describe(parsed)}");
            return (int)CliExit.Usage;
        }
        return await parsed.InvokeAsync(new InvocationConfiguration { Error = error });
    }

    /// <summary>Runs a command body with its context; a failure becomes its line on stderr and its exit code.</summary>
    public void SetAction(Command command, Func<ParseResult, CommandContext, CancellationToken, Task<CliExit>> body)
    {
        command.SetAction(async (parsed, cancel) =>
        {
            CommandContext? context = null;
            try
            {
                context = _globals.ContextOf(parsed, Terminal);
                return (int)await body(parsed, context, cancel);
            }
            catch (CliFailure failure)
            {
                if (failure.ReplyJson is { } json && context is { Terminal.Json: true }) context.Terminal.JsonText(json);
                await Console.Error.WriteLineAsync($"b0: {failure.Message}");
                return (int)failure.Exit;
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                return (int)CliExit.Ok; // Ctrl-C ends a watch or a follow: that is how they are meant to end
            }
            finally
            {
                context?.Dispose();
            }
        });
    }

    /// <summary>The first parse error on one line, with the closest command or option for an unknown one.</summary>
    private string Describe(ParseResult parsed)
    {
        var unknown = parsed.UnmatchedTokens.FirstOrDefault();
        // The error about the token the user typed says more than "Required command was not provided".
        var message = (parsed.Errors.FirstOrDefault(e => unknown is not null && e.Message.Contains(unknown)) ?? parsed.Errors[0]).Message;
        if (unknown is null) return message;
        var known = unknown.StartsWith('-')
            ? parsed.CommandResult.Command.Options.Concat(_globals.All).Select(o => o.Name)
            : Root.Subcommands.Select(c => c.Name);
        return message + ErrorTexts.DidYouMean(ClosestName.Find(unknown.Split('=')[0], known.ToList()));
    }
}
