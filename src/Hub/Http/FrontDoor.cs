using System.Buffers;
using Akka.Actor;
using Akka.Hosting;
using System.Diagnostics;
using BlueZero.Hub.Actors;
using BlueZero.Hub.Metrics;
using BlueZero.Hub.Events;
using BlueZero.Hub.Security;
using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;
using Microsoft.AspNetCore.Http.Features;
using Prometheus;

namespace BlueZero.Hub.Http;

/// <summary>
/// The HTTP front door: POST /control, GET /hosts, GET /hosts/{host}/processes/{pid-or-name}/output, GET /events,
/// GET /events/stream, GET /health, GET /metrics (Prometheus text, formatted by prometheus-net), and the dashboard
/// (<see cref="Dashboard"/>, <see cref="FleetStream"/>). Bodies are capped before parsing; every answer,
/// including 401, 403, 404, 405, 413, 422 and 429, is a JSON object. In front of the endpoints: the per-client
/// rate limit (<see cref="ClientRateLimit"/>: queued, 429 beyond the queue), then bearer-token authentication (401,
/// all but GET /health); the role check (403) comes after parsing, when the operation is known. Requests that
/// change something are audited.
/// </summary>
public static class FrontDoor
{
    public static void Map(WebApplication app, HubOptions options, RouteTimeouts timeouts, string hostName, HubMetrics metrics,
        CollectorRegistry registry, EventStore events)
    {
        app.Use(metrics.FrontDoor.Invoke);
        // An ask of GET /hosts or /health that timed out means the hub could not gather an answer in time (overload):
        // 504, like a node that does not answer; anything else is our bug.
        app.UseExceptionHandler(error => error.Run(context =>
            context.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerFeature>()?.Error is AskTimeoutException
                ? JsonReply.Error(context, StatusCodes.Status504GatewayTimeout, ErrorTexts.Timeout)
                : JsonReply.Error(context, StatusCodes.Status500InternalServerError, ErrorTexts.InternalError)));
        app.UseStatusCodePages(context => context.HttpContext.Response.StatusCode switch
        {
            StatusCodes.Status404NotFound => JsonReply.Error(context.HttpContext, 404, ErrorTexts.NotFound(context.HttpContext.Request.Path)),
            StatusCodes.Status405MethodNotAllowed => JsonReply.Error(context.HttpContext, 405, ErrorTexts.MethodNotAllowed(context.HttpContext.Request.Method, context.HttpContext.Request.Path)),
            var status => JsonReply.Error(context.HttpContext, status, $"HTTP {status}"),
        });

        // Before authentication, so that every request counts against its address, one without a valid token too: a
        // client flooding the hub with bad tokens waits in its own queue like any other burst.
        app.UseRateLimiter();
        Dashboard.UseFiles(app);
        var sessions = app.Services.GetRequiredService<UiSessions>();
        var authentication = new BearerAuthentication(options.Tokens, sessions, options.MetricsToken);
        app.Use(authentication.Invoke);
        var audit = new AuditLog(app.Services.GetRequiredService<ILoggerFactory>());

        app.MapPost("/control", (HttpContext context, ActorRegistry actors) => Control(context, actors, options, timeouts, audit, metrics.FrontDoor, events));
        app.MapGet("/hosts", async (HttpContext context, ActorRegistry actors) =>
        {
            var listed = await Router(actors).Ask<HostsListed>(new ListHosts(), options.RequestTimeout + TimeSpan.FromSeconds(2));
            await JsonReply.Write(context, StatusCodes.Status200OK, WireResponseWriter.Hosts(listed.Hosts));
        });
        OutputFollowing.Map(app, timeouts);
        Dashboard.Map(app, options, sessions);
        FleetStream.Map(app, sessions, events, options.Events);
        EventEndpoints.Map(app, events, options.Events);
        app.MapGet("/health", async (HttpContext context, ActorRegistry actors) =>
        {
            var snapshot = await Router(actors).Ask<RegistrySnapshot>(new GetRegistrySnapshot(), TimeSpan.FromSeconds(5));
            var up = snapshot.Nodes.Values.Count(n => n.Status == NodeStatus.Up);
            await JsonReply.Write(context, StatusCodes.Status200OK,
                WireResponseWriter.Health(hostName, up));
        });
        var actorRegistry = app.Services.GetRequiredService<ActorRegistry>();
        metrics.GatherBeforeEachScrape(cancel =>
            Router(actorRegistry).Ask<MeshStateGathered>(new GatherMeshState(), options.RequestTimeout, cancel));
        app.MapMetrics(BearerAuthentication.MetricsPath, registry);
    }

    private static IActorRef Router(ActorRegistry actors) => actors.Get<RequestRouter>();

    private static async Task Control(HttpContext context, ActorRegistry actors, HubOptions options, RouteTimeouts timeouts, AuditLog audit,
        FrontDoorMetrics metrics, EventStore events)
    {
        var body = await ReadCappedBody(context, options.MaxBodyBytes);
        if (body.Bytes is null)
        {
            await JsonReply.Error(context, body.FailureStatus, body.FailureMessage!);
            return;
        }
        var parsed = WireParser.Parse(body.Bytes, options.Limits);
        FrontDoorMetrics.SetOperation(context, parsed.Operation);
        if (!parsed.IsOk)
        {
            await JsonReply.Error(context, StatusCodes.Status400BadRequest, parsed.Error!, parsed.Operation);
            return;
        }
        var request = parsed.Request!;
        var caller = BearerAuthentication.CallerOf(context);
        var client = context.Connection.RemoteIpAddress?.ToString();
        if (!BearerAuthentication.MayRun(caller, request.Operation))
        {
            var refusal = ErrorTexts.Forbidden(request.Operation, caller.Name);
            audit.Record(caller, client, request, $"denied: {refusal}");
            await JsonReply.Error(context, StatusCodes.Status403Forbidden, refusal, request.Operation);
            return;
        }
        if (request.Command is EventQuery query)
        {
            // The hub's own history: answered here, from the store, like GET /events.
            await JsonReply.Write(context, StatusCodes.Status200OK, WireResponseWriter.EventsHubForm(events.Query(query)));
            return;
        }
        if (request.Command is IPlanCommand plan)
        {
            var answer = await actors.Get<Plans.PlansActor>().Ask<object>(plan, PlanDefaults.MaxWait);
            audit.Record(caller, client, request, answer is PlanReport { Success: true } or PlanStatus or PlansListed ? "ok" : "refused");
            var (planStatus, planJson) = answer switch
            {
                PlanRefused refused => (StatusCodes.Status400BadRequest, WireResponseWriter.PlanRefused(refused.Problems)),
                PlanUnavailable { NotFound: true } missing => (StatusCodes.Status404NotFound, WireResponseWriter.Error(missing.ErrorMessage, request.Operation)),
                PlanUnavailable busy => (StatusCodes.Status409Conflict, WireResponseWriter.Error(busy.ErrorMessage, request.Operation)),
                PlanReport report => (report.Success ? StatusCodes.Status200OK : ErrorStatuses.NodeRefusal, WireResponseWriter.PlanReport(request.Operation, report)),
                PlanStatus planState => (StatusCodes.Status200OK, WireResponseWriter.PlanStatus(planState)),
                PlansListed listed => (StatusCodes.Status200OK, WireResponseWriter.PlansListed(listed)),
                _ => (StatusCodes.Status500InternalServerError, WireResponseWriter.Error(ErrorTexts.InternalError, request.Operation)),
            };
            await JsonReply.Write(context, planStatus, planJson);
            return;
        }
        var routed = Stopwatch.GetTimestamp();
        var outcome = await RequestRouter.Ask(Router(actors), request.RequestedBy(caller.TokenName), timeouts.For(request));
        // Only a node's answer, or a timeout waiting for one, names a registered host: other host names are any text.
        if (request.HostName is { } host && outcome is NodeAnswered or RouteFailed { Code: ErrorCode.Timeout })
            metrics.RecordRouted(host, Stopwatch.GetElapsedTime(routed));
        audit.Record(caller, client, request, AuditLog.OutcomeOf(outcome));
        var (status, json) = outcome switch
        {
            // The node said no (no such pid, name in use, ...): still the hub form, but 422 so that curl --fail notices.
            NodeAnswered answered => (answered.Reply is CommandFailed ? ErrorStatuses.NodeRefusal : StatusCodes.Status200OK,
                WireResponseWriter.HubForm(request.Operation, answered.Reply)),
            ClusterWideAnswered all => (StatusCodes.Status200OK, WireResponseWriter.ClusterWide(request.Operation, all.Hosts)),
            HostForgotten forgotten => (StatusCodes.Status200OK, WireResponseWriter.HostForgotten(forgotten.Entry.HostName, forgotten.Entry.StatusText)),
            RouteFailed failed => (ErrorStatuses.Of(failed.Code), WireResponseWriter.Error(failed.ErrorMessage, request.Operation)),
            _ => (StatusCodes.Status500InternalServerError, WireResponseWriter.Error(ErrorTexts.InternalError, request.Operation)),
        };
        await JsonReply.Write(context, status, json);
    }

    /// <summary>
    /// Bodies over the limit but under this are read and discarded before the 413 goes out: a client that sends its
    /// whole body before reading (most do, without Expect: 100-continue) then gets the JSON error instead of a broken
    /// pipe. Anything larger is refused at once and the connection closed.
    /// </summary>
    private const long DrainLimit = 16 * 1024 * 1024;

    /// <summary>A request body, or why there is none: too large (413), or arriving too slowly (408).</summary>
    private sealed record BodyRead(byte[]? Bytes, int FailureStatus = 0, string? FailureMessage = null)
    {
        public static BodyRead TooLarge(long limit) => new(null, StatusCodes.Status413PayloadTooLarge, ErrorTexts.BodyTooLarge(limit));
        public static readonly BodyRead TooSlow = new(null, StatusCodes.Status408RequestTimeout, ErrorTexts.BodyTooSlow);
    }

    /// <summary>Reads at most <paramref name="limit"/> bytes.</summary>
    private static async Task<BodyRead> ReadCappedBody(HttpContext context, long limit)
    {
        if (context.Request.ContentLength > limit)
        {
            if (context.Request.ContentLength <= DrainLimit) await Drain(context);
            return BodyRead.TooLarge(limit);
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
            sizeFeature.MaxRequestBodySize = limit;
        try
        {
            // Nearly every client sends a Content-Length (Kestrel holds the body to it): read into an array of that
            // size, instead of through a 16 KiB chunk and a growing stream per request.
            if (context.Request.ContentLength is { } length)
            {
                var exact = new byte[length];
                var got = await context.Request.Body.ReadAtLeastAsync(exact, exact.Length, throwOnEndOfStream: false, context.RequestAborted);
                return new BodyRead(got == exact.Length ? exact : exact[..got]);
            }
            using var buffer = new MemoryStream();
            var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
            try
            {
                int read;
                while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
                {
                    if (buffer.Length + read > limit) return BodyRead.TooLarge(limit);
                    buffer.Write(chunk, 0, read);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }
            return new BodyRead(buffer.ToArray());
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return BodyRead.TooLarge(limit);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status408RequestTimeout)
        {
            // Kestrel's minimum body data rate dropped a client that trickles its body (slow loris).
            return BodyRead.TooSlow;
        }
    }

    private static async Task Drain(HttpContext context)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
            sizeFeature.MaxRequestBodySize = DrainLimit;
        var chunk = new byte[64 * 1024];
        try
        {
            while (await context.Request.Body.ReadAsync(chunk, context.RequestAborted) > 0) { }
        }
        catch (Exception ex) when (ex is BadHttpRequestException or IOException or OperationCanceledException)
        {
            // the client gave up or lied about the length: the 413 still goes out if the connection allows
        }
    }
}
