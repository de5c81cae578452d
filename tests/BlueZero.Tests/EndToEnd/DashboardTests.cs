using System.Diagnostics;
using System.Text.RegularExpressions;
using BlueZero.Tests.Support;
using Microsoft.Playwright;
using Newtonsoft.Json.Linq;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace BlueZero.Tests.EndToEnd;

/// <summary>The dashboard of an open hub with a second node, in a real browser (chromium through Playwright).</summary>
[Collection(ClusterCollection.Name)]
public sealed class DashboardTests(OpenDashboardFixture fixture) : IClassFixture<OpenDashboardFixture>
{
    private const string Markup = "<script>window.pwned=1</script><img src=x onerror=\"window.pwned=2\">";
    private static readonly LocatorAssertionsToContainTextOptions Soon = new() { Timeout = 10_000 };

    private LocalMesh Mesh => fixture.Mesh;

    [Fact]
    public async Task The_fleet_view_lists_the_hub_and_the_node_as_up()
    {
        if (fixture.Browser is null) return;
        var page = await fixture.Open();
        await Expect(page.Locator($"tr[data-host='{DashboardFixture.HubHost}']")).ToContainTextAsync("up", Soon);
        await Expect(page.Locator($"tr[data-host='{DashboardFixture.NodeHost}']")).ToContainTextAsync("up", Soon);
    }

    [Fact]
    public async Task A_process_started_through_the_form_appears_in_the_table_without_a_reload()
    {
        if (fixture.Browser is null) return;
        var page = await fixture.Open("/?view=processes");
        await page.EvaluateAsync("window.sameDocument = true");
        await page.GetByText("Start a process").ClickAsync();
        await page.Locator("#start-host").SelectOptionAsync(DashboardFixture.NodeHost);
        await page.GetByLabel("Path").FillAsync("/bin/sleep");
        await page.GetByLabel("Arguments").FillAsync("300");
        await page.Locator("#start-name").FillAsync("form-sleeper");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start", Exact = true }).ClickAsync();

        await Expect(page.Locator("#reply")).ToContainTextAsync($"on {DashboardFixture.NodeHost}", Soon);
        var reply = await page.Locator("#reply").TextContentAsync();
        Mesh.Track(int.Parse(Regex.Match(reply!, @"Started pid (\d+)").Groups[1].Value));
        await Expect(page.Locator("td.name", new() { HasText = "form-sleeper" })).ToBeVisibleAsync(new() { Timeout = 10_000 });
        Assert.True(await page.EvaluateAsync<bool>("window.sameDocument === true"), "the page was reloaded");
    }

    [Fact]
    public async Task The_process_view_shows_the_live_output_of_a_process()
    {
        if (fixture.Browser is null) return;
        var pid = Mesh.Track(await Mesh.Hub.StartProcess(DashboardFixture.NodeHost, "/bin/sh", "-c",
            "echo first-line; sleep 1; echo second-line; sleep 300"));
        var page = await fixture.Open($"/?view=process&host={DashboardFixture.NodeHost}&pid={pid}");
        await Expect(page.Locator("pre.output")).ToContainTextAsync("first-line", Soon);
        await Expect(page.Locator("pre.output")).ToContainTextAsync("second-line", Soon);
    }

    [Fact]
    public async Task A_name_and_output_with_markup_render_as_text()
    {
        if (fixture.Browser is null) return;
        var started = await Mesh.Hub.Routed(DashboardFixture.NodeHost, "start_process", new JObject
        {
            ["path"] = "/bin/sh", ["name"] = Markup, ["args"] = new JArray("-c", $"echo '{Markup}'; sleep 300"),
        });
        var pid = Mesh.Track((int)started["pid"]!);
        var page = await fixture.Open("/?view=processes");
        await Expect(page.Locator("td.name", new() { HasText = "<script>window.pwned=1</script>" })).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await page.GotoAsync($"/?view=process&host={DashboardFixture.NodeHost}&pid={pid}");
        await Expect(page.Locator("pre.output")).ToContainTextAsync("<img src=x onerror=", Soon);

        Assert.Equal(0, await page.Locator("main img, main script").CountAsync());
        Assert.Equal("undefined", await page.EvaluateAsync<string>("typeof window.pwned"));
    }

    [Fact]
    public async Task A_node_killed_with_SIGKILL_turns_grey_on_the_open_page_within_10_seconds()
    {
        if (fixture.Browser is null) return;
        const string doomed = "dash-doomed";
        var node = await Mesh.StartNode(doomed);
        var page = await fixture.Open();
        var row = page.Locator($"tr[data-host='{doomed}']");
        await Expect(row).ToHaveClassAsync("host-up", new() { Timeout = 10_000 });

        var clock = Stopwatch.StartNew();
        node.Signal(PosixSignal.SIGKILL);
        await Expect(row).ToHaveClassAsync("host-down", new() { Timeout = 10_000 });
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"greyed after {clock.Elapsed}");
        await Expect(row).ToContainTextAsync("unreachable since");
    }

    /// <summary>docs/screenshots.sh sets this to docs/images; otherwise the test has nothing to do.</summary>
    public const string ScreenshotsVariable = "B0_SCREENSHOTS_DIR";

    [Fact]
    public async Task Screenshots_of_the_fleet_process_and_timeline_views_are_saved_when_asked()
    {
        if (fixture.Browser is null || Environment.GetEnvironmentVariable(ScreenshotsVariable) is not { Length: > 0 } dir) return;
        Directory.CreateDirectory(dir);
        var pid = Mesh.Track(await Mesh.Hub.StartProcess(DashboardFixture.NodeHost, "/bin/sh", "-c",
            "i=0; while true; do i=$((i+1)); echo \"request $i served in 12 ms\"; sleep 0.5; done"));
        await Mesh.Hub.Routed(DashboardFixture.HubHost, "start_process", new JObject
        {
            ["path"] = "/bin/sh", ["name"] = "flaky", ["args"] = new JArray("-c", "sleep 2; exit 3"),
            ["restart"] = new JObject { ["policy"] = "on-failure" },
        });
        Mesh.Track(await Mesh.Hub.StartProcess(DashboardFixture.HubHost, "/bin/sleep", "3600"));

        var page = await fixture.Open();
        await Expect(page.Locator($"tr[data-host='{DashboardFixture.NodeHost}']")).ToContainTextAsync("running", Soon);
        await page.ScreenshotAsync(new() { Path = Path.Combine(dir, "fleet.png") });
        await page.GotoAsync("/?view=processes&sort=host_name");
        await Expect(page.Locator("td.name").First).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(dir, "processes.png") });
        await page.GotoAsync($"/?view=process&host={DashboardFixture.NodeHost}&pid={pid}");
        await Expect(page.Locator("pre.output")).ToContainTextAsync("request 6 served", Soon);
        await page.ScreenshotAsync(new() { Path = Path.Combine(dir, "process.png"), FullPage = false });
        await page.GotoAsync("/?view=timeline");
        await Expect(page.Locator("main .note")).Not.ToHaveTextAsync("Loading the event history…");
        await page.ScreenshotAsync(new() { Path = Path.Combine(dir, "timeline.png") });
    }
}
