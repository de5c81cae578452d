using BlueZero.Messages.Protocol;

namespace BlueZero.ProcessManager.Supervision;

/// <summary>The delay before restart number n (0-based since the last reset): initial * multiplier^n, capped, +/- jitter.</summary>
public static class BackoffSchedule
{
    /// <param name="unitRandom">A number in [0, 1); tests pass a fixed one.</param>
    public static TimeSpan Delay(BackoffSettings settings, int consecutiveRestarts, double unitRandom)
    {
        var grown = settings.InitialMs * Math.Pow(settings.Multiplier, Math.Max(0, consecutiveRestarts));
        var capped = Math.Min(grown, settings.MaxMs);
        var jittered = capped * (1 + settings.Jitter * (2 * unitRandom - 1));
        return TimeSpan.FromMilliseconds(Math.Max(0, jittered));
    }
}
