using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BlueZero.Bench;

/// <summary>
/// The hub's HTTP front door through one HttpClient: one kept-alive connection, no proxy, so one HubClient is one
/// client that sends one request at a time. Each control request is timed from sending it to having read the whole
/// reply; replies are checked after the clock has stopped.
/// </summary>
internal sealed class HubClient : IDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan HostsAttemptTimeout = TimeSpan.FromSeconds(5);

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

    /// <summary>A start that may have been refused: the pid, or the error text (the node's or the hub's).</summary>
    public sealed record StartOutcome(int? Pid, string? Error, double Ms);

    /// <summary>A cluster-wide listing: how many hosts it listed, and the error_message of each host that failed.</summary>
    public sealed record ClusterListing(int Hosts, IReadOnlyList<string> HostErrors, double Ms);

    /// <summary>
    /// What polling GET /hosts found: how many of the hosts waited for were "up" at the end and at most at once,
    /// after how long.
    /// </summary>
    public sealed record HostsUp(int Up, int MostUp, int Expected, TimeSpan Elapsed, string LastSeen)
    {
        public bool All => Up == Expected;
    }

    /// <summary>A reply as it came: HTTP status, top-level error_message if any, time taken.</summary>
    public sealed record RawReply(HttpStatusCode Status, string? TopLevelError);

    public Task<(int Pid, double Ms)> StartProcessAsync(string host, IReadOnlyList<string> argv, CancellationToken ct) =>
        StartProcessAsync(host, argv, name: null, ct);

    /// <summary>start_process, with the entry's unique <paramref name="name"/> when given.</summary>
    public async Task<(int Pid, double Ms)> StartProcessAsync(string host, IReadOnlyList<string> argv, string? name, CancellationToken ct)
    {
        var body = StartBody(argv);
        if (name is not null) body["name"] = name;
        var (reply, ms) = await ControlAsync(host, "start_process", body, ct);
        return (reply.GetProperty("pid").GetInt32(), ms);
    }

    /// <summary>
    /// start_process that reports a refusal instead of throwing, with "output" set when <paramref name="output"/> is
    /// given. Throws only when the hub cannot be reached at all.
    /// </summary>
    public async Task<StartOutcome> TryStartProcessAsync(string host, IReadOnlyList<string> argv, string? output, CancellationToken ct)
    {
        var body = StartBody(argv);
        if (output is not null) body["output"] = output;
        var (status, reply, ms) = await SendAsync(new JsonObject { ["host_name"] = host, ["start_process"] = body }, ct);
        try
        {
            using var document = JsonDocument.Parse(reply);
            var root = document.RootElement;
            if (root.TryGetProperty("start_process", out var inner))
                return inner.TryGetProperty("pid", out var pid) && pid.ValueKind == JsonValueKind.Number
                    ? new StartOutcome(pid.GetInt32(), null, ms)
                    : new StartOutcome(null, StringField(inner, "error_message") ?? reply, ms);
            return new StartOutcome(null, $"HTTP {(int)status}: {StringField(root, "error_message") ?? reply}", ms);
        }
        catch (JsonException)
        {
            return new StartOutcome(null, $"HTTP {(int)status}: {reply}", ms);
        }
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

    /// <summary>
    /// <paramref name="operation"/> (list_active_processes or list_processes) without host_name: every host at once.
    /// Throws unless the hub answers 200 with top-level success.
    /// </summary>
    public async Task<ClusterListing> ListClusterWideAsync(string operation, CancellationToken ct)
    {
        var (status, reply, ms) = await SendAsync(new JsonObject { [operation] = new JsonObject() }, ct);
        try
        {
            using var document = JsonDocument.Parse(reply);
            var root = document.RootElement;
            if (status == HttpStatusCode.OK && root.TryGetProperty("success", out var routed) && routed.ValueKind == JsonValueKind.True)
            {
                var hosts = root.GetProperty(operation).GetProperty("hosts").EnumerateArray().ToList();
                var errors = hosts.Select(h => StringField(h, "error_message")).OfType<string>().ToList();
                return new ClusterListing(hosts.Count, errors, ms);
            }
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            // Reported below with the raw reply.
        }
        throw new BenchmarkException($"cluster-wide {operation} failed: HTTP {(int)status} {Shorten(reply)}");
    }

    /// <summary>kill_all on one host: stops every managed process there; returns the pids it was sent to.</summary>
    public async Task<(IReadOnlyList<int> Pids, double Ms)> KillAllAsync(string host, CancellationToken ct)
    {
        var (reply, ms) = await ControlAsync(host, "kill_all", new JsonObject(), ct);
        return (reply.GetProperty("pids").EnumerateArray().Select(pid => pid.GetInt32()).ToList(), ms);
    }

    /// <summary>kill_all on every host, at a section's end: a failure is noted and the others still go.</summary>
    public async Task KillAllNotingAsync(IEnumerable<string> hosts, RunNotes notes, string section, CancellationToken ct)
    {
        foreach (var host in hosts)
        {
            try
            {
                await KillAllAsync(host, ct);
            }
            catch (Exception ex) when (ex is HttpRequestException or BenchmarkException or System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
            {
                notes.Add($"{section}: kill_all on {host} failed: {Markdown.FirstLine(ex.Message)}");
            }
        }
    }

    public async Task<(StopReply Reply, double Ms)> StopProcessAsync(string host, int pid, bool wait, CancellationToken ct)
    {
        var body = new JsonObject { ["pid"] = pid };
        if (wait) body["wait"] = true;
        var (reply, ms) = await ControlAsync(host, "stop_process", body, ct);
        return (new StopReply(OptionalInt(reply, "exit_code"), OptionalInt(reply, "signal")), ms);
    }

    /// <summary>list_active_processes routed to <paramref name="host"/>, as it came back: for watching the hub give up on a host.</summary>
    public async Task<RawReply> ProbeHostAsync(string host, CancellationToken ct)
    {
        var (status, reply, _) = await SendAsync(new JsonObject { ["host_name"] = host, ["list_active_processes"] = new JsonObject() }, ct);
        try
        {
            using var document = JsonDocument.Parse(reply);
            return new RawReply(status, StringField(document.RootElement, "error_message"));
        }
        catch (JsonException)
        {
            return new RawReply(status, Shorten(reply));
        }
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

    /// <summary>GET /hosts, or null when this attempt failed (the reason in <paramref name="failure"/>).</summary>
    public async Task<(IReadOnlyList<HostRow>? Rows, string? Failure)> TryListHostsAsync(CancellationToken ct)
    {
        try
        {
            return (await ListHostsAsync(HostsAttemptTimeout, ct), null);
        }
        catch (Exception ex) when (IsFailedAttempt(ex, ct))
        {
            return (null, $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <summary>
    /// Polls GET /hosts until <paramref name="host"/> is listed with status "up"; returns how long that took.
    /// <paramref name="checkAlive"/> throws if the processes under test died meanwhile.
    /// </summary>
    public async Task<TimeSpan> WaitForHostUpAsync(string host, TimeSpan timeout, Action checkAlive, CancellationToken ct, TimeSpan? interval = null)
    {
        var up = await WaitForHostsUpAsync([host], timeout, interval ?? PollInterval, checkAlive, ct);
        return up.All
            ? up.Elapsed
            : throw new BenchmarkException($"{host} was not 'up' in GET /hosts within {timeout.TotalSeconds} s; last reply: {up.LastSeen}");
    }

    /// <summary>
    /// Polls GET /hosts every <paramref name="interval"/> until every one of <paramref name="hosts"/> is "up", or
    /// <paramref name="timeout"/> has passed; says how many were up at the end. Does not throw on the timeout.
    /// </summary>
    public async Task<HostsUp> WaitForHostsUpAsync(IReadOnlyCollection<string> hosts, TimeSpan timeout, TimeSpan interval,
        Action checkAlive, CancellationToken ct)
    {
        var t0 = Stopwatch.GetTimestamp();
        var (up, mostUp, lastSeen) = (0, 0, "(no reply yet)");
        while (true)
        {
            checkAlive();
            var (rows, failure) = await TryListHostsAsync(ct);
            if (rows is not null)
            {
                up = rows.Count(r => r.Status == "up" && hosts.Contains(r.HostName));
                mostUp = Math.Max(mostUp, up);
                lastSeen = Describe(up, hosts.Count, rows);
                if (up == hosts.Count) return new HostsUp(up, mostUp, hosts.Count, Stopwatch.GetElapsedTime(t0), lastSeen);
            }
            else
            {
                lastSeen = $"({failure})";
            }
            if (Stopwatch.GetElapsedTime(t0) >= timeout) return new HostsUp(up, mostUp, hosts.Count, Stopwatch.GetElapsedTime(t0), lastSeen);
            await Task.Delay(interval, ct);
        }
    }

    /// <summary>
    /// Polls GET /health every <paramref name="interval"/> until the hub counts <paramref name="expected"/> nodes "up", or
    /// <paramref name="timeout"/> has passed. For a hub whose only nodes are the ones under test (--no-local-node).
    /// GET /health reads the hub's own registry, where GET /hosts asks every up node for its state: polled every 100 ms
    /// while 50 nodes start on two cores, that is hundreds of requests a second to starved nodes, and a node that
    /// cannot answer one in time is marked unreachable (bench/PROFILE.md). The watch must not be the load it measures.
    /// One GET /hosts at the end describes what was seen.
    /// </summary>
    public async Task<HostsUp> WaitForNodesUpAsync(int expected, TimeSpan timeout, TimeSpan interval, Action checkAlive, CancellationToken ct)
    {
        var t0 = Stopwatch.GetTimestamp();
        var (up, mostUp, failure) = (0, 0, (string?)null);
        while (true)
        {
            checkAlive();
            (var counted, failure) = await TryCountNodesUpAsync(ct);
            if (counted is { } count)
            {
                (up, mostUp) = (count, Math.Max(mostUp, count));
                if (up == expected) break;
            }
            if (Stopwatch.GetElapsedTime(t0) >= timeout) break;
            await Task.Delay(interval, ct);
        }
        var elapsed = Stopwatch.GetElapsedTime(t0);
        var (rows, listFailure) = await TryListHostsAsync(ct);
        var lastSeen = rows is null ? $"{up} of {expected} up ({failure ?? listFailure})" : Describe(up, expected, rows);
        return new HostsUp(up, mostUp, expected, elapsed, lastSeen);
    }

    /// <summary>The number of nodes "up" in GET /health, or null when this attempt failed (the reason in the second value).</summary>
    private async Task<(int? Up, string? Failure)> TryCountNodesUpAsync(CancellationToken ct)
    {
        try
        {
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
            attempt.CancelAfter(HostsAttemptTimeout);
            using var health = JsonDocument.Parse(await _http.GetStringAsync("health", attempt.Token));
            return (health.RootElement.GetProperty("nodes").GetInt32(), null);
        }
        catch (Exception ex) when (IsFailedAttempt(ex, ct))
        {
            return (null, $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <summary>"N of M up; the first five hosts with their status": what a wait for hosts last saw.</summary>
    private static string Describe(int up, int expected, IReadOnlyList<HostRow> rows) =>
        $"{up} of {expected} up; {string.Join(", ", rows.Take(5).Select(r => $"{r.HostName} {r.Status}"))}{(rows.Count > 5 ? ", ..." : "")}";

    /// <summary>An attempt that failed (refused, timed out on its own limit, or answered with something unreadable), not the run's cancellation.</summary>
    private static bool IsFailedAttempt(Exception ex, CancellationToken ct) =>
        ex is HttpRequestException or JsonException or KeyNotFoundException or InvalidOperationException
        || (ex is OperationCanceledException && !ct.IsCancellationRequested);

    /// <summary>GET of a text page (e.g. "metrics"), timed from sending to having read the whole body.</summary>
    public async Task<(string Body, double Ms)> GetTextAsync(string path, CancellationToken ct)
    {
        var t0 = Stopwatch.GetTimestamp();
        var body = await _http.GetStringAsync(path, ct);
        return (body, Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
    }

    public void Dispose() => _http.Dispose();

    private static JsonObject StartBody(IReadOnlyList<string> argv) =>
        new() { ["path"] = argv[0], ["args"] = new JsonArray([.. argv.Skip(1).Select(a => JsonValue.Create(a))]) };

    /// <summary>POST /control {"host_name":host, operation:body}; returns the node's inner reply and the time taken.</summary>
    private async Task<(JsonElement Reply, double Ms)> ControlAsync(string host, string operation, JsonObject body, CancellationToken ct)
    {
        var (status, reply, ms) = await SendAsync(new JsonObject { ["host_name"] = host, [operation] = body }, ct);
        return (InnerReply(operation, status, reply), ms);
    }

    /// <summary>POST /control with <paramref name="request"/>; the reply whatever its status. Throws when there is none.</summary>
    private async Task<(HttpStatusCode Status, string Reply, double Ms)> SendAsync(JsonObject request, CancellationToken ct)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "control")
        {
            Content = new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        var t0 = Stopwatch.GetTimestamp();
        try
        {
            using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, ct);
            var reply = await response.Content.ReadAsStringAsync(ct);
            return (response.StatusCode, reply, Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            var operation = request.Select(p => p.Key).FirstOrDefault(k => k != "host_name");
            throw new BenchmarkException($"{operation} request failed after {Stopwatch.GetElapsedTime(t0).TotalSeconds:F1} s: {ex.Message}");
        }
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
        throw new BenchmarkException($"{operation} failed: HTTP {(int)status} {Shorten(reply)}");
    }

    private static string? StringField(JsonElement element, string field) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static int? OptionalInt(JsonElement reply, string field) =>
        reply.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : null;

    /// <summary>A reply cut for an error message: a listing of 10,000 pids would bury the point.</summary>
    private static string Shorten(string reply) => reply.Length <= 500 ? reply : $"{reply[..500]}... ({reply.Length} characters)";
}
