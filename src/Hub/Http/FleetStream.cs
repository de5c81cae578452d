using System.Text;
using BlueZero.Hub.Events;
using BlueZero.Hub.Security;

namespace BlueZero.Hub.Http;

/// <summary>
/// GET /ui/stream: the dashboard's one Server-Sent Events connection. It sends the frames of <see cref="FleetSnapshots"/>
/// (<c>event: fleet</c>, a full snapshot, when the fleet changed; <c>event: hosts</c> when only host figures did), and every stored event as GET /events/stream
/// does (<c>id: seq</c>, <c>event: type</c>, through the same <see cref="EventRelay"/>). A new connection starts at the
/// newest stored event (the page reads older ones with GET /events) and says so with an <c>id:</c> line, so that a
/// reconnection's Last-Event-ID resumes without a gap or a duplicate. A comment goes out when nothing else was sent
/// for a heartbeat period, so that proxies keep the connection and the page notices a hub that went away. A page
/// logged in with a session cookie is cut off once its session ends (logout or expiry).
/// </summary>
public static class FleetStream
{
    public const string Route = "/ui/stream";

    /// <summary>How long the browser waits before it reconnects after the hub went away.</summary>
    private const int RetryMs = 2000;

    public static void Map(WebApplication app, UiSessions sessions, EventStore store, EventOptions options)
    {
        app.MapGet(Route, async (HttpContext context, FleetSnapshots snapshots) =>
        {
            if (!EventRelay.TryResumePoint(context, out var last, out var error))
            {
                await JsonReply.Error(context, StatusCodes.Status400BadRequest, error!);
                return;
            }
            await Serve(context, snapshots, sessions, store, options, last);
        });
    }

    private static async Task Serve(HttpContext context, FleetSnapshots snapshots, UiSessions sessions, EventStore store, EventOptions options, long? last)
    {
        EventRelay.StartStream(context);
        context.Request.Cookies.TryGetValue(UiSessions.CookieName, out var sessionId);
        var bySession = sessionId is not null && context.Request.Headers.Authorization.Count == 0 && sessions.Find(sessionId) is not null;
        var aborted = context.RequestAborted;
        // The feed first, then the head: an event stored in between is both in the feed and after the head.
        using var relay = new EventRelay(store, options, new() { SinceSeq = last ?? EventRelay.Head(store) });
        using var subscription = snapshots.Subscribe();
        try
        {
            await Write(context, $"retry: {RetryMs}\nid: {relay.Last}\n: connected\n\n");
            await relay.Backfill(context);
            Task<bool>? events = null, fleet = null;
            while (!aborted.IsCancellationRequested)
            {
                events ??= relay.WaitForLive(aborted);
                fleet ??= subscription.Frames.WaitToReadAsync(aborted).AsTask();
                var woke = await Task.WhenAny(events, fleet, Task.Delay(options.StreamHeartbeat, aborted));
                if (bySession && sessions.Find(sessionId) is null) return;
                if (woke == events)
                {
                    if (!await relay.SendLive(context, await events)) return;
                    events = null;
                }
                else if (woke == fleet)
                {
                    if (!await fleet) return;
                    while (subscription.Frames.TryRead(out var frame)) await Write(context, frame.Bytes);
                    fleet = null;
                }
                else
                {
                    await EventRelay.Comment(context, "heartbeat");
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // the page went away: its subscriptions go with it
        }
    }

    private static Task Write(HttpContext context, string text) => Write(context, Encoding.UTF8.GetBytes(text));

    private static async Task Write(HttpContext context, byte[] bytes)
    {
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }
}
