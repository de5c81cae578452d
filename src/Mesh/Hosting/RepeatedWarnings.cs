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
        ForgetStaleKinds(now);
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

    /// <summary>How many kinds are remembered now (bounded: see <see cref="ForgetStaleKinds"/>).</summary>
    public int KindsRemembered => _kinds.Count;

    /// <summary>
    /// Warnings name peers by address, and nodes come and go on ephemeral ports, so kinds keep appearing. Past
    /// <see cref="PruneAbove"/> kinds, those not shown for longer than the quiet time are forgotten: each would be shown
    /// at its next occurrence anyway; only its count of held-back repeats is lost.
    /// </summary>
    private void ForgetStaleKinds(DateTimeOffset now)
    {
        if (_kinds.Count < PruneAbove) return;
        foreach (var stale in _kinds.Where(k => now - k.Value.LastShown >= quiet).Select(k => k.Key).ToList())
            _kinds.Remove(stale);
    }

    private const int PruneAbove = 256;

    [GeneratedRegex(@"\[\d+\]")]
    private static partial Regex BracketedCount();
}
