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

        await StartThroughTheForm(page, "/bin/sleep", "300", "form-sleeper");

        await Expect(page.Locator("td.name", new() { HasText = "form-sleeper" })).ToBeVisibleAsync(new() { Timeout = 10_000 });
        Assert.True(await page.EvaluateAsync<bool>("window.sameDocument === true"), "the page was reloaded");
    }

    [Fact]
    public async Task Arguments_with_spaces_and_quotes_read_back_quoted_and_the_reply_goes_when_the_user_moves_on()
    {
        if (fixture.Browser is null) return;
        var page = await fixture.Open("/?view=processes");
        await page.EvaluateAsync("window.sameDocument = true");

        await StartThroughTheForm(page, "/bin/echo", "hello\nit's late", "quoted-args"); // one argument per line

        var row = page.Locator("tr", new() { Has = page.Locator("td.name", new() { HasText = "quoted-args" }) });
        await Expect(row.Locator("td.command")).ToHaveTextAsync("/bin/echo hello 'it'\\''s late'", new() { Timeout = 10_000 });
        await page.GetByRole(AriaRole.Link, new() { Name = "Timeline" }).ClickAsync();
        await Expect(page.Locator("#reply")).ToBeHiddenAsync(new() { Timeout = 10_000 });
        Assert.True(await page.EvaluateAsync<bool>("window.sameDocument === true"), "the page was reloaded");
    }

    /// <summary>Fills the start form for the fixture's node as a user does and waits for the hub's reply; the pid is tracked.</summary>
    private async Task StartThroughTheForm(IPage page, string path, string argumentLines, string name)
    {
        await page.GetByText("Start a process").ClickAsync();
        await page.Locator("#start-host").SelectOptionAsync(DashboardFixture.NodeHost);
        await page.GetByLabel("Path").FillAsync(path);
        await page.GetByLabel("Arguments").FillAsync(argumentLines);
        await page.Locator("#start-name").FillAsync(name);
        await page.GetByRole(AriaRole.Button, new() { Name = "Start", Exact = true }).ClickAsync();
        await Expect(page.Locator("#reply")).ToContainTextAsync($"on {DashboardFixture.NodeHost}", Soon);
        Mesh.Track(int.Parse(Regex.Match((await page.Locator("#reply").TextContentAsync())!, @"Started pid (\d+)").Groups[1].Value));
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

    [Fact]
    public async Task When_the_hub_goes_away_the_page_says_so_and_reconnects_by_itself_to_a_hub_on_the_same_port()
    {
        if (fixture.Browser is null) return;
        const string host = "dash-reborn";
        await using var mesh = LocalMesh.Create();
        var hub = await mesh.StartHub(host);
        await mesh.WaitForStatus(host, "up", LocalMesh.UpTimeout);
        var page = await fixture.Browser.Open(mesh.Hub.BaseUrl);
        await Expect(page.Locator($"tr[data-host='{host}']")).ToHaveClassAsync("host-up", new() { Timeout = 10_000 });
        await page.EvaluateAsync("window.sameDocument = true");

        hub.Signal(PosixSignal.SIGTERM);
        // An open page does not hold the stop: the hub stops in about a second (a held stop took 10 s).
        Assert.True(await hub.WaitForExit(TimeSpan.FromSeconds(5)), $"the hub survived SIGTERM for 5 s with a page open\n{hub.OutputTail()}");
        await Expect(page.Locator("#connection.lost")).ToHaveTextAsync("The hub went away: reconnecting…", new() { Timeout = 10_000 });

        // The same ports and data directory, as an operator restarting the hub gets.
        await mesh.StartHub(host, hub.Ready.HttpPort, hub.Ready.ClusterPort);
        await Expect(page.Locator("#connection.live")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Expect(page.Locator($"tr[data-host='{host}']")).ToHaveClassAsync("host-up", new() { Timeout = 20_000 });
        Assert.True(await page.EvaluateAsync<bool>("window.sameDocument === true"), "the page was reloaded");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_flapping_node_greys_out_and_returns_on_the_open_page_and_folds_into_one_timeline_row()
    {
        if (fixture.Browser is null) return;
        // The fixture's node (with a heartbeat history): it is up again at the end, as the other tests need it.
        const string flapper = DashboardFixture.NodeHost;
        var node = Mesh.Processes.Single(p => p.Label == $"node {flapper}");
        var page = await fixture.Open();
        var row = page.Locator($"tr[data-host='{flapper}']");
        await Expect(row).ToHaveClassAsync("host-up", new() { Timeout = 10_000 });

        for (var turn = 0; turn < 2; turn++)
        {
            // Frozen until the hub calls it unreachable (about 6 s), then let go before it is downed (3 s stable-after).
            node.Signal(PosixSignal.SIGSTOP);
            try
            {
                await Expect(row).ToHaveClassAsync("host-down", new() { Timeout = 20_000 });
            }
            finally
            {
                node.Signal(PosixSignal.SIGCONT);
            }
            await Expect(row).ToHaveClassAsync("host-up", new() { Timeout = 10_000 });
        }

        await page.GotoAsync($"/?view=timeline&host={flapper}");
        var folded = page.Locator("li.folded.flapping", new() { HasText = flapper });
        await Expect(folded).ToContainTextAsync("node flapping", Soon);
        await Expect(folded).ToContainTextAsync("unreachable 2 times");
    }

    /// <summary>The page's caps (src/Hub/Ui/views/events.js and process.js): an open page does not grow.</summary>
    private const int TimelineKept = 500;
    /// <summary>
    /// Events past the cap that show an open timeline goes on updating without growing: any number above 0 would catch
    /// a page that appends without dropping; 100 keeps the test short.
    /// </summary>
    private const int PastTheCap = 100;
    /// <summary>
    /// Crash loops in the storm. One yields at most 30 events a second (a restart per 100 ms tick of Akka's scheduler,
    /// three events each); three reach the cap three times sooner.
    /// </summary>
    private const int StormingProcesses = 3;
    /// <summary>Room for the first 500 events at the slowest rate a page ever showed (7 a second, when it drew every event).</summary>
    private static readonly TimeSpan CapReachedWithin = TimeSpan.FromSeconds(120);
    private const int OutputKept = 2000;
    private const int Flood = 2 * OutputKept;

    [Fact]
    public async Task An_open_timeline_keeps_the_newest_500_events_and_goes_on_updating_under_a_restart_storm()
    {
        if (fixture.Browser is null) return;
        // A node of its own: the timeline's host filter then takes the storm's events and the node's own node_up only.
        const string stormHost = "dash-storm";
        var node = await Mesh.StartNode(stormHost);
        var names = Enumerable.Range(1, StormingProcesses).Select(i => $"churn-{i}").ToList();
        var page = await fixture.Open($"/?view=timeline&host={stormHost}");
        await Expect(page.Locator("li.type-node_up")).ToHaveCountAsync(1, new() { Timeout = 10_000 });
        foreach (var name in names)
            await Mesh.Hub.Routed(stormHost, "start_process", new JObject
            {
                ["path"] = "/bin/sh", ["name"] = name, ["args"] = new JArray("-c", "exit 1"),
                ["restart"] = new JObject { ["policy"] = "on-failure", ["max_restarts"] = -1, ["backoff"] = new JObject { ["initial_ms"] = 1, ["max_ms"] = 1 } },
            });
        try
        {
            var lines = page.Locator("ol.timeline li.event:not(.folded)");
            try
            {
                await Expect(lines).ToHaveCountAsync(TimelineKept, new() { Timeout = (float)CapReachedWithin.TotalMilliseconds });
            }
            catch (PlaywrightException ex)
            {
                throw new Xunit.Sdk.XunitException($"{ex.Message}\n{Mesh.Diagnostics()}");
            }
            const string newest = "Number(document.querySelector('ol.timeline > li').dataset.seq)";
            const string elements = "document.getElementsByTagName('*').length";
            var (seqAtCap, elementsAtCap) = (await page.EvaluateAsync<long>(newest), await page.EvaluateAsync<int>(elements));

            // More events arrive: the page shows them, and neither its rows nor its document grow.
            await Polling.Until(async () => await page.EvaluateAsync<long>(newest) >= seqAtCap + PastTheCap,
                TimeSpan.FromSeconds(60), $"another {PastTheCap} events on the page", Mesh.Diagnostics);
            Assert.Equal(TimelineKept, await lines.CountAsync());
            var elementsLater = await page.EvaluateAsync<int>(elements);
            Assert.True(elementsLater <= elementsAtCap + 20, $"the page grew from {elementsAtCap} to {elementsLater} elements");
        }
        finally
        {
            foreach (var name in names)
                await Mesh.Hub.Routed(stormHost, "stop_process", new JObject { ["name"] = name, ["wait"] = true });
            await Mesh.Stop(node);
        }
    }

    [Fact]
    public async Task An_open_output_view_keeps_the_last_2000_lines_and_follows_to_the_newest()
    {
        if (fixture.Browser is null) return;
        var trigger = Path.Combine(Mesh.WorkDir, "output-flood");
        var pid = Mesh.Track(await Mesh.Hub.StartProcess(DashboardFixture.NodeHost, "/bin/sh", "-c",
            // Twice the cap, 100 lines every 0.1 s: paced so that the follower keeps up (one that falls behind skips lines).
            $"echo ready; while [ ! -e '{trigger}' ]; do sleep 0.05; done; i=0; while [ $i -lt {Flood} ]; do seq $((i + 1)) $((i + 100)); i=$((i + 100)); sleep 0.1; done; sleep 300"));
        var page = await fixture.Open($"/?view=process&host={DashboardFixture.NodeHost}&pid={pid}");
        var output = page.Locator("pre.output");
        await Expect(output).ToContainTextAsync("ready", Soon);

        File.WriteAllText(trigger, "");
        await Expect(output.Locator("span.line").Last).ToHaveTextAsync(Flood.ToString(), new() { Timeout = 30_000 });
        await Expect(output.Locator("span.line")).ToHaveCountAsync(OutputKept);
    }

    [Fact]
    public async Task Stopping_a_process_shows_its_exit_in_the_timeline_without_a_reload()
    {
        if (fixture.Browser is null) return;
        var pid = Mesh.Track(await Mesh.Hub.StartProcess(DashboardFixture.NodeHost, "/bin/sleep", "300"));
        var page = await fixture.Open("/?view=timeline");
        await page.EvaluateAsync("window.sameDocument = true");
        await Expect(page.Locator($"li.type-process_started[data-seq]", new() { HasText = $"pid {pid}" })).ToBeVisibleAsync(new() { Timeout = 10_000 });

        await Mesh.Hub.Routed(DashboardFixture.NodeHost, "stop_process", new JObject { ["pid"] = pid });

        var exit = page.Locator("li.type-process_exited", new() { HasText = $"pid {pid}" });
        await Expect(exit).ToContainTextAsync("signal 2 (stopped)", Soon);
        Assert.True(await page.EvaluateAsync<bool>("window.sameDocument === true"), "the page was reloaded");
    }

    [Fact]
    public async Task The_dashboard_stream_relays_new_events_and_resumes_after_the_last_one_seen_without_gap_or_duplicate()
    {
        var within = TimeSpan.FromSeconds(10);
        string lastId;
        await using (var stream = await SseReader.Open(Mesh.Hub.BaseUrl, "/ui/stream"))
        {
            var pid = Mesh.Track(await Mesh.Hub.StartProcess(DashboardFixture.NodeHost, "/bin/sleep", "300"));
            var started = await Polling.UntilValue(() => stream.NextEvent(within),
                m => m?.Event == "process_started" && (int)JObject.Parse(m.Data!)["pid"]! == pid, within, "the start relayed");
            lastId = started!.Id!;
        }
        var missed = new List<int>();
        for (var i = 0; i < 3; i++) missed.Add(Mesh.Track(await Mesh.Hub.StartProcess(DashboardFixture.NodeHost, "/bin/sleep", "300")));
        var stored = await Polling.UntilValue(async () => (JArray)(await Mesh.Hub.Send(HttpMethod.Get, $"/events?since_seq={lastId}&type=process_started")).Json["events"]!,
            events => events.Count(e => missed.Contains((int)e["pid"]!)) == 3, within, "the missed starts stored");
        var lastMissed = stored.Where(e => missed.Contains((int)e["pid"]!)).Max(e => (long)e["seq"]!);
        var expected = ((JArray)(await Mesh.Hub.Send(HttpMethod.Get, $"/events?since_seq={lastId}&limit=1000")).Json["events"]!)
            .Select(e => (long)e["seq"]!).Where(seq => seq <= lastMissed).ToList();

        await using var resumed = await SseReader.Open(Mesh.Hub.BaseUrl, "/ui/stream", lastEventId: lastId);
        var seen = new List<long>();
        while (seen.Count == 0 || seen[^1] < lastMissed)
            if (await resumed.NextEvent(within) is { Event: not FleetEvent } message) seen.Add(long.Parse(message.Id!));

        Assert.Equal(expected, seen);
    }

    private const string FleetEvent = "fleet";

    [Fact]
    public async Task A_page_that_comes_after_the_last_one_left_gets_a_snapshot_at_once_and_then_what_changed_meanwhile()
    {
        var within = TimeSpan.FromSeconds(10);
        await using (var first = await SseReader.Open(Mesh.Hub.BaseUrl, "/ui/stream"))
            await Polling.UntilValue(() => first.NextEvent(within), m => m?.Event == FleetEvent, within, "a first snapshot");
        // With no page listening, the hub keeps its latest snapshot without refreshing it.
        var pid = Mesh.Track(await Mesh.Hub.StartProcess(DashboardFixture.NodeHost, "/bin/sleep", "300"));

        await using var next = await SseReader.Open(Mesh.Hub.BaseUrl, "/ui/stream");

        var firstFrame = await Polling.UntilValue(() => next.NextEvent(within), m => m?.Event == FleetEvent, within, "a snapshot at once");
        if (!Lists(firstFrame!, pid))
            await Polling.UntilValue(() => next.NextEvent(within), m => m?.Event == FleetEvent && Lists(m, pid), within,
                "a snapshot with the process started while no page listened");
    }

    private static bool Lists(SseReader.Message fleet, int pid) =>
        JObject.Parse(fleet.Data!)["processes"]!.SelectTokens("$..pid").Any(token => (int)token == pid);

    [Fact]
    public async Task The_timeline_filter_lives_in_the_URL()
    {
        if (fixture.Browser is null) return;
        foreach (var name in new[] { "tl-wanted", "tl-other" })
            Mesh.Track((int)(await Mesh.Hub.Routed(DashboardFixture.NodeHost, "start_process", new JObject
            {
                ["path"] = "/bin/sleep", ["name"] = name, ["args"] = new JArray("300"),
            }))["pid"]!);
        var page = await fixture.Open($"/?view=timeline&host={DashboardFixture.NodeHost}&name=tl-wanted");
        await Expect(page.Locator("li.type-process_started", new() { HasText = "tl-wanted" })).ToBeVisibleAsync(new() { Timeout = 10_000 });
        Assert.Equal(0, await page.Locator("li.event", new() { HasText = "tl-other" }).CountAsync());
        Assert.Equal("tl-wanted", await page.Locator("#timeline-name").InputValueAsync());

        await page.Locator("#timeline-type").SelectOptionAsync("process_exited");
        Assert.Contains("type=process_exited", page.Url);
        Assert.Contains("name=tl-wanted", page.Url);
        await Expect(page.Locator("main .note")).ToHaveTextAsync("No events yet.", new() { Timeout = 10_000 });
    }

    [Fact]
    public async Task The_restart_button_runs_the_process_again_with_a_new_pid_and_the_same_name()
    {
        if (fixture.Browser is null) return;
        var old = Mesh.Track((int)(await Mesh.Hub.Routed(DashboardFixture.NodeHost, "start_process", new JObject
        {
            ["path"] = "/bin/sleep", ["name"] = "restart-me", ["args"] = new JArray("300"),
        }))["pid"]!);
        var page = await fixture.Open($"/?view=processes&q=restart-me");
        await page.GetByRole(AriaRole.Button, new() { Name = $"Restart restart-me on {DashboardFixture.NodeHost}" }).ClickAsync();

        await Expect(page.Locator("#reply")).ToContainTextAsync("the new pid is", new() { Timeout = 20_000 });
        var pid = Mesh.Track(int.Parse(Regex.Match((await page.Locator("#reply").TextContentAsync())!, @"new pid is (\d+)").Groups[1].Value));
        Assert.NotEqual(old, pid);
        var row = page.Locator($"tr[data-pid='{pid}']");
        await Expect(row.Locator("td.name")).ToHaveTextAsync("restart-me", new() { Timeout = 10_000 });
        await Expect(row.Locator(".badge")).ToHaveTextAsync("running", new() { Timeout = 10_000 });
    }

    [Fact]
    public async Task The_process_view_shows_its_own_events()
    {
        if (fixture.Browser is null) return;
        var pid = Mesh.Track((int)(await Mesh.Hub.Routed(DashboardFixture.NodeHost, "start_process", new JObject
        {
            ["path"] = "/bin/sleep", ["name"] = "own-events", ["args"] = new JArray("300"),
        }))["pid"]!);
        Mesh.Track(await Mesh.Hub.StartProcess(DashboardFixture.NodeHost, "/bin/sleep", "300"));
        var page = await fixture.Open($"/?view=process&host={DashboardFixture.NodeHost}&pid={pid}");
        await Expect(page.Locator("li.type-process_started")).ToContainTextAsync($"own-events pid {pid}", Soon);
        await Mesh.Hub.Routed(DashboardFixture.NodeHost, "stop_process", new JObject { ["pid"] = pid });
        await Expect(page.Locator("li.type-process_exited")).ToContainTextAsync("(stopped)", Soon);
        Assert.Equal(0, await page.Locator("li.event", new() { HasTextRegex = new Regex("pid (?!" + pid + ")") }).CountAsync());
    }

    [Fact]
    public async Task A_crash_looping_process_folds_into_one_timeline_row_with_its_count_and_time_span_that_opens_to_its_events()
    {
        if (fixture.Browser is null) return;
        const string name = "crash-loop";
        await Mesh.Hub.Routed(DashboardFixture.NodeHost, "start_process", new JObject
        {
            ["path"] = "/bin/sh", ["name"] = name, ["args"] = new JArray("-c", "exit 3"),
            ["restart"] = new JObject { ["policy"] = "on-failure", ["max_restarts"] = -1, ["backoff"] = new JObject { ["initial_ms"] = 200, ["max_ms"] = 1000 } },
        });
        try
        {
            var page = await fixture.Open($"/?view=timeline&name={name}");
            var storm = page.Locator("li.folded.storm", new() { HasText = name });
            await Expect(storm).ToContainTextAsync("restart storm", new() { Timeout = 20_000 });
            await Expect(storm).ToContainTextAsync(new Regex(@"\d+ exits \(exit code 3\), \d+ events from .+ to "));
            await Expect(page.Locator("ol.timeline > li")).ToHaveCountAsync(1);
            await Expect(storm.Locator("li.type-process_exited").First).Not.ToBeVisibleAsync();

            await storm.Locator("summary").ClickAsync();
            await Expect(storm.Locator("li.type-process_exited").First).ToBeVisibleAsync();
            await Expect(storm.Locator("li.type-process_backing_off").First).ToContainTextAsync("restart in");
            // It stays open while the loop goes on and more of its events arrive.
            var count = int.Parse((await storm.GetAttributeAsync("data-count"))!);
            await Expect(storm).Not.ToHaveAttributeAsync("data-count", count.ToString(), new() { Timeout = 20_000 });
            await Expect(storm.Locator("li.type-process_exited").First).ToBeVisibleAsync();
        }
        finally
        {
            await Mesh.Hub.Routed(DashboardFixture.NodeHost, "stop_process", new JObject { ["name"] = name, ["wait"] = true });
        }
    }

    [Fact]
    public async Task The_processes_table_draws_the_rows_the_URL_asks_for_and_show_more_adds_a_page_kept_in_the_URL()
    {
        if (fixture.Browser is null) return;
        const int started = 3, asked = 2, pageRows = 100;
        for (var i = 0; i < started; i++)
            Mesh.Track((int)(await Mesh.Hub.Routed(DashboardFixture.NodeHost, "start_process", new JObject
            {
                ["path"] = "/bin/sleep", ["name"] = $"pager-{i}", ["args"] = new JArray("300"),
            }))["pid"]!);
        var page = await fixture.Open($"/?view=processes&q=pager-&sort=name&rows={asked}");
        await Expect(page.Locator(".count")).ToHaveTextAsync($"{started} processes, the first {asked} shown", new() { Timeout = 10_000 });
        await Expect(page.Locator("tbody tr[data-pid]")).ToHaveCountAsync(asked);

        await page.GetByRole(AriaRole.Button, new() { Name = $"Show {started - asked} more" }).ClickAsync();
        await Expect(page.Locator("tbody tr[data-pid]")).ToHaveCountAsync(started);
        await Expect(page.Locator("tbody tr[data-pid]").Last.Locator("td.name")).ToHaveTextAsync($"pager-{started - 1}");
        Assert.Contains($"rows={asked + pageRows}", page.Url);
        await page.ReloadAsync();
        await Expect(page.Locator("tbody tr[data-pid]")).ToHaveCountAsync(started, new() { Timeout = 10_000 });
    }

    [Theory]
    [InlineData("fleet")]
    [InlineData("processes")]
    [InlineData("timeline")]
    public async Task At_phone_width_no_view_overflows_horizontally(string view)
    {
        if (fixture.Browser is null) return;
        var pid = await Mesh.StartSleep(DashboardFixture.NodeHost);
        var page = await fixture.Browser.Open(Mesh.Hub.BaseUrl, $"/?view={view}", PhoneWidth, PhoneHeight);
        await Expect(page.Locator("#connection.live")).ToBeVisibleAsync(new() { Timeout = 10_000 });
        var drawn = view switch
        {
            "fleet" => page.Locator($"tr[data-host='{DashboardFixture.NodeHost}']"),
            "processes" => page.Locator($"tr[data-pid='{pid}']"),
            _ => page.Locator("li.event").First,
        };
        await Expect(drawn).ToBeVisibleAsync(new() { Timeout = 10_000 });
        var width = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(width <= PhoneWidth, $"the {view} view is {width} px wide on a {PhoneWidth} px screen");
    }

    [Fact]
    public async Task At_phone_width_a_long_command_keeps_its_row_one_line_high_and_whole_in_its_title()
    {
        if (fixture.Browser is null) return;
        var script = "sleep 300; echo " + string.Join(' ', Enumerable.Repeat("the-quick-brown-fox jumps over the lazy dog", 4));
        var longPid = Mesh.Track(await Mesh.Hub.StartProcess(DashboardFixture.NodeHost, "/bin/sh", "-c", script));
        var shortPid = await Mesh.StartSleep(DashboardFixture.NodeHost);
        var page = await fixture.Browser.Open(Mesh.Hub.BaseUrl, "/?view=processes", PhoneWidth, PhoneHeight);
        var longRow = page.Locator($"tr[data-pid='{longPid}']");
        await Expect(longRow).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await Expect(page.Locator($"tr[data-pid='{shortPid}']")).ToBeVisibleAsync(new() { Timeout = 10_000 });

        // Measured in one go in the page: live updates redraw the table, and a row found by one call may be a
        // replaced one by the next (in a full run a row's box came back null between two calls).
        var box = await Polling.UntilValue(() => page.EvaluateAsync<double[]?>("""
            ([longPid, shortPid]) => {
              const [long, short] = [longPid, shortPid].map(pid => document.querySelector(`tr[data-pid='${pid}']`));
              const buttons = long ? [...long.querySelectorAll("button")] : [];
              const stop = buttons.find(b => b.textContent === "Stop"), restart = buttons.find(b => b.textContent === "Restart");
              return long && short && stop && restart
                ? [long.getBoundingClientRect().height, short.getBoundingClientRect().height, stop.getBoundingClientRect().y, restart.getBoundingClientRect().y]
                : null;
            }
            """, new[] { longPid, shortPid }), found => found is not null, TimeSpan.FromSeconds(10), "both rows with the long one's Stop and Restart");
        var (longHeight, shortHeight, stopY, restartY) = (box![0], box[1], box[2], box[3]);
        // Before, the command wrapped in its 10rem column: this row was 9 lines high.
        Assert.True(Math.Abs(longHeight - shortHeight) < 2, $"the long command's row is {longHeight} px high, the sleep's {shortHeight} px");
        // The actions side by side, not stacked (they made every row two buttons high).
        Assert.True(Math.Abs(stopY - restartY) < 2, $"Stop at y={stopY}, Restart at y={restartY}");
        await Expect(longRow.Locator("td.command")).ToHaveAttributeAsync("title", $"/bin/sh -c '{script}'");
    }

    private const int PhoneWidth = 390;
    private const int PhoneHeight = 844;

    [Fact]
    public async Task Tabbing_reaches_the_filters_and_the_action_buttons()
    {
        if (fixture.Browser is null) return;
        var pid = await Mesh.StartSleep(DashboardFixture.NodeHost);
        // Filtered to its pid, so that the processes of other tests do not push its buttons further than the tabs go.
        var page = await fixture.Open($"/?view=processes&host={DashboardFixture.NodeHost}&q={pid}");
        await Expect(page.Locator($"tr[data-pid='{pid}']")).ToBeVisibleAsync(new() { Timeout = 10_000 });
        var reached = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            reached.Add(await page.EvaluateAsync<string>("document.activeElement.id || document.activeElement.getAttribute('aria-label') || document.activeElement.textContent"));
        }
        Assert.Contains("filter-host", reached);
        Assert.Contains("filter-state", reached);
        Assert.Contains("filter-text", reached);
        Assert.Contains($"Stop pid {pid} on {DashboardFixture.NodeHost}", reached);
        Assert.Contains($"Restart pid {pid} on {DashboardFixture.NodeHost}", reached);
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
            ["path"] = "/bin/sh", ["name"] = "flaky", ["args"] = new JArray("-c", "sleep 1; exit 3"),
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
        var stopped = Mesh.Track(await Mesh.Hub.StartProcess(DashboardFixture.NodeHost, "/bin/sleep", "3600"));
        await Mesh.Hub.Routed(DashboardFixture.NodeHost, "stop_process", new JObject { ["pid"] = stopped });
        await page.GotoAsync("/?view=timeline");
        await Expect(page.Locator("li.storm", new() { HasText = "flaky" }).First).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await page.ScreenshotAsync(new() { Path = Path.Combine(dir, "timeline.png") });

        var phone = await fixture.Browser.Open(Mesh.Hub.BaseUrl, "/?view=processes&sort=host_name", PhoneWidth, PhoneHeight);
        await Expect(phone.Locator("td.name").First).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await phone.ScreenshotAsync(new() { Path = Path.Combine(dir, "phone.png") });
    }
}
