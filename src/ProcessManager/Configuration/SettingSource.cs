using Akka.Configuration;

namespace BlueZero.ProcessManager.Configuration;

/// <summary>Looks a setting up in order: flag, environment variable, HOCON. Built-in defaults are the embedded HOCON.</summary>
public sealed class SettingSource(CommandLine flags, IReadOnlyDictionary<string, string> environment, Config hocon)
{
    public Config Hocon => hocon;
    public IReadOnlyDictionary<string, string> Environment => environment;

    public string? Get(FlagSpec spec, string hoconPath)
    {
        if (flags.Value(spec.Name) is { } flag) return flag;
        if (spec.EnvVar is not null && environment.TryGetValue(spec.EnvVar, out var env) && env.Length > 0) return env;
        return hocon.HasPath(hoconPath) ? hocon.GetString(hoconPath) : null;
    }

    public IReadOnlyList<string> GetList(FlagSpec spec, string hoconPath)
    {
        if (flags.Values(spec.Name) is { Count: > 0 } values) return SplitAll(values);
        if (spec.EnvVar is not null && environment.TryGetValue(spec.EnvVar, out var env) && env.Length > 0) return SplitAll([env]);
        return hocon.HasPath(hoconPath) ? hocon.GetStringList(hoconPath).ToList() : [];
    }

    public bool Switch(FlagSpec spec) => flags.Has(spec.Name);

    public bool Explicit(FlagSpec spec) =>
        flags.Has(spec.Name) || (spec.EnvVar is not null && environment.TryGetValue(spec.EnvVar, out var v) && v.Length > 0);

    private static List<string> SplitAll(IEnumerable<string> values) =>
        values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
}
