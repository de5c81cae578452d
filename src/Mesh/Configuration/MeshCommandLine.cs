using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using Akka.Configuration;

namespace BlueZero.Mesh.Configuration;

/// <summary>
/// The command line of an executable, parsed by System.CommandLine: one option per <see cref="MeshSetting"/>, plus
/// --help. Given HOCON defaults, each option's help ends with the default it really has and its environment variable.
/// </summary>
public sealed class MeshCommandLine
{
    private readonly RootCommand _root;
    private readonly Dictionary<MeshSetting, Option> _options = new();

    /// <param name="defaults">The HOCON the executable would run with, for --help; null leaves the defaults out.</param>
    public MeshCommandLine(string description, IReadOnlyList<MeshSetting> settings, Config? defaults = null)
    {
        _root = new RootCommand(description);
        foreach (var setting in settings)
        {
            Option option = setting.Kind is SettingKind.Switch
                ? new Option<bool>(setting.Flag)
                : new Option<string[]>(setting.Flag) { HelpName = "VALUE", Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = false };
            option.Description = HelpText(setting, defaults);
            _options[setting] = option;
            _root.Options.Add(option);
        }
    }

    public ParseResult Parse(IReadOnlyList<string> args) => _root.Parse(args);

    public GivenFlags Given(ParseResult parsed) => GivenFlags.From(parsed, _options);

    public static bool AsksForHelp(ParseResult parsed) => parsed.Action is HelpAction;

    /// <summary>Writes the help System.CommandLine builds to standard output.</summary>
    public static void WriteHelp(ParseResult parsed) => parsed.Invoke();

    /// <summary>
    /// The first usage error in one line, with System.CommandLine's message and, for an unknown flag, the closest
    /// known one: "error: Unrecognized command or argument '--seeed'. (did you mean --seed?) See --help."
    /// </summary>
    public string Describe(ParseResult parsed)
    {
        var error = parsed.Errors[0];
        var unknown = parsed.UnmatchedTokens.FirstOrDefault(t => t.StartsWith('-'));
        var guess = unknown is null ? null : BlueZero.Messages.Wire.ClosestName.Find(unknown.Split('=')[0], _options.Values.Select(o => o.Name));
        return guess is null ? $"{error.Message} See --help." : $"{error.Message} (did you mean {guess}?) See --help.";
    }

    private static string HelpText(MeshSetting setting, Config? defaults)
    {
        var fallback = setting is { Key: { } key, Kind: not SettingKind.Switch } && defaults is not null && defaults.HasPath(key) ? $" (default: {DefaultText(setting, defaults, key)})" : "";
        var env = setting.EnvVar is null ? "" : $"  [{setting.EnvVar}]";
        return $"{setting.Help}{fallback}{env}";
    }

    /// <summary>A list joined with commas; an empty value stands for <see cref="MeshSetting.EmptyMeans"/>, else "none".</summary>
    private static string DefaultText(MeshSetting setting, Config defaults, string key)
    {
        var text = defaults.GetValue(key).IsArray() ? string.Join(",", defaults.GetStringList(key)) : defaults.GetString(key);
        return text is { Length: > 0 } ? text : setting.EmptyMeans ?? "none";
    }
}

/// <summary>A command line that does not parse; the message is one line, shown to the user as is.</summary>
public sealed class UsageException(string message) : Exception(message);
