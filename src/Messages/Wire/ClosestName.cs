namespace BlueZero.Messages.Wire;

/// <summary>
/// Finds the known name a person most likely meant, for "did you mean ...?" hints: a name that differs only in case,
/// else the one within a small edit distance (optimal string alignment Damerau-Levenshtein, so a swapped pair of
/// letters counts as one edit), at most a quarter of the input's length and at least 1. Null when nothing is close.
/// </summary>
public static class ClosestName
{
    public static string? Find(string input, IEnumerable<string> candidates)
    {
        if (string.IsNullOrEmpty(input)) return null;
        var names = candidates.Where(c => !string.IsNullOrEmpty(c)).ToList();
        var sameButCase = names.FirstOrDefault(c => string.Equals(c, input, StringComparison.OrdinalIgnoreCase));
        if (sameButCase is not null) return sameButCase;

        var limit = Math.Max(1, input.Length / 4);
        var lowered = input.ToLowerInvariant();
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var name in names)
        {
            // The distance is at least the difference in length: skipping those keeps a huge input cheap.
            if (Math.Abs(name.Length - input.Length) > limit) continue;
            var distance = Distance(lowered, name.ToLowerInvariant());
            if (distance <= limit && distance < bestDistance)
            {
                best = name;
                bestDistance = distance;
            }
        }
        return best;
    }

    /// <summary>Edits (insert, delete, substitute, swap two neighbours) that turn <paramref name="a"/> into <paramref name="b"/>.</summary>
    private static int Distance(string a, string b)
    {
        // Three rolling rows of the classic table: the swap looks two rows back.
        var beforePrevious = new int[b.Length + 1];
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    current[j] = Math.Min(current[j], beforePrevious[j - 2] + 1);
            }
            (beforePrevious, previous, current) = (previous, current, beforePrevious);
        }
        return previous[b.Length];
    }
}
