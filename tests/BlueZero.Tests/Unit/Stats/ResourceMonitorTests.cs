using BlueZero.Messages.Protocol;
using BlueZero.ProcessManager.Stats;
using Xunit;

namespace BlueZero.Tests.Unit.Stats;

/// <summary>The per-entry stats history a node keeps between samples: bounded, oldest first, values as sampled.</summary>
public sealed class ResourceMonitorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 6, 0, 0, TimeSpan.Zero);
    private static readonly CpuFacts Cpu = new("cpu", 2, 0, []);
    private static readonly MemoryFacts Memory = new(1, 1, 0);

    private static void Sample(ResourceMonitor monitor, int second, params (long Id, ResourceUsage Usage)[] entries) =>
        monitor.Record(T0.AddSeconds(second), entries.ToDictionary(e => e.Id, e => e.Usage), new ResourceUsage(0, 0, 0, 1, 0), Cpu, Memory);

    private static ResourceUsage Usage(int n) => new(n + 0.5, n * 4096L, n, 1, n);

    [Fact]
    public void History_keeps_every_sample_oldest_first_until_the_length_is_reached()
    {
        var monitor = new ResourceMonitor(historyLength: 60);
        for (var i = 0; i < 7; i++) Sample(monitor, i, (1, Usage(i)));

        var expected = Enumerable.Range(0, 7).Select(i => new StatsSample(T0.AddSeconds(i), i + 0.5, i * 4096L, i)).ToList();
        Assert.Equal(expected, monitor.HistoryOf(1));
    }

    [Fact]
    public void History_drops_the_oldest_samples_beyond_its_length()
    {
        var monitor = new ResourceMonitor(historyLength: 5);
        for (var i = 0; i < 13; i++) Sample(monitor, i, (1, Usage(i)));

        Assert.Equal(Enumerable.Range(8, 5).Select(i => T0.AddSeconds(i)), monitor.HistoryOf(1).Select(s => s.At));
        Assert.Equal(Enumerable.Range(8, 5), monitor.HistoryOf(1).Select(s => s.Threads));
    }

    [Fact]
    public void An_entry_missing_from_a_sample_keeps_its_history_but_loses_its_latest_figures()
    {
        var monitor = new ResourceMonitor(historyLength: 60);
        Sample(monitor, 0, (1, Usage(1)), (2, Usage(2)));
        Sample(monitor, 5, (2, Usage(3)));

        Assert.Null(monitor.UsageOf(1));
        Assert.Single(monitor.HistoryOf(1));
        Assert.Equal(Usage(3), monitor.UsageOf(2));
        Assert.Equal([T0, T0.AddSeconds(5)], monitor.HistoryOf(2).Select(s => s.At));
    }

    [Fact]
    public void A_forgotten_entry_has_no_history()
    {
        var monitor = new ResourceMonitor(historyLength: 60);
        Sample(monitor, 0, (1, Usage(1)));
        monitor.Forget([1]);

        Assert.Empty(monitor.HistoryOf(1));
    }
}
