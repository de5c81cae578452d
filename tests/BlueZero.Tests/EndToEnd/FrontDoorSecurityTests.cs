using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BlueZero.Messages.Wire;
using BlueZero.Tests.Support;
using Newtonsoft.Json.Linq;
using Xunit;
using Xunit.Abstractions;

namespace BlueZero.Tests.EndToEnd;

/// <summary>
/// The hub's front door with a token file: no or a wrong token gets 401, a read token may only read, an admin token
/// may do everything, GET /health stays open, changes are audited, and one client cannot hold more than its share
/// of requests. Also how the hub refuses to start: off loopback without tokens, or with a malformed token file.
/// And HTTPS with a .pfx.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class FrontDoorSecurityTests(SecuredHubFixture fixture, ITestOutputHelper output) : IClassFixture<SecuredHubFixture>
{
    private const string Hub = SecuredHubFixture.HubHost;
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(30);

    private LocalMesh Mesh => fixture.Mesh;
    private HubClient Admin => Mesh.Hub;

    private HubClient ClientWith(string? token) => new(Mesh.Hub.BaseUrl, token);

    private static string ListActive => new JObject { ["host_name"] = Hub, ["list_active_processes"] = new JObject() }.ToString();

    [Fact]
    public async Task A_request_without_a_token_gets_401_with_WWW_Authenticate_Bearer()
    {
        using var http = new HttpClient();

        using var response = await http.PostAsync($"{Mesh.Hub.BaseUrl}/control", HubClient.JsonContent(ListActive));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        var json = JObject.Parse(await response.Content.ReadAsStringAsync());
        Assert.False(json["success"]!.Value<bool>());
        Assert.Equal("unauthorized: this hub needs a bearer token (Authorization: Bearer TOKEN)", (string?)json["error_message"]);
    }

    [Theory]
    [InlineData("POST", "/control")]
    [InlineData("GET", "/hosts")]
    public async Task A_wrong_token_gets_401(string method, string path)
    {
        using var client = ClientWith(SecuredHubFixture.AdminToken + "x");

        var reply = await client.Send(new HttpMethod(method), path, method == "POST" ? HubClient.JsonContent(ListActive) : null);

        Assert.Equal(401, reply.Status);
        Assert.Equal("unauthorized: the bearer token is not valid", (string?)reply.Json["error_message"]);
    }

    [Fact]
    public async Task The_metrics_token_may_scrape_GET_metrics()
    {
        using var scraper = ClientWith(SecuredHubFixture.MetricsToken);

        var reply = await scraper.Send(HttpMethod.Get, "/metrics");

        Assert.Equal(200, reply.Status);
        Assert.Equal(1, PrometheusText.Parse(reply.Body).Value("bluezero_hosts", ("status", "up")));
    }

    [Theory]
    [InlineData("POST", "/control")]
    [InlineData("GET", "/hosts")]
    public async Task The_metrics_token_gets_403_anywhere_but_GET_metrics(string method, string path)
    {
        using var scraper = ClientWith(SecuredHubFixture.MetricsToken);

        var reply = await scraper.Send(new HttpMethod(method), path, method == "POST" ? HubClient.JsonContent(ListActive) : null);

        Assert.Equal(403, reply.Status);
        Assert.Equal(ErrorTexts.MetricsTokenOnly, (string?)reply.Json["error_message"]);
    }

    [Fact]
    public async Task Health_needs_no_token()
    {
        using var client = ClientWith(null);

        var reply = await client.Send(HttpMethod.Get, "/health");

        Assert.Equal(200, reply.Status);
        Assert.Equal("ok", (string?)reply.Json["status"]);
    }

    [Fact]
    public async Task A_read_token_may_list_and_query_but_not_start()
    {
        var pid = await Mesh.StartSleep(Hub);
        using var reader = ClientWith(SecuredHubFixture.ReadToken);

        Assert.Contains(pid, await reader.ActivePids(Hub));
        Assert.True((bool)(await reader.QueryStatus(Hub, pid))["running"]!);
        Assert.Equal(200, (await reader.Send(HttpMethod.Get, "/hosts")).Status);
        var start = await reader.Control(new JObject { ["host_name"] = Hub, ["start_process"] = new JObject { ["path"] = "/bin/true" } });

        Assert.Equal(403, start.Status);
        Assert.Equal("forbidden: start_process needs an admin token; 'monitor' may only read", (string?)start.Json["error_message"]);
        await Admin.StopProcess(Hub, pid, wait: true);
    }

    [Fact]
    public async Task A_read_token_may_not_forget_a_host()
    {
        using var reader = ClientWith(SecuredHubFixture.ReadToken);

        var forget = await reader.Control("""{"forget_host":{"host_name":"gone-node"}}""");

        Assert.Equal(403, forget.Status);
        Assert.Equal("forbidden: forget_host needs an admin token; 'monitor' may only read", (string?)forget.Json["error_message"]);
    }

    [Fact]
    public async Task An_admin_token_may_start_and_stop_and_both_are_audited_with_its_name()
    {
        var pid = await Mesh.StartSleep(Hub);
        var stop = await Admin.StopProcess(Hub, pid, wait: true);

        Assert.True(stop["success"]?.Value<bool>() == true, stop.ToString());
        await Polling.Until(() => HubLog().Any(l => l.Contains($"Audit start_process by {SecuredHubFixture.AdminName} from 127.0.0.1 on {Hub} path /bin/sleep: started pid {pid}")),
            TimeSpan.FromSeconds(10), "the start is audited", Mesh.Diagnostics);
        await Polling.Until(() => HubLog().Any(l => l.Contains($"Audit stop_process by {SecuredHubFixture.AdminName} from 127.0.0.1 on {Hub} pid {pid}: success")),
            TimeSpan.FromSeconds(10), "the stop is audited", Mesh.Diagnostics);
    }

    [Fact]
    public async Task Sample_scripts_send_B0_TOKEN()
    {
        var withToken = new Dictionary<string, string> { ["B0_TOKEN"] = SecuredHubFixture.AdminToken };

        var started = await Mesh.Scripts.Run("start_process.sh", [Hub, "/bin/sleep", "300"], withToken);
        Assert.True(started.ExitCode == 0, started.ToString());
        var pid = Mesh.Track(started.Json["start_process"]!["pid"]!.Value<int>());
        var listed = await Mesh.Scripts.Run("list_active_processes.sh", [Hub], withToken);
        var stopped = await Mesh.Scripts.Run("stop_process.sh", [Hub, pid.ToString()], withToken);
        var anonymous = await Mesh.Scripts.Run("list_active_processes.sh", Hub);

        Assert.True(listed.ExitCode == 0, listed.ToString());
        Assert.True(stopped.ExitCode == 0, stopped.ToString());
        Assert.True(anonymous.ExitCode == 1, anonymous.ToString());
        Assert.Equal("unauthorized: this hub needs a bearer token (Authorization: Bearer TOKEN)", (string?)anonymous.Json["error_message"]);
    }

    [Fact]
    public async Task A_client_over_its_concurrency_limit_gets_429_until_its_requests_finish()
    {
        // Raw sockets, so the two requests are provably in progress: headers and one byte of the body are sent, the
        // rest only when released, and the hub is left waiting for it.
        Task<HeldRequest> Hold() => HeldRequest.Open(Admin.BaseUrl, IPAddress.Loopback, "/control", ListActive, Admin.Token);
        // A round holds both slots and checks that a GET is refused. A round is bounded by Kestrel's minimum body data
        // rate (after 5 s it ends the held requests with 408), so on a machine too busy for the hub to take both held
        // requests in time, the round is given up and a fresh one starts with new connections.
        HubReply? refused = null;
        for (var round = 1; round <= 3 && refused is null; round++)
        {
            var held = new List<HeldRequest>();
            try
            {
                for (var i = 0; i < SecuredHubFixture.PerClientLimit; i++) held.Add(await Hold());

                // The GETs count against the same limit. A held request that reaches the hub while a GET is in progress
                // is itself the one over the limit and is answered 429 at once; it then holds nothing. Such a request is
                // replaced, so the check always runs with both slots held.
                var clock = System.Diagnostics.Stopwatch.StartNew();
                for (var attempt = 0; attempt < 40 && clock.Elapsed < TimeSpan.FromSeconds(4); attempt++)
                {
                    var reply = await Admin.Send(HttpMethod.Get, "/hosts");
                    if (reply.Status == 429)
                    {
                        refused = reply;
                        break;
                    }
                    for (var i = 0; i < held.Count; i++)
                    {
                        if (!held[i].Answered) continue;
                        Assert.Equal(429, (await held[i].Reply()).Status);
                        output.WriteLine($"round {round}: held request {i} lost the race with a GET and got 429; holding a new one");
                        held[i].Dispose();
                        held[i] = await Hold();
                    }
                    await Task.Delay(50);
                }
                if (refused is null)
                {
                    output.WriteLine($"round {round}: no 429 within 4 s; starting again with new held requests");
                    continue;
                }
                Assert.Equal("too many requests: at most 2 at a time and 0 waiting from one client address", (string?)refused.Json["error_message"]);
                foreach (var request in held)
                    Assert.Equal(200, (await request.Release().WaitAsync(TimeSpan.FromSeconds(10))).Status);
            }
            finally
            {
                foreach (var request in held) request.Dispose();
            }
        }
        Assert.True(refused is not null, "GET /hosts did not get 429 while two requests were held open, in 3 rounds\n" + Mesh.Diagnostics());
        Assert.Equal(200, (await Admin.Send(HttpMethod.Get, "/hosts")).Status);
    }

    [Fact]
    public async Task The_hub_refuses_a_non_loopback_address_without_a_token_file()
    {
        await using var mesh = LocalMesh.Create();
        await using var hub = MeshProcess.StartHub("open-hub", mesh.WorkDir, mesh.ConfigDir, extraArgs: ["--http", "0.0.0.0:0"]);

        Assert.True(await hub.WaitForExit(ExitTimeout), hub.OutputTail());
        Assert.Equal(2, hub.ExitCode);
        Assert.Contains(hub.Output, l => l.Contains("error: --http 0.0.0.0:0 is not a loopback address: a token file is required"));
        Assert.Empty(hub.ReadyLines);
    }

    [Fact]
    public async Task The_hub_serves_a_non_loopback_address_with_a_token_file()
    {
        await using var mesh = LocalMesh.Create();
        var tokens = Path.Combine(mesh.WorkDir, "tokens");
        File.WriteAllLines(tokens, ["ops:admin:abc123"]);

        var hub = await mesh.StartHub("wide-hub", extraArgs: ["--http", "0.0.0.0:0", "--token-file", tokens]);
        using var client = new HubClient($"http://127.0.0.1:{hub.Ready.HttpPort}", "abc123");
        using var anonymous = new HubClient($"http://127.0.0.1:{hub.Ready.HttpPort}");

        Assert.Equal(200, (await client.Send(HttpMethod.Get, "/hosts")).Status);
        Assert.Equal(401, (await anonymous.Send(HttpMethod.Get, "/hosts")).Status);
    }

    [Fact]
    public async Task The_hub_refuses_a_malformed_token_file_naming_file_and_line()
    {
        await using var mesh = LocalMesh.Create();
        var tokens = Path.Combine(mesh.WorkDir, "tokens");
        File.WriteAllLines(tokens, ["# comment", "ops:admin:abc", "eve:owner:def"]);
        await using var hub = MeshProcess.StartHub("bad-tokens-hub", mesh.WorkDir, mesh.ConfigDir, extraArgs: ["--token-file", tokens]);

        Assert.True(await hub.WaitForExit(ExitTimeout), hub.OutputTail());
        Assert.Equal(2, hub.ExitCode);
        Assert.Contains(hub.Output, l => l.EndsWith($"error: token file {tokens} line 3: unknown role 'owner' for 'eve': expected admin or read"));
        Assert.Empty(hub.ReadyLines);
    }

    [Fact]
    public async Task With_a_pfx_the_hub_serves_HTTPS()
    {
        await using var mesh = LocalMesh.Create();
        var (pfx, certificate) = SelfSignedPfx(mesh.WorkDir, "pfx-password");
        using var _ = certificate;

        var hub = await mesh.StartHub("tls-hub", extraArgs: ["--https-cert", pfx],
            environment: new Dictionary<string, string> { ["B0_HTTPS_CERT_PASSWORD"] = "pfx-password" });
        using var client = new HubClient(hub.Ready.HttpUrl!, trustedCertificate: certificate);
        var reply = await client.Send(HttpMethod.Get, "/health");

        Assert.StartsWith("https://", hub.Ready.HttpUrl);
        Assert.Equal(200, reply.Status);
        Assert.Equal("tls-hub", (string?)reply.Json["host_name"]);
    }

    [Fact]
    public async Task The_hub_refuses_a_pfx_with_the_wrong_password()
    {
        await using var mesh = LocalMesh.Create();
        var (pfx, certificate) = SelfSignedPfx(mesh.WorkDir, "pfx-password");
        certificate.Dispose();
        await using var hub = MeshProcess.StartHub("bad-tls-hub", mesh.WorkDir, mesh.ConfigDir, extraArgs: ["--https-cert", pfx],
            environment: new Dictionary<string, string> { ["B0_HTTPS_CERT_PASSWORD"] = "wrong" });

        Assert.True(await hub.WaitForExit(ExitTimeout), hub.OutputTail());
        Assert.Equal(2, hub.ExitCode);
        Assert.Contains(hub.Output, l => l.Contains($"error: --https-cert {pfx}: cannot load the certificate"));
        Assert.Empty(hub.ReadyLines);
    }

    [Fact]
    public async Task The_hub_refuses_a_missing_pfx()
    {
        await using var mesh = LocalMesh.Create();
        var pfx = Path.Combine(mesh.WorkDir, "missing.pfx");
        await using var hub = MeshProcess.StartHub("no-tls-hub", mesh.WorkDir, mesh.ConfigDir, extraArgs: ["--https-cert", pfx]);

        Assert.True(await hub.WaitForExit(ExitTimeout), hub.OutputTail());
        Assert.Equal(2, hub.ExitCode);
        Assert.Contains(hub.Output, l => l.EndsWith($"error: --https-cert {pfx}: no such file"));
        Assert.Empty(hub.ReadyLines);
    }

    private IReadOnlyList<string> HubLog() => Mesh.HubProcess.Output;

    /// <summary>A self-signed certificate for 127.0.0.1, written as a password-protected .pfx.</summary>
    private static (string Path, X509Certificate2 Certificate) SelfSignedPfx(string directory, string password)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var path = System.IO.Path.Combine(directory, "hub.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, password));
        return (path, certificate);
    }

    /// <summary>A chunked JSON body that sends its first byte at once and the rest only when <c>release</c> completes.</summary>
}
