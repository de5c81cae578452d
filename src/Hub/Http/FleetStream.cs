using System.Text;
using BlueZero.Hub.Security;

namespace BlueZero.Hub.Http;

/// <summary>
/// GET /ui/stream: the dashboard's one Server-Sent Events connection. It sends <c>event: fleet</c> with a
/// <see cref="FleetSnapshots"/> snapshot whenever the fleet changed, and a comment line as heartbeat when nothing
/// was sent for a while, so that proxies keep the connection and the page notices a hub that went away. A page logged
/// in with a session cookie is cut off once its session ends (logout or expiry). The event history (issue 14) joins
/// this stream as <c>event: mesh_event</c>.
/// </summary>
public static class FleetStream
{
    public const string Route = "/ui/stream";
    public const string FleetEvent = "fleet";
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    /// <summary>How long the browser waits before it reconnects after the hub went away.</summary>
    private const int RetryMs = 2000;

    public static void Map(WebApplication app, UiSessions sessions)
    {
        app.MapGet(Route, (HttpContext context, FleetSnapshots snapshots) => Serve(context, snapshots, sessions));
    }

    private static async Task Serve(HttpContext context, FleetSnapshots snapshots, UiSessions sessions)
    {
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        context.Request.Cookies.TryGetValue(UiSessions.CookieName, out var sessionId);
        var bySession = sessionId is not null && context.Request.Headers.Authorization.Count == 0 && sessions.Find(sessionId) is not null;
        var aborted = context.RequestAborted;
        using var subscription = snapshots.Subscribe();
        try
        {
            await Write(context, $"retry: {RetryMs}\n: connected\n\n");
            while (!aborted.IsCancellationRequested)
            {
                using var beat = CancellationTokenSource.CreateLinkedTokenSource(aborted);
                beat.CancelAfter(Heartbeat);
                string message;
                try
                {
                    message = $"event: {FleetEvent}\ndata: {await subscription.Snapshots.ReadAsync(beat.Token)}\n\n";
                }
                catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
                {
                    message = ": heartbeat\n\n";
                }
                if (bySession && sessions.Find(sessionId) is null) return;
                await Write(context, message);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // the page went away: its subscription goes with it
        }
    }

    private static async Task Write(HttpContext context, string text)
    {
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }
}
