using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using BlueZero.Messages.Wire;

namespace BlueZero.Cli.Http;

/// <summary>
/// The hub's public HTTP API as b0 uses it: POST /control and the GET endpoints, each bounded by
/// <see cref="CliDefaults.RequestTimeout"/>, and the streaming ones (output follow, event stream), whose headers are
/// bounded and whose body lasts until the hub ends it or the user presses Ctrl-C.
/// </summary>
public sealed class HubConnection : IDisposable
{
    private readonly HttpClient _http;

    public HubConnection(Uri baseUrl, string? token)
    {
        BaseUrl = baseUrl;
        _http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = CliDefaults.ConnectTimeout })
        {
            BaseAddress = baseUrl,
            Timeout = Timeout.InfiniteTimeSpan, // each call has its own bound below
        };
        if (!string.IsNullOrEmpty(token)) _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public Uri BaseUrl { get; }

    public Task<HubReply> Control(JsonObject request, CancellationToken cancel) => Control(request.ToJsonString(), cancel);

    /// <param name="timeout">The whole exchange; <see cref="CliDefaults.RequestTimeout"/> unless the operation takes longer (b0 up).</param>
    public Task<HubReply> Control(string body, CancellationToken cancel, TimeSpan? timeout = null) =>
        Send(() => new HttpRequestMessage(HttpMethod.Post, "control") { Content = new StringContent(body, Encoding.UTF8, "application/json") }, cancel, timeout);

    public Task<HubReply> Get(string pathAndQuery, CancellationToken cancel) =>
        Send(() => new HttpRequestMessage(HttpMethod.Get, pathAndQuery.TrimStart('/')), cancel);

    /// <summary>A streaming GET: the open response on 2xx; otherwise the hub's JSON error as a <see cref="CliFailure"/>.</summary>
    public async Task<HttpResponseMessage> OpenStream(string pathAndQuery, IReadOnlyDictionary<string, string>? headers, CancellationToken cancel)
    {
        using var bound = Bounded(cancel);
        var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery.TrimStart('/'));
        foreach (var (name, value) in headers ?? new Dictionary<string, string>()) request.Headers.TryAddWithoutValidation(name, value);
        var response = await Guard(() => _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, bound.Token), bound, cancel);
        if (response.IsSuccessStatusCode) return response;
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancel);
            HubReply.Parse((int)response.StatusCode, text).Ensure();
            throw new CliFailure(CliExit.Refused, ErrorTexts.HubStatus((int)response.StatusCode));
        }
    }

    private async Task<HubReply> Send(Func<HttpRequestMessage> request, CancellationToken cancel, TimeSpan? timeout = null)
    {
        using var bound = Bounded(cancel, timeout);
        using var response = await Guard(() => _http.SendAsync(request(), bound.Token), bound, cancel);
        var text = await Guard(() => response.Content.ReadAsStringAsync(bound.Token), bound, cancel);
        return HubReply.Parse((int)response.StatusCode, text);
    }

    private static CancellationTokenSource Bounded(CancellationToken cancel, TimeSpan? timeout = null)
    {
        var bound = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        bound.CancelAfter(timeout ?? CliDefaults.RequestTimeout);
        return bound;
    }

    /// <summary>Network failures and our own time bound become exit code 3; Ctrl-C stays a cancellation.</summary>
    private async Task<T> Guard<T>(Func<Task<T>> call, CancellationTokenSource bound, CancellationToken cancel)
    {
        try
        {
            return await call();
        }
        catch (OperationCanceledException) when (bound.IsCancellationRequested && !cancel.IsCancellationRequested)
        {
            throw new CliFailure(CliExit.Unreachable, ErrorTexts.HubTooSlow(BaseUrl.ToString(), CliDefaults.RequestTimeout.TotalSeconds));
        }
        catch (HttpRequestException error)
        {
            throw new CliFailure(CliExit.Unreachable, ErrorTexts.HubNotReached(BaseUrl.ToString(), error.InnerException?.Message ?? error.Message));
        }
    }

    public void Dispose() => _http.Dispose();
}
