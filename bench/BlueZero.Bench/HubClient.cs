using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BlueZero.Bench;

/// <summary>
/// The hub's HTTP front door through one HttpClient (one kept-alive connection, no proxy). Each control request
/// is timed from sending it to having read the whole reply; replies are checked after the clock has stopped.
/// </summary>
internal sealed class HubClient : IDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    private readonly HttpClient _http;

    public HubClient(Uri baseAddress)
    {
        _http = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = 1 })
        {
            BaseAddress = baseAddress,
            Timeout = RequestTimeout,
        };
    }

    public sealed record StopReply(int? ExitCode, int? Signal);

    /// <summary>One row of GET /hosts.</summary>
    public sealed record HostRow(string HostName, string Address, string Status);

    public Task<(int Pid, double Ms)> StartProcessAsync(string host, IReadOnlyList<string> argv, CancellationToken ct) =>
        StartProcessAsync(host, argv, name: null, ct);

    /// <summary>start_process, with the entry's unique <paramref name="name"/> when given.</summary>
    public async Task<(int Pid, double Ms)> StartProcessAsync(string host, IReadOnlyList<string> argv, string? name, CancellationToken ct)
    {
        var body = new JsonObject { ["path"] = argv[0], ["args"] = new JsonArray([.. argv.Skip(1).Select(a => JsonValue.Create(a))]) };
        if (name is not null) body["name"] = name;
        var (reply, ms) = await ControlAsync(host, "start_process", body, ct);
        return (reply.GetProperty("pid").GetInt32(), ms);
    }

    public async Task<(bool Running, double Ms)> QueryProcessStatusAsync(string host, int pid, CancellationToken ct)
    {
        var (reply, ms) = await ControlAsync(host, "query_process_status", new JsonObject { ["pid"] = pid }, ct);
        return (reply.GetProperty("running").GetBoolean(), ms);
    }

    /// <summary>query_process_status by name: whether it runs, and its current pid (null when it has none).</summary>
    public async Task<(bool Running, int? Pid, double Ms)> QueryProcessStatusAsync(string host, string name, CancellationToken ct)
    {
        var (reply, ms) = await ControlAsync(host, "query_process_status", new JsonObject { ["name"] = name }, ct);
        return (reply.GetProperty("running").GetBoolean(), OptionalInt(reply, "pid"), ms);
    }

    public async Task<(int Count, double Ms)> ListActiveProcessesAsync(string host, CancellationToken ct)
    {
        var (pids, ms) = await ListActivePidsAsync(host, ct);
        return (pids.Count, ms);
    }

    public async Task<(IReadOnlyList<int> Pids, double Ms)> ListActivePidsAsync(string host, CancellationToken ct)
    {
        var (reply, ms) = await ControlAsync(host, "list_active_processes", new JsonObject(), ct);
        return (reply.GetProperty("pids").EnumerateArray().Select(pid => pid.GetInt32()).ToList(), ms);
    }

    /// <summary>kill_all on one host: stops every managed process there; returns the pids it was sent to.</summary>
    public async Task<(IReadOnlyList<int> Pids, double Ms)> KillAllAsync(string host, CancellationToken ct)
    {
        var (reply, ms) = await ControlAsync(host, "kill_all", new JsonObject(), ct);
        return (reply.GetProperty("pids").EnumerateArray().Select(pid => pid.GetInt32()).ToList(), ms);
    }

    /// <summary>
    /// GET /hosts, bounded by <paramref name="attemptTimeout"/>. Throws HttpRequestException, JsonException,
    /// KeyNotFoundException, InvalidOperationException or (on the attempt's own timeout) OperationCanceledException.
    /// </summary>
    public async Task<IReadOnlyList<HostRow>> ListHostsAsync(TimeSpan attemptTimeout, CancellationToken ct)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
        attempt.CancelAfter(attemptTimeout);
        var reply = await _http.GetStringAsync("hosts", attempt.Token);
        using var hosts = JsonDocument.Parse(reply);
        return hosts.RootElement.GetProperty("hosts").EnumerateArray().Select(h => new HostRow(
            h.GetProperty("host_name").GetString() ?? "", h.GetProperty("address").GetString() ?? "", h.GetProperty("status").GetString() ?? "")).ToList();
    }

    public async Task<(StopReply Reply, double Ms)> StopProcessAsync(string host, int pid, bool wait, CancellationToken ct)
    {
        var body = new JsonObject { ["pid"] = pid };
        if (wait) body["wait"] = true;
        var (reply, ms) = await ControlAsync(host, "stop_process", body, ct);
        return (new StopReply(OptionalInt(reply, "exit_code"), OptionalInt(reply, "signal")), ms);
    }

    /// <summary>
    /// Polls GET /hosts until <paramref name="host"/> is listed with status "up"; returns how long that took.
    /// <paramref name="checkAlive"/> throws if the processes under test died meanwhile.
    /// </summary>
    public async Task<TimeSpan> WaitForHostUpAsync(string host, TimeSpan timeout, Action checkAlive, CancellationToken ct)
    {
        var t0 = Stopwatch.GetTimestamp();
        var lastSeen = "(no reply yet)";
        while (Stopwatch.GetElapsedTime(t0) < timeout)
        {
            checkAlive();
            try
            {
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
                attempt.CancelAfter(TimeSpan.FromSeconds(5));
                lastSeen = await _http.GetStringAsync("hosts", attempt.Token);
                using var hosts = JsonDocument.Parse(lastSeen);
                var up = hosts.RootElement.GetProperty("hosts").EnumerateArray().Any(h =>
                    h.GetProperty("host_name").GetString() == host && h.GetProperty("status").GetString() == "up");
                if (up) return Stopwatch.GetElapsedTime(t0);
            }
            catch (Exception ex) when (ex is HttpRequestException or JsonException or KeyNotFoundException or InvalidOperationException
                                           || (ex is OperationCanceledException && !ct.IsCancellationRequested))
            {
                lastSeen = $"({ex.GetType().Name}: {ex.Message})";
            }
            await Task.Delay(PollInterval, ct);
        }
        throw new BenchmarkException($"{host} was not 'up' in GET /hosts within {timeout.TotalSeconds} s; last reply: {lastSeen}");
    }

    public void Dispose() => _http.Dispose();

    /// <summary>POST /control {"host_name":host, operation:body}; returns the node's inner reply and the time taken.</summary>
    private async Task<(JsonElement Reply, double Ms)> ControlAsync(string host, string operation, JsonObject body, CancellationToken ct)
    {
        var json = new JsonObject { ["host_name"] = host, [operation] = body }.ToJsonString();
        using var request = new HttpRequestMessage(HttpMethod.Post, "control")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        HttpStatusCode status;
        string reply;
        var t0 = Stopwatch.GetTimestamp();
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            status = response.StatusCode;
            reply = await response.Content.ReadAsStringAsync(ct);
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            throw new BenchmarkException($"{operation} request failed after {Stopwatch.GetElapsedTime(t0).TotalSeconds:F1} s: {ex.Message}");
        }
        var ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        return (InnerReply(operation, status, reply), ms);
    }

    /// <summary>The inner reply of a routed request that worked: HTTP 200, top-level and inner "success":true.</summary>
    private static JsonElement InnerReply(string operation, HttpStatusCode status, string reply)
    {
        try
        {
            using var document = JsonDocument.Parse(reply);
            var root = document.RootElement;
            if (status == HttpStatusCode.OK
                && root.TryGetProperty("success", out var routed) && routed.ValueKind == JsonValueKind.True
                && root.TryGetProperty(operation, out var inner)
                && inner.TryGetProperty("success", out var worked) && worked.ValueKind == JsonValueKind.True)
                return inner.Clone();
        }
        catch (JsonException)
        {
            // Reported below with the raw reply.
        }
        throw new BenchmarkException($"{operation} failed: HTTP {(int)status} {reply}");
    }

    private static int? OptionalInt(JsonElement reply, string field) =>
        reply.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : null;
}
