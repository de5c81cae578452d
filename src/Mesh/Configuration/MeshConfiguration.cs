using Akka.Configuration;
using Akka.Configuration.Hocon;
using Microsoft.Extensions.Configuration;

namespace BlueZero.Mesh.Configuration;

/// <summary>
/// The settings as Microsoft.Extensions.Configuration layers them: hocon/*.hocon (common, then the executable's own),
/// then B0_* environment variables, then flags; a later source wins. Keys are the HOCON paths (bluezero.cluster-port
/// is bluezero:cluster-port). A list is one comma-separated value in every layer, so a list given by a flag replaces
/// the HOCON's list instead of overwriting its first entries.
/// </summary>
public static class MeshConfiguration
{
    private const string Root = "bluezero";

    public static IConfigurationRoot Build(IReadOnlyList<HoconFiles.HoconFile> filesMostSpecificFirst, IReadOnlyList<MeshSetting> settings,
        IReadOnlyDictionary<string, string> environment, GivenFlags flags)
    {
        var builder = new ConfigurationBuilder();
        foreach (var file in filesMostSpecificFirst.Reverse())
            builder.AddInMemoryCollection(FromHocon(file.Config));
        builder.AddInMemoryCollection(FromEnvironment(settings, environment));
        builder.AddInMemoryCollection(FromFlags(settings, flags));
        return builder.Build();
    }

    /// <summary>The configuration key of a HOCON path.</summary>
    public static string KeyOf(string hoconPath) => hoconPath.Replace('.', ':');

    private static IEnumerable<KeyValuePair<string, string?>> FromHocon(Config file)
    {
        if (!file.HasPath(Root)) return [];
        var pairs = new List<KeyValuePair<string, string?>>();
        Flatten(Root, file.GetValue(Root), pairs);
        return pairs;
    }

    private static void Flatten(string path, HoconValue value, List<KeyValuePair<string, string?>> into)
    {
        if (value.IsObject())
            foreach (var (name, child) in value.GetObject().Items)
                Flatten($"{path}.{name}", child, into);
        else if (value.IsArray())
            into.Add(new(KeyOf(path), string.Join(",", value.GetStringList())));
        else // Akka reads an empty list [] as neither array nor text: it is an empty value.
            into.Add(new(KeyOf(path), value.GetString() ?? ""));
    }

    /// <summary>An empty variable counts as unset, as it always has.</summary>
    private static IEnumerable<KeyValuePair<string, string?>> FromEnvironment(IReadOnlyList<MeshSetting> settings, IReadOnlyDictionary<string, string> environment) =>
        from setting in settings
        where setting is { Key: not null, EnvVar: not null }
        let value = environment.GetValueOrDefault(setting.EnvVar!)
        where !string.IsNullOrEmpty(value)
        select new KeyValuePair<string, string?>(KeyOf(setting.Key!), value);

    private static IEnumerable<KeyValuePair<string, string?>> FromFlags(IReadOnlyList<MeshSetting> settings, GivenFlags flags) =>
        from setting in settings
        where setting.Key is not null && flags.Values(setting).Count > 0
        let values = flags.Values(setting)
        select new KeyValuePair<string, string?>(KeyOf(setting.Key!), setting.Kind is SettingKind.List ? string.Join(",", values) : values[^1]);
}
