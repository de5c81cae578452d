using System.Collections.Concurrent;
using BlueZero.Messages.Wire;

namespace BlueZero.Hub.Security;

/// <summary>
/// At most <c>limit</c> requests in progress per client address; one more gets 429 with a JSON error. A slot is
/// taken when the request's headers arrive and given back when its answer is done.
/// </summary>
public sealed class ClientConcurrencyLimit(int limit)
{
    private readonly ConcurrentDictionary<string, int> _inProgress = new(StringComparer.Ordinal);

    public async Task Invoke(HttpContext context, RequestDelegate next)
    {
        var client = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (_inProgress.AddOrUpdate(client, 1, (_, count) => count + 1) > limit)
        {
            Release(client);
            await Http.JsonReply.Error(context, StatusCodes.Status429TooManyRequests, ErrorTexts.TooManyRequests(limit));
            return;
        }
        try
        {
            await next(context);
        }
        finally
        {
            Release(client);
        }
    }

    private void Release(string client)
    {
        var left = _inProgress.AddOrUpdate(client, 0, (_, count) => count - 1);
        // Only removes the entry if nobody took a slot meanwhile.
        if (left <= 0) _inProgress.TryRemove(KeyValuePair.Create(client, left));
    }
}
