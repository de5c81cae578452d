using System.Diagnostics;

namespace BlueZero.Tests.Support;

/// <summary>
/// Bounded polling of real processes over HTTP and /proc: the only way the end-to-end tests wait. A probe is retried
/// every <see cref="PollInterval"/> until it holds or the time is up. Unlike <c>Eventually.Holds</c>, a probe that
/// throws (the hub is restarting, say) counts as "not yet", a failure shows the last value, the last exception and
/// the mesh's diagnostics, and the time taken is returned so a test can assert it.
/// </summary>
public static class Polling
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>For waits whose duration is asserted: a finer poll adds less to the measurement.</summary>
    public static readonly TimeSpan FinePollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Waits until <paramref name="condition"/> is true; returns how long that took.</summary>
    public static async Task<TimeSpan> Until(Func<Task<bool>> condition, TimeSpan within, string what, Func<string>? diagnostics = null,
        TimeSpan? poll = null)
    {
        var clock = Stopwatch.StartNew();
        await UntilValue(condition, ok => ok, within, what, diagnostics, poll);
        return clock.Elapsed;
    }

    /// <summary>Waits until <paramref name="condition"/> is true; returns how long that took.</summary>
    public static Task<TimeSpan> Until(Func<bool> condition, TimeSpan within, string what, Func<string>? diagnostics = null) =>
        Until(() => Task.FromResult(condition()), within, what, diagnostics);

    /// <summary>Polls <paramref name="probe"/> until <paramref name="accept"/> takes its value, and returns that value.</summary>
    public static async Task<T> UntilValue<T>(Func<Task<T>> probe, Func<T, bool> accept, TimeSpan within, string what, Func<string>? diagnostics = null,
        TimeSpan? poll = null)
    {
        var interval = poll ?? PollInterval;
        var clock = Stopwatch.StartNew();
        var attempts = 0;
        var lastValue = "(no value yet)";
        Exception? lastError = null;
        while (true)
        {
            attempts++;
            try
            {
                var value = await probe();
                if (accept(value)) return value;
                lastValue = value?.ToString() ?? "null";
                lastError = null;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                lastError = ex;
            }
            if (clock.Elapsed >= within)
                throw new TimeoutException(
                    $"Not reached within {within.TotalSeconds:0.#} s ({attempts} attempts): {what}\n" +
                    $"last value: {lastValue}\n" +
                    (lastError is null ? "" : $"last error: {lastError.GetType().Name}: {lastError.Message}\n") +
                    (diagnostics is null ? "" : diagnostics()));
            var remaining = within - clock.Elapsed;
            await Task.Delay(remaining < interval ? remaining : interval);
        }
    }
}
