using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Newtonsoft.Json.Linq;

namespace BlueZero.Tests.Support;

/// <summary>
/// The hub's HTTP front door as the tests use it: raw requests for the hostile-input tests, and typed shortcuts
/// (start, stop, query, list, GET /hosts) that assert the hub routed the request.
/// </summary>
public sealed class HubClient : IDisposable
{
    private readonly HttpClient _http;

    /// <param name="token">When set, sent as "Authorization: Bearer TOKEN" with every request.</param>
    /// <param name="trustedCertificate">For an HTTPS hub with a self-signed certificate: the one server certificate to accept.</param>
    public HubClient(string baseUrl, string? token = null, X509Certificate2? trustedCertificate = null)
    {
        BaseUrl = baseUrl.TrimEnd('/');
        Token = token;
        // A short pooled-connection lifetime: a restarted hub on the same port must not meet stale connections.
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(2), UseProxy = false };
        if (trustedCertificate is not null)
            handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, _) =>
                presented is not null && presented.GetCertHashString() == trustedCertificate.GetCertHashString();
        _http = new HttpClient(handler) { BaseAddress = new Uri(BaseUrl + "/"), Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null) _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public string BaseUrl { get; }

    public string? Token { get; }

    public Task<HubReply> Control(string json) => Send(HttpMethod.Post, "/control", JsonContent(json));

    public Task<HubReply> Control(JObject request) => Control(request.ToString(Newtonsoft.Json.Formatting.None));

    public async Task<HubReply> Send(HttpMethod method, string path, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/')) { Content = content };
        var clock = Stopwatch.StartNew();
        using var response = await _http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return new HubReply((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, body, clock.Elapsed);
    }

    /// <summary>An exchange judged by its status and headers alone (an endless stream): the body is not read.</summary>
    public async Task<HubReply> SendForHeaders(HttpMethod method, string path)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        var clock = Stopwatch.StartNew();
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return new HubReply((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, "", clock.Elapsed);
    }

    public static HttpContent JsonContent(string json) => BytesContent(Encoding.UTF8.GetBytes(json));

    public static HttpContent BytesContent(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    /// <summary>GET /hosts: the "hosts" array.</summary>
    public async Task<IReadOnlyList<JObject>> Hosts()
    {
        var reply = await Send(HttpMethod.Get, "/hosts");
        if (reply.Status != 200) throw new InvalidOperationException($"GET /hosts: {reply}");
        return ((JArray)reply.Json["hosts"]!).Cast<JObject>().ToList();
    }

    /// <summary>The /hosts entry of <paramref name="hostName"/>, or null while the hub does not list it.</summary>
    public async Task<JObject?> Host(string hostName) =>
        (await Hosts()).FirstOrDefault(h => (string?)h["host_name"] == hostName);

    /// <summary>"up", "unreachable", "removed", "left", or null while the hub does not list the host.</summary>
    public async Task<string?> StatusOf(string hostName) => (string?)(await Host(hostName))?["status"];

    /// <summary>
    /// Routes a request to a host and returns the node's reply (the inner object of the operation). Every routed reply
    /// is also checked against docs/PROTOCOL.md §3: HTTP 200 when the node's "success" is true, 422 when it is false.
    /// </summary>
    public async Task<JObject> Routed(string hostName, string operation, JObject body)
    {
        var reply = await Control(new JObject { ["host_name"] = hostName, [operation] = body });
        if (reply.Status is not (200 or 422) || reply.Json["success"]?.Value<bool>() != true || reply.Json[operation] is not JObject inner)
            throw new InvalidOperationException($"{operation} on {hostName} was not routed: {reply}");
        var worked = inner["success"]?.Value<bool>() == true;
        if (reply.Status != (worked ? 200 : 422))
            throw new InvalidOperationException($"{operation} on {hostName}: HTTP {reply.Status} does not match the node's success:{worked}: {reply}");
        return inner;
    }

    /// <summary>Starts a program on a host; returns its pid (the start must succeed).</summary>
    public async Task<int> StartProcess(string hostName, string path, params string[] args)
    {
        var reply = await Routed(hostName, "start_process", new JObject { ["path"] = path, ["args"] = new JArray(args) });
        if (reply["success"]?.Value<bool>() != true) throw new InvalidOperationException($"start of {path} on {hostName} failed: {reply}");
        return reply["pid"]!.Value<int>();
    }

    public Task<JObject> QueryStatus(string hostName, int pid) =>
        Routed(hostName, "query_process_status", new JObject { ["pid"] = pid });

    public Task<JObject> StopProcess(string hostName, int pid, bool wait) =>
        Routed(hostName, "stop_process", new JObject { ["pid"] = pid, ["wait"] = wait });

    /// <summary>The running managed pids of one host.</summary>
    public async Task<IReadOnlyList<int>> ActivePids(string hostName)
    {
        var reply = await Routed(hostName, "list_active_processes", new JObject());
        return ((JArray)reply["pids"]!).Select(p => p.Value<int>()).ToList();
    }

    public void Dispose() => _http.Dispose();
}
