using System.Diagnostics;
using BlueZero.Messages.Wire;
using Prometheus;

namespace BlueZero.Hub.Metrics;

/// <summary>
/// Requests at the front door by operation and HTTP status, with a latency histogram, and the latency of requests
/// routed to one host. The operation is the wire operation of a POST /control that named a known one, else the
/// endpoint's method and route (<c>GET /hosts</c>), else <c>unmatched</c>: a fixed set, whatever clients send.
/// </summary>
public sealed class FrontDoorMetrics
{
    private const string OperationKey = "bluezero.operation";
    public const string Unmatched = "unmatched";

    private readonly Counter _requests;
    private readonly Histogram _duration;
    private readonly Histogram _routed;

    public FrontDoorMetrics(IMetricFactory factory)
    {
        _requests = factory.CreateCounter("bluezero_http_requests_total", "Requests answered at the front door, by operation and HTTP status.",
            ["operation", "status"]);
        _duration = factory.CreateHistogram("bluezero_http_request_duration_seconds", "Time to answer a front door request, by operation.",
            ["operation"]);
        _routed = factory.CreateHistogram("bluezero_routed_request_duration_seconds",
            "Time from routing a request to one host until its node answered (or the request timed out), by host.", ["host"]);
    }

    /// <summary>Names the wire operation of a /control request, once it is parsed; unknown names are not labels.</summary>
    public static void SetOperation(HttpContext context, string? operation)
    {
        if (operation is not null && WireOperations.All.Contains(operation)) context.Items[OperationKey] = operation;
    }

    /// <summary>Outermost middleware: sees the final status of every request, refusals (401, 429) and errors included.</summary>
    public async Task Invoke(HttpContext context, RequestDelegate next)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            var operation = OperationOf(context);
            _requests.WithLabels(operation, context.Response.StatusCode.ToString()).Inc();
            _duration.WithLabels(operation).Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }

    /// <param name="hostName">A registered host: only answers from a node (or a timeout waiting for one) are recorded.</param>
    public void RecordRouted(string hostName, TimeSpan elapsed) => _routed.WithLabels(hostName).Observe(elapsed.TotalSeconds);

    private static string OperationOf(HttpContext context) =>
        context.Items.TryGetValue(OperationKey, out var operation) && operation is string known ? known
        : context.GetEndpoint() is RouteEndpoint route ? $"{context.Request.Method} {route.RoutePattern.RawText}"
        : Unmatched;
}
