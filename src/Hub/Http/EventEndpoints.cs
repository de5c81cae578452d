using BlueZero.Hub.Events;
using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;

namespace BlueZero.Hub.Http;

/// <summary>
/// GET /events (one page of the history) and GET /events/stream (Server-Sent Events), with the filters of
/// <see cref="EventFilters"/>. The stream sends through an <see cref="EventRelay"/>: the stored events after the
/// client's point (Last-Event-ID or since_seq), then the live ones, with no gap and no duplicate. A comment goes out
/// when nothing else has for a heartbeat period, so proxies and clients see that the stream is alive.
/// </summary>
public static class EventEndpoints
{
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
            if (!EventRelay.TryResumePoint(context, out var last, out var error))
            {
                await JsonReply.Error(context, StatusCodes.Status400BadRequest, error!);
                return;
            }
            await Stream(context, store, options, query with { SinceSeq = last ?? query.SinceSeq });
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
        EventRelay.StartStream(context);
        using var relay = new EventRelay(store, options, query);
        try
        {
            await EventRelay.Comment(context, "connected");
            await relay.Backfill(context);
            Task<bool>? waiting = null;
            while (!aborted.IsCancellationRequested)
            {
                waiting ??= relay.WaitForLive(aborted);
                if (await Task.WhenAny(waiting, Task.Delay(options.StreamHeartbeat, aborted)) != waiting)
                {
                    await EventRelay.Comment(context, "heartbeat");
                    continue;
                }
                if (!await relay.SendLive(context, await waiting)) return;
                waiting = null;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // the client went away
        }
    }
}
