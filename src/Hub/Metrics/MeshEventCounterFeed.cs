using BlueZero.Hub.Events;
using BlueZero.Messages.Protocol;
using Microsoft.Data.Sqlite;

namespace BlueZero.Hub.Metrics;

/// <summary>
/// Feeds <see cref="MeshEventCounters"/> from the event history, on a task of its own (never an actor's thread): a
/// bounded subscription to the store's live feed, drained here. Counting starts after <c>countAfterSeq</c>, the history's
/// last seq when the hub started, so the counters start at 0 with the hub as Prometheus expects (rate() handles the
/// reset). Each event is counted once, by seq: when this falls behind and its subscription is cut off, it subscribes
/// again, reads what was stored meanwhile from the store (after the last seq it counted), then drains the new
/// subscription, skipping seqs it has counted. Only events pruned before that read go uncounted (a burst larger than
/// the retention count); none is ever counted twice.
/// </summary>
/// <param name="buffer">Live events that may wait to be counted (tests make it small to force a cut-off).</param>
public sealed class MeshEventCounterFeed(EventStore store, MeshEventCounters counters, long countAfterSeq, ILogger<MeshEventCounterFeed> log,
    int buffer = MeshEventCounterFeed.Buffer) : BackgroundService
{
    /// <summary>Live events that may wait to be counted; one more cuts the subscription off and costs a read of the store.</summary>
    public const int Buffer = 10_000;

    private static readonly TimeSpan RetryAfterStoreError = TimeSpan.FromSeconds(1);

    private long _counted = countAfterSeq;

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                using var live = store.Feed.Subscribe(buffer);
                try
                {
                    foreach (var page in store.PagesAfter(new EventQuery(SinceSeq: _counted)))
                        foreach (var e in page.Events) Count(e);
                }
                catch (SqliteException ex)
                {
                    log.LogError(ex, "Could not read the event history after seq {Seq} for the metrics; trying again", _counted);
                    await Task.Delay(RetryAfterStoreError, stopping);
                    continue;
                }
                await foreach (var e in live.Events.ReadAllAsync(stopping))
                    if (e.Seq > _counted) Count(e);
                if (!live.CutOff) return; // the store stopped
                log.LogWarning("The metrics fell more than {Buffer} events behind the event history; reading on from seq {Seq} in the store", buffer, _counted);
            }
        }
        catch (OperationCanceledException)
        {
            // the hub is stopping
        }
    }

    private void Count(StoredEvent e)
    {
        counters.Record(e);
        _counted = e.Seq;
    }
}
