using System.Globalization;
using System.Text;
using BlueZero.Hub.Events;
using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;

namespace BlueZero.Hub.Http;

/// <summary>
/// GET /events (one page of the history) and GET /events/stream (Server-Sent Events), with the filters of
/// <see cref="EventFilters"/>. The stream subscribes to the live feed first, then sends what the database holds after
/// the client's point (Last-Event-ID or since_seq), then the live events, skipping any it has sent already: no gap and
/// no duplicate. A comment goes out when nothing else has for a heartbeat period, so proxies and clients see that the
/// stream is alive; a subscriber whose buffer of live events overflows gets a last comment saying why, and the end.
/// </summary>
public static class EventEndpoints
{
    public const string LastEventIdHeader = "Last-Event-ID";

    public static void Map(WebApplication app, EventStore store, EventOptions options)
    {
        app.MapGet("/events", async context =>
        {
            if (await ParseOrRefuse(context) is not { } query) return;
            await JsonReply.Write(context, StatusCodes.Status200OK, WireResponseWriter.Events(store.Query(query)));
        });
        app.MapGet("/events/stream", async context =>
        {
            if (await ParseOrRefuse(context) is not { } query) return;
            if (context.Request.Headers[LastEventIdHeader].ToString() is { Length: > 0 } lastId)
            {
                if (!long.TryParse(lastId, NumberStyles.None, CultureInfo.InvariantCulture, out var last))
                {
                    await JsonReply.Error(context, StatusCodes.Status400BadRequest, ErrorTexts.InvalidParameter(LastEventIdHeader, ErrorTexts.MustBe("0 or more")));
                    return;
                }
                query = query with { SinceSeq = last };
            }
            await Stream(context, store, options, query);
        });
    }

    private static async Task<EventQuery?> ParseOrRefuse(HttpContext context)
    {
        var parameters = context.Request.Query.Select(p => KeyValuePair.Create(p.Key, (IReadOnlyList<string>)p.Value.Select(v => v ?? "").ToList()));
        if (EventFilters.FromParameters(parameters, out var error) is { } query) return query;
        await JsonReply.Error(context, StatusCodes.Status400BadRequest, error!);
        return null;
    }

    private static async Task Stream(HttpContext context, EventStore store, EventOptions options, EventQuery query)
    {
        var aborted = context.RequestAborted;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        using var live = store.Feed.Subscribe(options.StreamBuffer);
        var last = query.SinceSeq;
        try
        {
            await Comment(context, "connected");
            foreach (var page in store.PagesAfter(query))
            {
                foreach (var e in page.Events) await Send(context, e);
                last = page.NextSeq;
                await context.Response.Body.FlushAsync(aborted);
            }

            Task<bool>? waiting = null;
            while (!aborted.IsCancellationRequested)
            {
                waiting ??= live.Events.WaitToReadAsync(aborted).AsTask();
                if (await Task.WhenAny(waiting, Task.Delay(options.StreamHeartbeat, aborted)) != waiting)
                {
                    await Comment(context, "heartbeat");
                    continue;
                }
                if (!await waiting)
                {
                    if (live.CutOff) await Comment(context, ErrorTexts.SlowSubscriber);
                    return;
                }
                waiting = null;
                while (live.Events.TryRead(out var e))
                {
                    if (e.Seq <= last || !query.Matches(e)) continue;
                    await Send(context, e);
                    last = e.Seq;
                }
                await context.Response.Body.FlushAsync(aborted);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // the client went away
        }
    }

    private static Task Send(HttpContext context, StoredEvent e) =>
        context.Response.WriteAsync($"id: {e.Seq}\nevent: {e.Type.ToWire()}\ndata: {WireResponseWriter.Event(e)}\n\n", Encoding.UTF8, context.RequestAborted);

    private static async Task Comment(HttpContext context, string text)
    {
        await context.Response.WriteAsync($": {text}\n\n", Encoding.UTF8, context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }
}
