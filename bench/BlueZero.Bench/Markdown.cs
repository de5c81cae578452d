using System.Globalization;
using System.Text;

namespace BlueZero.Bench;

/// <summary>The results text being written: lines with invariant number formatting, and the shared table shapes.</summary>
internal sealed class Markdown
{
    private readonly StringBuilder _text = new();

    public void Line(FormattableString line) => _text.AppendLine(line.ToString(CultureInfo.InvariantCulture));

    public void Line() => _text.AppendLine();

    /// <summary>Text copied as it is (a hand-written Markdown file).</summary>
    public void Raw(string text) => _text.Append(text);

    /// <summary>
    /// The section's heading, then, when it has no result, why; returns the result to write, or null when there
    /// is none.
    /// </summary>
    public T? Section<T>(BenchSection section, SectionOutcome<T> outcome) where T : class
    {
        _text.AppendLine(section.Heading()).AppendLine();
        if (outcome.Result is null)
        {
            Line($"{(outcome.Failed ? "**Failed**" : "Not run")}: {FirstLine(outcome.NotRunReason)}");
            Line();
        }
        return outcome.Result;
    }

    public void LatencyHeader()
    {
        Line($"| series | samples | min | median | p90 | p99 | max | first sample | slowest sample |");
        Line($"|---|--:|--:|--:|--:|--:|--:|--:|--:|");
    }

    /// <summary>One row under <see cref="LatencyHeader"/>, in milliseconds; "n/a" when nothing was measured.</summary>
    public void LatencyRow(string name, LatencyStats? s)
    {
        if (s is null)
            Line($"| {name} | 0 | n/a | n/a | n/a | n/a | n/a | n/a | |");
        else
            Line($"| {name} | {s.Count} | {s.Min:F2} | {s.Median:F2} | {s.P90:F2} | {s.P99:F2} | {s.Max:F2} | {s.First:F2} | #{s.IndexOfMax + 1} |");
    }

    /// <summary>
    /// The first line of a reason: a failure may carry a program's last output, which belongs on the console (and in
    /// --logs), not in the results.
    /// </summary>
    public static string FirstLine(string? text)
    {
        var lines = (text ?? "").Split('\n');
        return lines.Length == 1 ? lines[0] : $"{lines[0]} [{lines.Length - 1} more lines on the console]";
    }

    /// <summary>A figure for a table cell, or "n/a" when it was not measured.</summary>
    public static string Figure(double? value, string format = "F2") =>
        value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "n/a";

    public override string ToString() => _text.ToString();
}
