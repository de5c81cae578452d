using System.Net;
using System.Text;
using BlueZero.Messages.Wire;
using BlueZero.Tests.Support;
using Microsoft.Playwright;
using Newtonsoft.Json.Linq;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace BlueZero.Tests.EndToEnd;

/// <summary>The dashboard of a hub with a token file: login, roles, the session cookie and its CSRF header.</summary>
[Collection(ClusterCollection.Name)]
public sealed class DashboardLoginTests(SecuredDashboardFixture fixture) : IClassFixture<SecuredDashboardFixture>
{
    private const string Hub = DashboardFixture.HubHost;
    private LocalMesh Mesh => fixture.Mesh;

    [Fact]
    public async Task A_read_token_sees_the_processes_but_no_action_buttons()
    {
        if (fixture.Browser is null) return;
        var pid = await Mesh.StartSleep(Hub);
        var page = await fixture.Open("/?view=processes", DashboardFixture.ReadToken);
        await Expect(page.Locator($"tr[data-pid='{pid}']")).ToBeVisibleAsync(new() { Timeout = 10_000 });
        Assert.Equal(0, await page.Locator("main button:not(.sort)").CountAsync());
        Assert.Equal(0, await page.GetByText("Start a process").CountAsync());
    }

    [Fact]
    public async Task A_read_token_sees_no_actions_in_the_fleet_the_process_and_the_timeline_views()
    {
        if (fixture.Browser is null) return;
        var pid = await Mesh.StartSleep(Hub);
        var page = await fixture.Open("/", DashboardFixture.ReadToken);
        await Expect(page.Locator($"tr[data-host='{Hub}']")).ToContainTextAsync("up", new() { Timeout = 10_000 });
        Assert.Equal(0, await page.Locator("main button").CountAsync());
        await page.GotoAsync($"/?view=process&host={Hub}&pid={pid}");
        await Expect(page.Locator("li.type-process_started")).ToContainTextAsync($"pid {pid}", new() { Timeout = 10_000 });
        Assert.Equal(0, await page.Locator("main button").CountAsync());
        await page.GotoAsync("/?view=timeline");
        await Expect(page.Locator("li.type-process_started", new() { HasText = $"pid {pid}" })).ToBeVisibleAsync(new() { Timeout = 10_000 });
        Assert.Equal(0, await page.Locator("main button").CountAsync());
    }

    [Fact]
    public async Task An_admin_token_can_stop_a_process()
    {
        if (fixture.Browser is null) return;
        var pid = await Mesh.StartSleep(Hub);
        var page = await fixture.Open("/?view=processes", DashboardFixture.AdminToken);
        await page.GetByRole(AriaRole.Button, new() { Name = $"Stop pid {pid} on {Hub}" }).ClickAsync();
        await Expect(page.Locator("#reply")).ToHaveTextAsync($"Stopped pid {pid} on {Hub}.", new() { Timeout = 15_000 });
        await Expect(page.Locator($"tr[data-pid='{pid}'] .badge")).ToHaveTextAsync("stopped", new() { Timeout = 10_000 });
    }

    [Fact]
    public async Task Before_login_the_page_asks_for_a_token_and_shows_no_data()
    {
        if (fixture.Browser is null) return;
        var page = await fixture.Browser.Open(Mesh.Hub.BaseUrl);
        await Expect(page.GetByLabel("Token")).ToBeVisibleAsync();
        Assert.Equal(0, await page.Locator("main *").CountAsync());
    }

    [Fact]
    public async Task The_stream_needs_a_session_or_a_token()
    {
        using var http = Plain();
        using var response = await http.GetAsync("/ui/stream", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_request_with_the_session_cookie_that_changes_something_needs_the_csrf_header()
    {
        using var http = Plain();
        var cookie = await LogIn(http, DashboardFixture.AdminToken);
        var request = new HttpRequestMessage(HttpMethod.Post, "/control")
        {
            Content = new StringContent(new JObject { ["host_name"] = Hub, ["kill_all"] = new JObject() }.ToString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Cookie", cookie);
        using var refused = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(ErrorTexts.CsrfHeaderMissing, (string?)JObject.Parse(await refused.Content.ReadAsStringAsync())["error_message"]);
    }

    [Fact]
    public async Task A_session_cookie_is_HttpOnly_and_SameSite_Strict_and_ends_with_logout()
    {
        using var http = Plain();
        var cookie = await LogIn(http, DashboardFixture.ReadToken);
        Assert.Equal(HttpStatusCode.OK, (await Get(http, "/ui/session", cookie)).StatusCode);

        var logout = new HttpRequestMessage(HttpMethod.Post, "/ui/logout");
        logout.Headers.Add("Cookie", cookie);
        logout.Headers.Add("X-B0-CSRF", "1");
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(logout)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Get(http, "/ui/session", cookie)).StatusCode);
    }

    [Fact]
    public async Task The_page_carries_a_content_security_policy_that_allows_only_the_hubs_own_scripts()
    {
        using var http = Plain();
        using var response = await http.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("default-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task A_logged_in_page_goes_on_across_a_hub_restart_unless_its_token_left_the_file()
    {
        if (fixture.Browser is null) return;
        const string host = "dash-relogin";
        await using var mesh = LocalMesh.Create();
        var tokens = Path.Combine(mesh.WorkDir, "tokens");
        File.WriteAllLines(tokens, ["dash-ops:admin:" + DashboardFixture.AdminToken, "dash-monitor:read:" + DashboardFixture.ReadToken]);
        var hub = await mesh.StartHub(host, extraArgs: ["--token-file", tokens], token: DashboardFixture.AdminToken);
        await mesh.WaitForStatus(host, "up", LocalMesh.UpTimeout);
        var admin = await LoggedIn(mesh, DashboardFixture.AdminToken);
        var monitor = await LoggedIn(mesh, DashboardFixture.ReadToken);

        hub.Signal(PosixSignal.SIGTERM);
        Assert.True(await hub.WaitForExit(TimeSpan.FromSeconds(10)), $"the hub survived SIGTERM for 10 s\n{hub.OutputTail()}");
        await Expect(admin.Locator("#connection.lost")).ToBeVisibleAsync(new() { Timeout = 10_000 });
        // The operator takes the read token out before starting the hub again (same ports and data directory).
        File.WriteAllLines(tokens, ["dash-ops:admin:" + DashboardFixture.AdminToken]);
        await mesh.StartHub(host, hub.Ready.HttpPort, hub.Ready.ClusterPort, extraArgs: ["--token-file", tokens], token: DashboardFixture.AdminToken);

        // Before, every page came back to the login form: the sessions lived in the hub's memory only.
        await Expect(admin.Locator("#connection.live")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Expect(admin.Locator($"tr[data-host='{host}']")).ToHaveClassAsync("host-up", new() { Timeout = 20_000 });
        Assert.True(await admin.EvaluateAsync<bool>("window.sameDocument === true"), "the admin's page was reloaded");
        await Expect(monitor.GetByLabel("Token")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        Assert.Equal(0, await monitor.Locator($"tr[data-host='{host}']").CountAsync());
    }

    /// <summary>A page on <paramref name="mesh"/>'s hub, logged in with <paramref name="token"/> and marked to tell a reload.</summary>
    private async Task<IPage> LoggedIn(LocalMesh mesh, string token)
    {
        var page = await fixture.Browser!.Open(mesh.Hub.BaseUrl, "/");
        await page.GetByLabel("Token").FillAsync(token);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Expect(page.Locator("#connection.live")).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await page.EvaluateAsync("window.sameDocument = true");
        return page;
    }

    private HttpClient Plain() => new(new HttpClientHandler { UseCookies = false }) { BaseAddress = new Uri(Mesh.Hub.BaseUrl) };

    /// <summary>Logs in and returns the Cookie header to send, after checking the cookie's attributes.</summary>
    private static async Task<string> LogIn(HttpClient http, string token)
    {
        var login = new HttpRequestMessage(HttpMethod.Post, "/ui/login")
        {
            Content = new StringContent(new JObject { ["token"] = token }.ToString(), Encoding.UTF8, "application/json"),
        };
        login.Headers.Add("X-B0-CSRF", "1");
        using var response = await http.SendAsync(login);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var setCookie = response.Headers.GetValues("Set-Cookie").Single();
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(token, setCookie);
        return setCookie.Split(';')[0];
    }

    private static Task<HttpResponseMessage> Get(HttpClient http, string path, string cookie)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", cookie);
        return http.SendAsync(request);
    }
}
