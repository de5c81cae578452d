using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BlueZero.Messages.Wire;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace BlueZero.Cli.Commands;

/// <summary>
/// A plan file for <c>b0 up</c>: JSON (.json) or YAML (anything else), read with YamlDotNet and turned into the JSON
/// the hub takes. Before parsing, <c>${NAME}</c> is replaced: <c>${HUB}</c> by the hub's own host_name, any other
/// NAME by that environment variable; <c>${NAME:-OTHER}</c> falls back to <c>${OTHER}</c> when NAME is unset, so
/// <c>host: ${B0_NODE:-HUB}</c> runs on the node B0_NODE names, or on the hub's own host.
/// </summary>
public static partial class PlanFile
{
    public static JsonObject Read(string path, string hubHost)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { throw new CliFailure(CliExit.Usage, ErrorTexts.CliPlanFileUnreadable(path, ex.Message)); }
        text = Expand(text, hubHost, Environment.GetEnvironmentVariable);
        try
        {
            var node = path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? JsonNode.Parse(text) : FromYaml(text);
            return node as JsonObject ?? throw new CliFailure(CliExit.Usage, ErrorTexts.CliPlanFileNotAnObject(path));
        }
        catch (Exception ex) when (ex is JsonException or YamlException)
        {
            throw new CliFailure(CliExit.Usage, ErrorTexts.CliPlanFileUnreadable(path, ex.Message));
        }
    }

    /// <summary>Replaces every <c>${NAME}</c> and <c>${NAME:-OTHER}</c>; an unset name with no fallback is an error.</summary>
    public static string Expand(string text, string hubHost, Func<string, string?> environment) =>
        Placeholder().Replace(text, match =>
        {
            string? Resolve(string name) => name == CliDefaults.HubPlaceholder ? hubHost : environment(name);
            var value = Resolve(match.Groups[1].Value) ?? (match.Groups[2].Success ? Resolve(match.Groups[2].Value) : null);
            return value ?? throw new CliFailure(CliExit.Usage, ErrorTexts.CliPlanVariableUnset(match.Value));
        });

    private static JsonNode? FromYaml(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Count == 0 ? null : Convert(stream.Documents[0].RootNode);
    }

    /// <summary>Mappings become objects, sequences arrays; a plain scalar that reads as a number or a boolean is one.</summary>
    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(pair =>
            KeyValuePair.Create(((YamlScalarNode)pair.Key).Value ?? "", Convert(pair.Value)))),
        YamlSequenceNode list => new JsonArray(list.Children.Select(Convert).ToArray()),
        YamlScalarNode { Style: ScalarStyle.Plain } scalar => Plain(scalar.Value),
        YamlScalarNode scalar => JsonValue.Create(scalar.Value),
        _ => null,
    };

    private static JsonNode? Plain(string? value) => value switch
    {
        null or "" or "~" or "null" => null,
        "true" => JsonValue.Create(true),
        "false" => JsonValue.Create(false),
        _ when long.TryParse(value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var whole) => JsonValue.Create(whole),
        _ when double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var number) => JsonValue.Create(number),
        _ => JsonValue.Create(value),
    };

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([A-Za-z_][A-Za-z0-9_]*))?\}")]
    private static partial Regex Placeholder();
}
