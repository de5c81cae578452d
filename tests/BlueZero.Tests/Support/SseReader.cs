using System.Net.Http.Headers;
using System.Threading.Channels;

namespace BlueZero.Tests.Support;

/// <summary>
/// A Server-Sent Events client for one GET (e.g. /events/stream): reads the stream in the background and hands out each
/// event (id, event, data) and each comment line in arrival order. Disposing it disconnects.
/// </summary>
public sealed class SseReader : IAsyncDisposable
{
    public sealed record Message(string? Id, string? Event, string? Data, string? Comment);

    private readonly HttpClient _http;
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<Message> _messages = Channel.CreateUnbounded<Message>();
    private Task _reading = Task.CompletedTask;

    private SseReader(HttpClient http) => _http = http;

    /// <summary>Connects and returns once the response headers arrived (status 200 expected).</summary>
    public static async Task<SseReader> Open(string baseUrl, string pathAndQuery, string? lastEventId = null, string? token = null)
    {
        var reader = new SseReader(new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = Timeout.InfiniteTimeSpan });
        using var request = new HttpRequestMessage(HttpMethod.Get, baseUrl.TrimEnd('/') + pathAndQuery);
        if (lastEventId is not null) request.Headers.Add("Last-Event-ID", lastEventId);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await reader._http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, reader._stop.Token);
        if ((int)response.StatusCode != 200)
            throw new InvalidOperationException($"GET {pathAndQuery}: HTTP {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        reader._reading = reader.Read(response);
        return reader;
    }

    private async Task Read(HttpResponseMessage response)
    {
        try
        {
            using var lines = new StreamReader(await response.Content.ReadAsStreamAsync(_stop.Token));
            string? id = null, type = null, data = null;
            while (await lines.ReadLineAsync(_stop.Token) is { } line)
            {
                if (line.StartsWith(':')) _messages.Writer.TryWrite(new Message(null, null, null, line[1..].Trim()));
                else if (line.StartsWith("id: ")) id = line[4..];
                else if (line.StartsWith("event: ")) type = line[7..];
                else if (line.StartsWith("data: ")) data = line[6..];
                else if (line.Length == 0 && data is not null)
                {
                    _messages.Writer.TryWrite(new Message(id, type, data, null));
                    (id, type, data) = (null, null, null);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException)
        {
            // disconnected
        }
        finally
        {
            response.Dispose();
            _messages.Writer.TryComplete();
        }
    }

    /// <summary>The next event or comment, or null when the stream ended; throws TimeoutException after <paramref name="within"/>.</summary>
    public async Task<Message?> Next(TimeSpan within)
    {
        using var deadline = new CancellationTokenSource(within);
        try
        {
            return await _messages.Reader.WaitToReadAsync(deadline.Token) && _messages.Reader.TryRead(out var message) ? message : null;
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no server-sent event or comment within {within.TotalSeconds:0.#} s");
        }
    }

    /// <summary>The next event, skipping comments.</summary>
    public async Task<Message?> NextEvent(TimeSpan within)
    {
        while (await Next(within) is { } message)
            if (message.Comment is null) return message;
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _reading;
        _http.Dispose();
        _stop.Dispose();
    }
}
