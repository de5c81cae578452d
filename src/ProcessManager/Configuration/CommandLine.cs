namespace BlueZero.ProcessManager.Configuration;

/// <summary>One command-line flag and the environment variable that stands in for it.</summary>
/// <param name="HoconPath">Where hocon/*.hocon holds the flag's default; --help shows the value found there, so the
/// help of each executable states the default it really has.</param>
public sealed record FlagSpec(string Name, string? EnvVar, string Help, bool TakesValue = true, bool Repeatable = false, string? HoconPath = null);

/// <summary>
/// Flags as given on the command line. Precedence is resolved by <see cref="SettingSource"/>:
/// flag, then environment, then HOCON, then the built-in default.
/// </summary>
public sealed class CommandLine
{
    private readonly Dictionary<string, List<string>> _values;

    private CommandLine(Dictionary<string, List<string>> values) => _values = values;

    public bool Has(string flag) => _values.ContainsKey(flag);
    public string? Value(string flag) => _values.TryGetValue(flag, out var v) ? v[^1] : null;
    public IReadOnlyList<string> Values(string flag) => _values.TryGetValue(flag, out var v) ? v : [];

    /// <summary>Parses <c>--flag value</c>, <c>--flag=value</c> and bare switches; returns null and an error for anything else.</summary>
    public static CommandLine? Parse(IReadOnlyList<string> args, IReadOnlyList<FlagSpec> specs, out string? error)
    {
        error = null;
        var values = new Dictionary<string, List<string>>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string name;
            string? inline = null;
            if (arg is "-h" or "--help") name = "--help";
            else if (arg.StartsWith("--"))
            {
                var eq = arg.IndexOf('=');
                name = eq < 0 ? arg : arg[..eq];
                inline = eq < 0 ? null : arg[(eq + 1)..];
            }
            else
            {
                error = $"unexpected argument '{arg}'";
                return null;
            }

            var spec = specs.FirstOrDefault(s => s.Name == name);
            if (spec is null)
            {
                error = $"unknown option '{name}'";
                return null;
            }
            string value;
            if (!spec.TakesValue)
            {
                if (inline is not null)
                {
                    error = $"option '{name}' takes no value";
                    return null;
                }
                value = "true";
            }
            else if (inline is not null) value = inline;
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--")) value = args[++i];
            else
            {
                error = $"option '{name}' needs a value";
                return null;
            }
            if (!values.TryGetValue(name, out var list)) values[name] = list = new List<string>();
            else if (!spec.Repeatable) list.Clear();
            list.Add(value);
        }
        return new CommandLine(values);
    }

    /// <param name="settings">The executable's HOCON, for the defaults of flags with a <see cref="FlagSpec.HoconPath"/>.</param>
    public static string Usage(string synopsis, string description, IReadOnlyList<FlagSpec> specs, Akka.Configuration.Config? settings = null)
    {
        var lines = new List<string> { $"usage: {synopsis}", "", description, "", "options (flag, then environment variable, then hocon/*.hocon, then default):" };
        foreach (var spec in specs)
        {
            var flag = spec.TakesValue ? $"{spec.Name} VALUE" : spec.Name;
            var env = spec.EnvVar is null ? "" : $"  [{spec.EnvVar}]";
            var fallback = spec.HoconPath is { } path && settings is not null && settings.HasPath(path) ? $" (default: {DefaultText(settings, path)})" : "";
            lines.Add($"  {flag,-28}{spec.Help}{fallback}{env}");
        }
        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>A list joined with commas; an empty list or string (an empty [] reads as one) is "none".</summary>
    private static string DefaultText(Akka.Configuration.Config settings, string path)
    {
        var text = settings.GetValue(path).IsArray() ? string.Join(",", settings.GetStringList(path)) : settings.GetString(path);
        return text is { Length: > 0 } ? text : "none";
    }
}
