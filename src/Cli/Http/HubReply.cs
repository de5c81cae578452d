using System.Text.Json.Nodes;
using BlueZero.Messages.Wire;

namespace BlueZero.Cli.Http;

/// <summary>One answer of the hub: its HTTP status and JSON body (docs/PROTOCOL.md, sections 3 and 10).</summary>
public sealed record HubReply(int Status, JsonNode? Body, string Text)
{
    public static HubReply Parse(int status, string text)
    {
        JsonNode? body = null;
        try { body = text.Length == 0 ? null : JsonNode.Parse(text); }
        catch (System.Text.Json.JsonException) { }
        return new HubReply(status, body, text);
    }

    /// <summary>401/403: the token; 5xx: the hub (or the host behind it) cannot serve; any other failure is a "no".</summary>
    public CliExit Exit => Status switch
    {
        >= 200 and < 300 => CliExit.Ok,
        401 or 403 => CliExit.Unauthorized,
        >= 500 => CliExit.Unreachable,
        _ => CliExit.Refused,
    };

    /// <summary>The operation's own object (<c>reply["start_process"]</c>), or the whole body.</summary>
    public JsonObject Of(string? operation) =>
        (operation is not null ? Body?[operation] as JsonObject : null) ?? Body as JsonObject ?? new JsonObject();

    /// <summary>This reply when it worked; otherwise a failure that carries the node's or the hub's own words.</summary>
    public HubReply Ensure(string? operation = null)
    {
        if (Exit == CliExit.Ok) return this;
        var message = Of(operation)["error_message"]?.GetValue<string>()
                      ?? Body?["error_message"]?.GetValue<string>()
                      ?? (Body is null && Text.Length > 0 ? ErrorTexts.HubNotJson(Status) : ErrorTexts.HubStatus(Status));
        throw new CliFailure(Exit, message, Body is null ? null : Text);
    }
}
