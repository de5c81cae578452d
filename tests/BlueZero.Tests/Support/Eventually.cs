namespace BlueZero.Tests.Support;

/// <summary>Bounded polling for conditions outside any actor system (HTTP, /proc, other processes).</summary>
public static class Eventually
{
    public static async Task Holds(Func<Task<bool>> condition, TimeSpan within, string what, TimeSpan? interval = null)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            if (await condition()) return;
            if (DateTime.UtcNow >= deadline) throw new TimeoutException($"waited {within.TotalSeconds:0.#} s for {what}");
            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(100));
        }
    }
}
