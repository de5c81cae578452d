using BlueZero.Hub.Events;
using BlueZero.Hub.Metrics;
using BlueZero.Messages.Protocol;
using BlueZero.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Prometheus;
using Xunit;

namespace BlueZero.Tests.Unit.Metrics;

/// <summary>The counters of GET /metrics follow a real event store: from the hub's start, each stored event once.</summary>
public sealed class MeshEventCounterFeedTests : IAsyncLifetime
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(10);
    private readonly string _dir = Directory.CreateTempSubdirectory("bluezero-metrics-feed-").FullName;
    private readonly CollectorRegistry _registry = Prometheus.Metrics.NewCustomRegistry();
    private readonly RecordingLogger<MeshEventCounterFeed> _log = new();
    private EventStore _store = null!;
    private MeshEventCounterFeed? _feed;
    private int _batches;

    public Task InitializeAsync()
    {
        _store = EventStore.Open(_dir, new EventOptions(TimeSpan.FromDays(30), 1_000_000, TimeSpan.FromHours(1), TimeSpan.FromSeconds(15), 100),
            NullLoggerFactory.Instance);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_feed is not null) await _feed.StopAsync(CancellationToken.None);
        _feed?.Dispose();
        await _store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private async Task StartFeed(int buffer = MeshEventCounterFeed.Buffer)
    {
        _feed = new MeshEventCounterFeed(_store, new MeshEventCounters(Prometheus.Metrics.WithCustomRegistry(_registry), false),
            _store.LastSeq(), _log, buffer);
        await _feed.StartAsync(CancellationToken.None);
    }

    /// <summary>One node batch of <paramref name="count"/> process_started events on host "a".</summary>
    private Task Store(int count)
    {
        var journal = $"journal-{++_batches}";
        return _store.Append(new EventBatch("a", journal, Enumerable.Range(1, count)
            .Select(i => new JournaledEvent(i, new MeshEvent(MeshEventType.ProcessStarted, DateTimeOffset.UtcNow, "a", Pid: i))).ToList()));
    }

    private async Task<double?> Starts() =>
        (await Scrape.Of(_registry)).Value("bluezero_process_starts_total", ("host", "a"));

    private Task Counted(int starts) =>
        Polling.Until(async () => await Starts() == starts, Within, $"{starts} starts counted");

    [Fact]
    public async Task Events_stored_before_the_hub_started_are_not_counted_and_those_stored_after_are()
    {
        await Store(5);

        await StartFeed();
        await Store(3);

        await Counted(3);
        Assert.Equal(3, (await Scrape.Of(_registry)).Value("bluezero_events_ingested_total", ("host", "a")));
    }

    [Fact]
    public async Task A_feed_cut_off_for_falling_behind_reads_on_from_the_store_and_counts_each_event_once()
    {
        await StartFeed(buffer: 1);

        await Store(1000);
        await Store(10);

        await Counted(1010);
        Assert.Contains(_log.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("fell more than 1 events behind"));
        await Store(1);
        await Counted(1011);
    }
}
