using System.CommandLine;
using System.Text.Json.Nodes;
using BlueZero.Messages.Wire;

namespace BlueZero.Cli.Commands;

/// <summary>The hub-form requests b0 sends (docs/PROTOCOL.md section 4), and the arguments they share.</summary>
public static class Requests
{
    public static Argument<string> Host() => NoOptions(new Argument<string>("HOST") { Description = "the host_name of a node" });

    public static Argument<string> Target() => NoOptions(new Argument<string>("TARGET") { Description = "a pid (all digits) or a name" });

    /// <summary>
    /// An argument that refuses a word starting with '-': System.CommandLine would take an unknown option (a typo,
    /// <c>ps --bogus</c>) as a host or a target and send it to the hub.
    /// </summary>
    public static T NoOptions<T>(T argument) where T : Argument
    {
        argument.Validators.Add(result =>
        {
            if (result.Tokens.FirstOrDefault(t => t.Value.StartsWith('-') && t.Value != "-") is { } token)
                result.AddError(ErrorTexts.CliUnknownOption(token.Value));
        });
        return argument;
    }

    /// <summary>A TARGET made only of ASCII digits is a pid, as in the sample scripts; anything else is a name.</summary>
    public static JsonObject TargetFields(string target) =>
        target.Length > 0 && target.All(char.IsAsciiDigit) && int.TryParse(target, out var pid)
            ? new JsonObject { ["pid"] = pid }
            : new JsonObject { ["name"] = target };

    /// <summary><c>{"host_name":HOST,"OPERATION":BODY}</c>, or cluster-wide without a host.</summary>
    public static JsonObject For(string? host, string operation, JsonObject? body = null)
    {
        var request = new JsonObject();
        if (host is not null) request[WireOperations.HostName] = host;
        request[operation] = body ?? new JsonObject();
        return request;
    }

    /// <summary>Each host's entry of a cluster-wide reply (section 3).</summary>
    public static IEnumerable<JsonObject> HostEntries(JsonObject operationReply) =>
        (operationReply["hosts"] as JsonArray ?? []).OfType<JsonObject>();
}
