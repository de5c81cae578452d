using System.Text;

namespace BlueZero.ProcessManager.Observation;

/// <summary>Parses /proc/self/mounts: "device mountpoint fstype options dump pass", one mount a line.</summary>
public static class MountsFile
{
    public const string Path = "/proc/self/mounts";

    public static IReadOnlyList<MountEntry> Read() => Parse(SystemFiles.ReadText(Path) ?? "");

    public static IReadOnlyList<MountEntry> Parse(string text)
    {
        var mounts = new List<MountEntry>();
        foreach (var line in text.Split('\n'))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 3) continue;
            mounts.Add(new MountEntry(Unescape(fields[0]), Unescape(fields[1]), Unescape(fields[2])));
        }
        return mounts;
    }

    /// <summary>
    /// The kernel writes space, tab, newline and backslash in a field as a backslash and three octal digits
    /// ("/mnt/my\040disk"), so that fields stay space-separated.
    /// </summary>
    public static string Unescape(string field)
    {
        if (!field.Contains('\\')) return field;
        var decoded = new StringBuilder(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && IsOctal(field, i + 1))
            {
                decoded.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                decoded.Append(field[i]);
            }
        }
        return decoded.ToString();
    }

    private static bool IsOctal(string field, int start) =>
        start + 3 <= field.Length && field.AsSpan(start, 3).IndexOfAnyExceptInRange('0', '7') < 0;
}
