using System.Globalization;
using System.Text.Json.Nodes;

namespace BlueZero.Cli.Rendering;

/// <summary>How b0 writes numbers for people: sizes, durations, percentages, times, and a sparkline.</summary>
public static class Units
{
    private static readonly string[] SizeSuffixes = ["B", "K", "M", "G", "T"];

    /// <summary>Eight heights of a sparkline (Spectre.Console has bar charts but no sparkline).</summary>
    private const string SparkBlocks = "▁▂▃▄▅▆▇█";

    public static string Bytes(long? bytes)
    {
        if (bytes is not { } value) return "";
        double size = value;
        var unit = 0;
        while (size >= 1024 && unit < SizeSuffixes.Length - 1) { size /= 1024; unit++; }
        return unit == 0 ? $"{value}B" : size.ToString(size < 10 ? "0.0" : "0", CultureInfo.InvariantCulture) + SizeSuffixes[unit];
    }

    public static string Duration(double? seconds)
    {
        if (seconds is not { } s || s < 0) return "";
        var span = TimeSpan.FromSeconds(s);
        return span.TotalDays >= 1 ? $"{(int)span.TotalDays}d{span.Hours}h"
            : span.TotalHours >= 1 ? $"{(int)span.TotalHours}h{span.Minutes}m"
            : span.TotalMinutes >= 1 ? $"{(int)span.TotalMinutes}m{span.Seconds}s"
            : $"{(int)span.TotalSeconds}s";
    }

    public static string Percent(double? value) => value?.ToString("0.0", CultureInfo.InvariantCulture) ?? "";

    public static string Number(double? value) => value?.ToString("0.###", CultureInfo.InvariantCulture) ?? "";

    /// <summary>The hub's time (ISO-8601 UTC) as a local time to the second; the text itself when it does not parse.</summary>
    public static string Time(string? iso) =>
        iso is not null && DateTimeOffset.TryParse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)
            : iso ?? "";

    /// <summary>"exit 3", "signal 9 (exit 137)", "exit unknown", or "" when there is no exit.</summary>
    public static string Exit(JsonObject row, string codeField, string signalField)
    {
        if (row[signalField] is { } signal) return $"signal {signal} (exit {row[codeField]})";
        if (row.ContainsKey(codeField)) return row[codeField] is { } code ? $"exit {code}" : "exit unknown";
        return "";
    }

    public static string Sparkline(IReadOnlyList<double> values)
    {
        if (values.Count == 0) return "";
        var max = values.Max();
        return string.Concat(values.Select(v => SparkBlocks[max <= 0 ? 0 : (int)Math.Round(v / max * (SparkBlocks.Length - 1))]));
    }

    public static double? Double(JsonNode? node) => node is JsonValue value && value.TryGetValue<double>(out var d) ? d : null;

    public static long? Long(JsonNode? node) => node is JsonValue value && value.TryGetValue<long>(out var l) ? l : null;

    public static string? String(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;
}
