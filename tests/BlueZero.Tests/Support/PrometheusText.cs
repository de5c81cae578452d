using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace BlueZero.Tests.Support;

/// <summary>
/// A strict parser of the Prometheus text exposition format (0.0.4), for every scrape the tests make. It refuses what
/// a Prometheus server would refuse, and a little more: a sample of a family without a <c># TYPE</c> line, a TYPE after
/// the family's samples or given twice, a bad metric or label name, a bad escape, a label given twice, a value that is not a
/// float, the same series twice, a histogram without its <c>+Inf</c> bucket, or with buckets not cumulative, or whose
/// <c>+Inf</c> bucket differs from its <c>_count</c>, and a missing final newline. Throws <see cref="FormatException"/>
/// naming the line.
/// </summary>
public sealed partial class PrometheusText
{
    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    private readonly Dictionary<string, string> _types;

    private PrometheusText(IReadOnlyList<Sample> samples, Dictionary<string, string> types)
    {
        Samples = samples;
        _types = types;
    }

    public IReadOnlyList<Sample> Samples { get; }

    /// <summary>The TYPE of a family (counter, gauge, histogram, summary, untyped), or null when it was not declared.</summary>
    public string? TypeOf(string family) => _types.GetValueOrDefault(family);

    /// <summary>The value of the one sample named <paramref name="name"/> with exactly these labels, or null.</summary>
    public double? Value(string name, params (string Label, string Value)[] labels) =>
        Samples.SingleOrDefault(s => s.Name == name && s.Labels.Count == labels.Length
                                                    && labels.All(l => s.Labels.GetValueOrDefault(l.Label) == l.Value))?.Value;

    /// <summary>Every sample named <paramref name="name"/> whose labels include these.</summary>
    public IEnumerable<Sample> Where(string name, params (string Label, string Value)[] labels) =>
        Samples.Where(s => s.Name == name && labels.All(l => s.Labels.GetValueOrDefault(l.Label) == l.Value));

    public static PrometheusText Parse(string text)
    {
        if (text.Length > 0 && !text.EndsWith('\n')) throw new FormatException("the exposition does not end with a newline");
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var helps = new HashSet<string>(StringComparer.Ordinal);
        var sampled = new HashSet<string>(StringComparer.Ordinal);
        var series = new HashSet<string>(StringComparer.Ordinal);
        var samples = new List<Sample>();
        var lines = text.TrimEnd('\n').Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            FormatException Bad(string why) => new($"line {i + 1}: {why}: {line}");
            if (line.Length == 0) continue;
            if (line.StartsWith('#'))
            {
                var meta = Meta().Match(line);
                if (!meta.Success) continue; // any other comment is allowed
                var (kind, family, rest) = (meta.Groups["kind"].Value, meta.Groups["name"].Value, meta.Groups["rest"].Value);
                if (kind == "HELP")
                {
                    if (!helps.Add(family)) throw Bad("a second HELP");
                    Unescape(rest, inLabel: false, Bad);
                    continue;
                }
                if (rest is not ("counter" or "gauge" or "histogram" or "summary" or "untyped")) throw Bad("an unknown TYPE");
                if (sampled.Contains(family)) throw Bad("TYPE after the family's samples");
                if (!types.TryAdd(family, rest)) throw Bad("a second TYPE");
                continue;
            }
            var sample = ParseSample(line, Bad);
            var owner = FamilyOf(sample.Name, types) ?? throw Bad("a sample of a family without TYPE");
            sampled.Add(owner);
            var key = sample.Name + "{" + string.Join(",", sample.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")) + "}";
            if (!series.Add(key)) throw Bad("the same series twice");
            samples.Add(sample);
        }
        CheckHistograms(samples, types);
        return new PrometheusText(samples, types);
    }

    private static Sample ParseSample(string line, Func<string, FormatException> bad)
    {
        var name = MetricName().Match(line);
        if (!name.Success) throw bad("no metric name");
        var position = name.Length;
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (position < line.Length && line[position] == '{')
        {
            position++;
            while (line[position] != '}')
            {
                var label = LabelPair().Match(line, position);
                if (!label.Success || label.Index != position) throw bad("a malformed label");
                if (!labels.TryAdd(label.Groups["name"].Value, Unescape(label.Groups["value"].Value, inLabel: true, bad)))
                    throw bad("a label given twice");
                position += label.Length;
                if (position >= line.Length) throw bad("no closing brace");
                if (line[position] == ',') position++;
                else if (line[position] != '}') throw bad("labels not separated by commas");
            }
            position++;
        }
        var rest = line[position..];
        if (!rest.StartsWith(' ')) throw bad("no space before the value");
        var parts = rest[1..].Split(' ');
        if (parts.Length is < 1 or > 2) throw bad("not VALUE [TIMESTAMP]");
        if (parts.Length == 2 && !long.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
            throw bad("a timestamp that is not an integer");
        return new Sample(name.Value, labels, ParseValue(parts[0], bad));
    }

    private static double ParseValue(string text, Func<string, FormatException> bad) => text switch
    {
        "+Inf" or "Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ when FloatValue().IsMatch(text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
        _ => throw bad($"a value that is not a float ({text})"),
    };

    /// <summary>In a label value, \\, \" and \n; in HELP, \\ and \n.</summary>
    private static string Unescape(string text, bool inLabel, Func<string, FormatException> bad)
    {
        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\')
            {
                result.Append(text[i]);
                continue;
            }
            if (++i == text.Length) throw bad("a backslash at the end");
            result.Append(text[i] switch
            {
                '\\' => '\\',
                'n' => '\n',
                '"' when inLabel => '"',
                _ => throw bad($"a bad escape \\{text[i]}"),
            });
        }
        return result.ToString();
    }

    private static string? FamilyOf(string sampleName, Dictionary<string, string> types)
    {
        if (types.ContainsKey(sampleName)) return sampleName;
        foreach (var suffix in (string[])["_bucket", "_sum", "_count"])
            if (sampleName.EndsWith(suffix, StringComparison.Ordinal) && types.GetValueOrDefault(sampleName[..^suffix.Length]) is "histogram" or "summary")
                return sampleName[..^suffix.Length];
        return null;
    }

    private static void CheckHistograms(List<Sample> samples, Dictionary<string, string> types)
    {
        foreach (var family in types.Where(t => t.Value == "histogram").Select(t => t.Key))
        {
            var buckets = samples.Where(s => s.Name == family + "_bucket")
                .GroupBy(s => string.Join(",", s.Labels.Where(l => l.Key != "le").OrderBy(l => l.Key).Select(l => $"{l.Key}={l.Value}")));
            foreach (var child in buckets)
            {
                if (child.Any(s => !s.Labels.ContainsKey("le"))) throw new FormatException($"{family}{{{child.Key}}}: a bucket without le");
                var ordered = child.Select(s => (Le: ParseValue(s.Labels["le"], why => new FormatException(why)), s.Value)).OrderBy(b => b.Le).ToList();
                if (!double.IsPositiveInfinity(ordered[^1].Le)) throw new FormatException($"{family}{{{child.Key}}}: no +Inf bucket");
                for (var b = 1; b < ordered.Count; b++)
                    if (ordered[b].Value < ordered[b - 1].Value) throw new FormatException($"{family}{{{child.Key}}}: buckets not cumulative");
                var count = samples.SingleOrDefault(s => s.Name == family + "_count"
                    && string.Join(",", s.Labels.OrderBy(l => l.Key).Select(l => $"{l.Key}={l.Value}")) == child.Key);
                if (count is null || count.Value != ordered[^1].Value)
                    throw new FormatException($"{family}{{{child.Key}}}: the +Inf bucket is not the _count");
            }
        }
    }

    [GeneratedRegex(@"^# (?<kind>HELP|TYPE) (?<name>[a-zA-Z_:][a-zA-Z0-9_:]*) (?<rest>.*)$")]
    private static partial Regex Meta();

    [GeneratedRegex(@"^[a-zA-Z_:][a-zA-Z0-9_:]*")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"(?<name>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<value>(?:[^""\\\n]|\\.)*)""")]
    private static partial Regex LabelPair();

    [GeneratedRegex(@"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")]
    private static partial Regex FloatValue();
}
