using System.Text.RegularExpressions;

namespace BlueZero.Mesh.Hosting;

/// <summary>
/// Akka repeats some warnings on every retry while a peer is away: during a hub outage a node warns "Tried to associate
/// with unreachable remote address", "AssociationError" and "Couldn't join seed nodes after [N] attempts" every 2 s.
/// The first warning of a kind is shown; repeats of it are not, until <c>quiet</c> has passed since it was last shown:
/// then the next one is shown again with how many were held back. A kind is the source class and the text with
/// bracketed counts (<c>[3]</c>) blanked, so a different peer address is a different kind.
/// </summary>
public sealed partial class RepeatedWarnings(TimeSpan quiet)
{
    public static readonly TimeSpan DefaultQuiet = TimeSpan.FromMinutes(1);

    private readonly Dictionary<string, (DateTimeOffset LastShown, int HeldBack)> _kinds = new(StringComparer.Ordinal);

    /// <summary>Whether to show this warning now; <paramref name="heldBack"/> is how many of its kind were not shown since.</summary>
    public bool ShouldShow(string source, string text, DateTimeOffset now, out int heldBack)
    {
        var kind = source + "|" + BracketedCount().Replace(text, "[#]");
        if (_kinds.TryGetValue(kind, out var seen) && now - seen.LastShown < quiet)
        {
            _kinds[kind] = seen with { HeldBack = seen.HeldBack + 1 };
            heldBack = 0;
            return false;
        }
        heldBack = seen.HeldBack;
        _kinds[kind] = (now, 0);
        return true;
    }

    [GeneratedRegex(@"\[\d+\]")]
    private static partial Regex BracketedCount();
}
