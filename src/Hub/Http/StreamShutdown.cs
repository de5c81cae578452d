namespace BlueZero.Hub.Http;

/// <summary>
/// Long-lived responses (the event streams, followed output) never end by themselves, and a graceful stop waits for
/// every open request up to its shutdown timeout: a hub with a dashboard open took that long to go on SIGTERM. A
/// stopping hub cuts them at once instead; the browser's EventSource reconnects to the next hub by itself.
/// </summary>
public static class StreamShutdown
{
    public static void EndWhenTheHubStops(HttpContext context)
    {
        var stopping = context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        context.Response.RegisterForDispose(stopping.Register(context.Abort));
    }
}
