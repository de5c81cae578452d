using System.Reflection;
using Akka.Configuration;

namespace BlueZero.ProcessManager.Configuration;

/// <summary>
/// Loads hocon/*.hocon so users can edit settings without recompiling. Looked for in B0_CONFIG_DIR / --config-dir,
/// then ./hocon, then next to the executable; a file found nowhere falls back to the copy built into the binary.
/// </summary>
public static class HoconFiles
{
    public static Config Load(string? configDir, IReadOnlyList<string> fileNamesMostSpecificFirst, out IReadOnlyList<string> sources)
    {
        var dirs = new[] { configDir, Path.Combine(Directory.GetCurrentDirectory(), "hocon"), Path.Combine(AppContext.BaseDirectory, "hocon") }
            .Where(d => !string.IsNullOrEmpty(d)).Cast<string>().ToList();
        var config = Config.Empty;
        var used = new List<string>();
        foreach (var name in fileNamesMostSpecificFirst)
        {
            var file = dirs.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
            string text;
            if (file is not null)
            {
                text = File.ReadAllText(file);
                used.Add(file);
            }
            else
            {
                text = ReadEmbedded(name);
                used.Add($"built-in {name}");
            }
            config = config.WithFallback(ConfigurationFactory.ParseString(text));
        }
        sources = used;
        return config;
    }

    private static string ReadEmbedded(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"hocon.{name}")
                           ?? throw new FileNotFoundException($"no built-in copy of {name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
