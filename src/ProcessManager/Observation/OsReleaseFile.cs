using System.Text.RegularExpressions;

namespace BlueZero.ProcessManager.Observation;

/// <summary>Finds the distribution's display name in os-release(5): shell-style KEY=value lines, values maybe quoted.</summary>
public static partial class OsReleaseFile
{
    /// <summary>Where os-release(5) says to look, in order.</summary>
    public static readonly IReadOnlyList<string> Paths = ["/etc/os-release", "/usr/lib/os-release"];


    public static string ReadPrettyName()
    {
        foreach (var path in Paths)
            if (SystemFiles.ReadText(path) is { } text) return ParsePrettyName(text);
        return SystemFiles.Unknown;
    }

    public static string ParsePrettyName(string text)
    {
        var values = Parse(text);
        return values.GetValueOrDefault("PRETTY_NAME") ?? values.GetValueOrDefault("NAME") ?? SystemFiles.Unknown;
    }

    public static IReadOnlyDictionary<string, string> Parse(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            var equals = line.IndexOf('=');
            if (line.StartsWith('#') || equals <= 0) continue;
            values[line[..equals]] = Unquote(line[(equals + 1)..]);
        }
        return values;
    }

    /// <summary>"Debian \"x\"" and 'Debian' lose their quotes; inside double quotes a backslash escapes the next character.</summary>
    private static string Unquote(string value)
    {
        if (value.Length < 2 || value[0] is not ('"' or '\'') || value[^1] != value[0]) return value;
        var inner = value[1..^1];
        return value[0] == '"' ? BackslashEscape().Replace(inner, "$1") : inner;
    }

    [GeneratedRegex(@"\\(.)")]
    private static partial Regex BackslashEscape();
}
