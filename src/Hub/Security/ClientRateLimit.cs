using System.Globalization;
using System.Threading.RateLimiting;
using BlueZero.Messages.Wire;
using Microsoft.AspNetCore.RateLimiting;

namespace BlueZero.Hub.Security;

/// <summary>
/// ASP.NET Core's rate limiting, one concurrency limiter per client address: at most <c>limit</c> requests of one
/// address in progress, up to <c>queued</c> more waiting in arrival order, and only a request beyond that queue
/// answered 429 at once, with <c>Retry-After</c> and a JSON error. A burst from one script or dashboard waits its turn;
/// a client that holds its slots (slow loris) only makes its own address wait.
/// </summary>
public static class ClientRateLimit
{
    /// <summary>Seconds a refused client is told to wait: the queue it overflowed drains in about that time.</summary>
    private const int RetryAfterSeconds = 1;

    public static void Configure(RateLimiterOptions options, int limit, int queued)
    {
        options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            RateLimitPartition.GetConcurrencyLimiter(ClientOf(context), _ => new ConcurrencyLimiterOptions
            {
                PermitLimit = limit,
                QueueLimit = queued,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            }));
        options.OnRejected = (rejected, _) =>
        {
            rejected.HttpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            return new ValueTask(Http.JsonReply.Error(rejected.HttpContext, StatusCodes.Status429TooManyRequests,
                ErrorTexts.TooManyRequests(limit, queued)));
        };
    }

    private static string ClientOf(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
