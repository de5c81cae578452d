namespace BlueZero.ProcessManager.Observation;

/// <summary>
/// Reads files under /proc, /sys and /etc for the observation readers. A missing or unreadable file is an answer
/// ("not known here": a container without /sys, a hardened /proc), not an error, so these return null instead of throwing.
/// </summary>
public static class SystemFiles
{
    /// <summary>The text reported for a value that could not be read.</summary>
    public const string Unknown = "unknown";

    public static string? ReadText(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>The first line, trimmed; null when the file is missing, unreadable or blank.</summary>
    public static string? ReadFirstLine(string path) =>
        ReadText(path) is { } text && FirstLine(text) is { Length: > 0 } line ? line : null;

    private static string FirstLine(string text)
    {
        var end = text.IndexOf('\n');
        return (end < 0 ? text : text[..end]).Trim();
    }
}
