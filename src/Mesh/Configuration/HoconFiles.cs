using System.Reflection;
using Akka.Configuration;

namespace BlueZero.Mesh.Configuration;

/// <summary>
/// Loads hocon/*.hocon so users can edit settings without recompiling. Each file is looked for in B0_CONFIG_DIR /
/// --config-dir, then ./hocon, then next to the executable, and layered over the copy built into this library, which
/// holds every default: a user's file may set only what it changes.
/// </summary>
public static class HoconFiles
{
    public sealed record HoconFile(string Source, Config Config);

    /// <param name="fileNamesMostSpecificFirst">e.g. hub.hocon, process-manager.hocon, common.hocon.</param>
    /// <returns>Most specific first; each file found on disk just before its built-in copy.</returns>
    public static IReadOnlyList<HoconFile> Load(string? configDir, IReadOnlyList<string> fileNamesMostSpecificFirst)
    {
        var dirs = new[] { configDir, Path.Combine(Directory.GetCurrentDirectory(), "hocon"), Path.Combine(AppContext.BaseDirectory, "hocon") }
            .Where(d => !string.IsNullOrEmpty(d)).Cast<string>().ToList();
        var files = new List<HoconFile>();
        foreach (var name in fileNamesMostSpecificFirst)
        {
            if (dirs.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists) is { } file)
                files.Add(new HoconFile(file, ConfigurationFactory.ParseString(File.ReadAllText(file))));
            files.Add(BuiltIn(name));
        }
        return files;
    }

    /// <summary>The shipped copy of a file, built into this library: the home of every default.</summary>
    public static HoconFile BuiltIn(string name) => new($"built-in {name}", ConfigurationFactory.ParseString(ReadEmbedded(name)));

    /// <summary>The files as one configuration, the most specific winning.</summary>
    public static Config Merge(IReadOnlyList<HoconFile> files) =>
        files.Aggregate(Config.Empty, (merged, file) => merged.WithFallback(file.Config));

    private static string ReadEmbedded(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"hocon.{name}")
                           ?? throw new FileNotFoundException($"no built-in copy of {name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
