using System.CommandLine;

namespace BlueZero.Mesh.Configuration;

/// <summary>The settings given on the command line, each with its values in order (a switch has its switch value).</summary>
public sealed class GivenFlags
{
    private readonly IReadOnlyDictionary<MeshSetting, IReadOnlyList<string>> _values;

    private GivenFlags(IReadOnlyDictionary<MeshSetting, IReadOnlyList<string>> values) => _values = values;

    public static readonly GivenFlags None = new(new Dictionary<MeshSetting, IReadOnlyList<string>>());

    public IReadOnlyList<string> Values(MeshSetting setting) => _values.GetValueOrDefault(setting) ?? [];

    /// <summary>The last value given, so a flag repeated by a wrapper script overrides the one before it.</summary>
    public string? Value(MeshSetting setting) => Values(setting) is { Count: > 0 } values ? values[^1] : null;

    /// <summary>Parses <paramref name="args"/> against <paramref name="settings"/>; a usage error throws <see cref="UsageException"/>.</summary>
    public static GivenFlags Parse(IReadOnlyList<string> args, IReadOnlyList<MeshSetting> settings)
    {
        var command = new MeshCommandLine("", settings);
        var parsed = command.Parse(args);
        if (parsed.Errors.Count > 0) throw new UsageException(command.Describe(parsed));
        return command.Given(parsed);
    }

    internal static GivenFlags From(ParseResult parsed, IReadOnlyDictionary<MeshSetting, Option> options)
    {
        var values = new Dictionary<MeshSetting, IReadOnlyList<string>>();
        foreach (var (setting, option) in options)
        {
            if (parsed.GetResult(option) is null) continue;
            if (option is Option<bool> flag)
            {
                if (parsed.GetValue(flag)) values[setting] = [setting.SwitchValue!];
            }
            else values[setting] = parsed.GetValue((Option<string[]>)option) ?? [];
        }
        return new GivenFlags(values);
    }
}
