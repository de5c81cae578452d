using System.CommandLine;
using BlueZero.Cli.Http;
using BlueZero.Cli.Rendering;

namespace BlueZero.Cli;

/// <summary>The options every command takes: where the hub is, the token, and how to print.</summary>
public sealed class GlobalOptions
{
    public Option<string> Hub { get; } = new("--hub")
    {
        Description = $"the hub's URL  [{CliDefaults.HubUrlVariable}, default {CliDefaults.HubUrl}]",
        HelpName = "URL",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(CliDefaults.HubUrlVariable) is { Length: > 0 } url ? url : CliDefaults.HubUrl,
    };

    public Option<string?> Token { get; } = new("--token")
    {
        Description = $"bearer token for a hub with a token file  [{CliDefaults.TokenVariable}]",
        HelpName = "T",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(CliDefaults.TokenVariable),
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "print the hub's JSON reply (a JSON array of rows for a table) and nothing else",
        Recursive = true,
    };

    public Option<bool> NoColor { get; } = new("--no-color")
    {
        Description = "no colour (also when NO_COLOR is set or the output is not a terminal)",
        Recursive = true,
    };

    public IEnumerable<Option> All => [Hub, Token, Json, NoColor];

    /// <summary>What a command runs with, from its parse result.</summary>
    public CommandContext ContextOf(ParseResult parsed, Terminal? terminal = null)
    {
        var url = parsed.GetValue(Hub)!;
        if (!Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var baseUrl) || baseUrl.Scheme is not ("http" or "https"))
            throw new CliFailure(CliExit.Usage, $"--hub takes an http:// or https:// URL, not '{url}'");
        return new CommandContext(new HubConnection(baseUrl, parsed.GetValue(Token)),
            terminal ?? Terminal.ForProcess(parsed.GetValue(Json), parsed.GetValue(NoColor)));
    }
}

/// <summary>The hub and the terminal of one command run.</summary>
public sealed record CommandContext(HubConnection Hub, Terminal Terminal) : IDisposable
{
    public void Dispose() => Hub.Dispose();
}
