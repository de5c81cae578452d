using System.Text.RegularExpressions;

namespace BlueZero.Tests.Support;

/// <summary>
/// The table of what each token role may do, read from docs/OPERATIONS.md ("Front door security"): one row per wire
/// operation or HTTP endpoint, keyed by the first `code` span of its first cell, with the role it needs
/// (<c>read</c>, <c>admin</c> or <c>none</c>).
/// </summary>
public static partial class DocumentedRoles
{
    public const string Read = "read";
    public const string Admin = "admin";
    public const string None = "none";

    private const string Header = "| operation or endpoint | role needed |";

    public static IReadOnlyDictionary<string, string> Load() =>
        Parse(File.ReadAllLines(Path.Combine(TestPaths.RepoRoot, "docs", "OPERATIONS.md")));

    public static IReadOnlyDictionary<string, string> Parse(IReadOnlyList<string> lines)
    {
        var start = lines.ToList().IndexOf(Header);
        if (start < 0) throw new InvalidOperationException($"docs/OPERATIONS.md has no table headed '{Header}'");
        var roles = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(start + 2).TakeWhile(l => l.StartsWith('|')))
        {
            var match = Row().Match(line);
            if (!match.Success) throw new InvalidOperationException($"docs/OPERATIONS.md: not a role row: {line}");
            if (!roles.TryAdd(match.Groups["key"].Value, match.Groups["role"].Value))
                throw new InvalidOperationException($"docs/OPERATIONS.md: {match.Groups["key"].Value} has two rows");
        }
        return roles;
    }

    [GeneratedRegex(@"^\| `(?<key>[^`]+)`[^|]* \| (?<role>read|admin|none) \|$")]
    private static partial Regex Row();
}
