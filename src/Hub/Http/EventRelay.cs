using System.Globalization;
using System.Text;
using BlueZero.Hub.Events;
using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;

namespace BlueZero.Hub.Http;

/// <summary>
/// One Server-Sent Events client's share of the event history: it subscribes to the live feed first, then sends what
/// the store holds after the client's point (<see cref="Backfill"/>), then the live events (<see cref="SendLive"/>),
/// skipping any it has sent already: no gap and no duplicate. GET /events/stream and the dashboard's GET /ui/stream
/// both send their events through it.
/// </summary>
public sealed class EventRelay : IDisposable
{
    public const string LastEventIdHeader = "Last-Event-ID";

    private readonly EventStore _store;
    private readonly EventQuery _query;
    private readonly EventSubscription _live;

    public EventRelay(EventStore store, EventOptions options, EventQuery query)
    {
        _store = store;
        _query = query;
        _live = store.Feed.Subscribe(options.StreamBuffer);
        Last = query.SinceSeq;
    }

    /// <summary>The seq of the last event sent (or the starting point): the client's Last-Event-ID.</summary>
    public long Last { get; private set; }

    /// <summary>Completes with true when live events wait, false when the feed ended: hand the result to <see cref="SendLive"/>.</summary>
    public Task<bool> WaitForLive(CancellationToken cancel) => _live.Events.WaitToReadAsync(cancel).AsTask();

    /// <summary>The client's point from the Last-Event-ID header when it sent one; false (with the error) when it is not a number.</summary>
    public static bool TryResumePoint(HttpContext context, out long? last, out string? error)
    {
        last = null;
        error = null;
        if (context.Request.Headers[LastEventIdHeader].ToString() is not { Length: > 0 } text) return true;
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
        {
            last = seq;
            return true;
        }
        error = ErrorTexts.InvalidParameter(LastEventIdHeader, ErrorTexts.MustBe("0 or more"));
        return false;
    }

    /// <summary>The seq of the newest stored event: where a client that asks for nothing older starts.</summary>
    public static long Head(EventStore store) =>
        store.Query(new EventQuery(Limit: 1, Descending: true)).Events is [var newest] ? newest.Seq : 0;

    /// <summary>Sends the stored events after <see cref="Last"/> in pages of the largest limit: a long gap takes a few queries, never one huge answer.</summary>
    public async Task Backfill(HttpContext context)
    {
        foreach (var page in _store.PagesAfter(_query with { SinceSeq = Last }))
        {
            foreach (var e in page.Events) await Send(context, e);
            Last = page.NextSeq;
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }
    }

    /// <summary>Sends the live events waiting now; <paramref name="open"/> is what <see cref="WaitForLive"/> answered. False
    /// once the feed ended: a subscriber cut off for falling behind gets a last comment saying why (the client then
    /// reconnects with its Last-Event-ID).</summary>
    public async Task<bool> SendLive(HttpContext context, bool open)
    {
        if (!open)
        {
            if (_live.CutOff) await Comment(context, ErrorTexts.SlowSubscriber);
            return false;
        }
        while (_live.Events.TryRead(out var e))
        {
            if (e.Seq <= Last || !_query.Matches(e)) continue;
            await Send(context, e);
            Last = e.Seq;
        }
        await context.Response.Body.FlushAsync(context.RequestAborted);
        return true;
    }

    public static void StartStream(HttpContext context)
    {
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        StreamShutdown.EndWhenTheHubStops(context);
    }

    public static async Task Comment(HttpContext context, string text)
    {
        await context.Response.WriteAsync($": {text}\n\n", Encoding.UTF8, context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    public void Dispose() => _live.Dispose();

    private static Task Send(HttpContext context, StoredEvent e) =>
        context.Response.WriteAsync($"id: {e.Seq}\nevent: {e.Type.ToWire()}\ndata: {WireResponseWriter.Event(e)}\n\n", Encoding.UTF8, context.RequestAborted);
}
