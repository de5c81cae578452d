using System.Globalization;
using Microsoft.Playwright;

namespace BlueZero.Bench;

/// <summary>
/// Section "dashboard" (issue 16's goals): a hub with its local node and more nodes, <c>/bin/sleep</c>s spread over
/// them, and Debian's chromium driven by Playwright, headless.
/// <list type="bullet">
/// <item>First render of the fleet and the processes views, read from the page's own performance marks: from the end
/// of the HTML's response to the end of drawing the first snapshot (<c>b0:rendered</c>), and its parts (waiting for
/// the snapshot, drawing it). "Alone": the only page, so the hub gathers a snapshot for it; "beside another": a second
/// page is open, so a snapshot is at hand, as for a second tab or a link followed.</item>
/// <item>The hub's CPU from /proc/PID/stat over a watch with no page open and with <see cref="Pages"/> pages open (half
/// fleet, half processes) on the idle mesh.</item>
/// </list>
/// </summary>
internal sealed class DashboardBenchmark(MeshUnderTest mesh, string hubHost, RunNotes notes)
{
    public const string ChromiumPath = "/usr/bin/chromium";
    public const string HostPrefix = "bench-dash-";
    public const int Pages = 5;
    private static readonly TimeSpan AllUpTimeLimit = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);
    private const float DrawnTimeoutMs = 60_000;

    /// <param name="Total">From the HTML's responseEnd to b0:rendered, ms.</param>
    /// <param name="Waiting">From responseEnd to the first snapshot's arrival (b0:snapshot), ms.</param>
    /// <param name="Drawing">From b0:snapshot to b0:rendered: parsing and drawing the snapshot, ms.</param>
    /// <param name="Modules">From responseEnd to b0:start: the page's modules loaded and run, ms.</param>
    /// <param name="Opened">From responseEnd to b0:open: the stream open, ms.</param>
    /// <param name="Fetched">From responseEnd to the last of the page's files (/ui/) received: how much of Modules is fetching, ms.</param>
    /// <param name="Session">From responseEnd to b0:session: the session known, ms.</param>
    public sealed record Render(string View, string Setting, LatencyStats Total, LatencyStats Waiting, LatencyStats Drawing, LatencyStats Modules, LatencyStats Opened,
        LatencyStats Fetched, LatencyStats Session);

    public sealed record Result(int Hosts, int Processes, IReadOnlyList<Render> Renders, double GapS, double WatchS, double HubIdlePercent, double HubPagesPercent,
        string LoadAverage, string Settling);

    /// <param name="gap">No page open for this long before a page "alone" (and before the CPU watch).</param>
    public async Task<Result> RunAsync(int hostCount, int processCount, int samples, TimeSpan watch, TimeSpan gap, TimeSpan settleMax, CancellationToken ct)
    {
        await using var nodes = new NodeGroup(mesh);
        using var hub = new HubClient(mesh.HubHttp);
        var extra = Enumerable.Range(1, hostCount - 1).Select(i => string.Create(CultureInfo.InvariantCulture, $"{HostPrefix}{i:D2}")).ToList();
        var hosts = (IReadOnlyList<string>)[hubHost, .. extra];
        using var playwright = await Playwright.CreateAsync();
        // --no-sandbox: the bench may run as root, where chromium refuses its sandbox.
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = ChromiumPath, Headless = true, Args = ["--no-sandbox"] });
        try
        {
            Log.Info($"dashboard: {hostCount} hosts, {processCount} sleeps between them");
            foreach (var host in extra) nodes.Launch(host);
            var up = await hub.WaitForHostsUpAsync(hosts, AllUpTimeLimit, PollInterval, nodes.ThrowIfAnyExited, ct);
            if (!up.All) throw new BenchmarkException($"not all nodes up within {AllUpTimeLimit.TotalMinutes:F0} min; last seen: {up.LastSeen}");
            await MetricsScrapeBenchmark.StartSleepsAsync(mesh.HubHttp, "dashboard", hosts, processCount, ct);

            var renders = new List<Render>();
            var lastHost = hosts[^1];
            foreach (var (view, drawn) in new[] { ("fleet", $"tr[data-host='{lastHost}']"), ("processes", "tr[data-pid]") })
            {
                var alone = new List<double[]>();
                for (var i = 0; i < samples; i++)
                {
                    await Task.Delay(gap, ct);
                    alone.Add(await FirstRenderAsync(browser, view, drawn));
                }
                renders.Add(Summarize(view, "alone", alone));
                var keeper = await OpenAsync(browser, "/");
                await keeper.Locator($"tr[data-host='{lastHost}']").WaitForAsync(new() { Timeout = DrawnTimeoutMs });
                var beside = new List<double[]>();
                for (var i = 0; i < samples; i++) beside.Add(await FirstRenderAsync(browser, view, drawn));
                await keeper.Context.CloseAsync();
                renders.Add(Summarize(view, "beside another", beside));
            }

            await Task.Delay(gap, ct);
            Log.Info($"dashboard: hub CPU over {watch.TotalSeconds:F0} s with no page, then with {Pages} pages");
            // Each watch begins once the hub's tiered compiler is idle: its first minutes recompile what the renders and
            // the pages' first frames ran, which is warm-up, not what pages cost (bench/PROFILE.md).
            var settledIdle = await TieredCompilerSettle.WaitQuietAsync([mesh.HubPid], settleMax, ct);
            var quietIdle = await MachineQuiet.WaitAsync(settleMax, ct);
            var idle = await HubCpuAsync(watch, ct);
            var pages = new List<IPage>();
            for (var i = 0; i < Pages; i++) pages.Add(await OpenAsync(browser, i % 2 == 0 ? "/" : "/?view=processes"));
            foreach (var page in pages) await page.Locator($"tr[data-host='{lastHost}'], tr[data-pid]").First.WaitForAsync(new() { Timeout = DrawnTimeoutMs });
            var settledOpen = await TieredCompilerSettle.WaitQuietAsync([mesh.HubPid], settleMax, ct);
            var quietOpen = await MachineQuiet.WaitAsync(settleMax, ct);
            var open = await HubCpuAsync(watch, ct);
            foreach (var page in pages) await page.Context.CloseAsync();
            var result = new Result(hostCount, processCount, renders, gap.TotalSeconds, watch.TotalSeconds, idle, open, MachineInfo.LoadAverageNow(),
                $"before the watch with no page the hub's tiered compiler was {Quiet(settledIdle)} and {MachineQuiet.Describe(quietIdle)}; "
                + $"before the one with {Pages} pages the compiler was {Quiet(settledOpen)} and {MachineQuiet.Describe(quietOpen)}");
            Log.Info($"dashboard: hub {idle:F2} % of a core with no page, {open:F2} % with {Pages} pages; load {result.LoadAverage}");
            return result;
        }
        catch (PlaywrightException ex)
        {
            throw new BenchmarkException($"dashboard: the browser failed: {Markdown.FirstLine(ex.Message)}");
        }
        catch (TimeoutException ex)
        {
            throw new BenchmarkException($"dashboard: the page did not draw in time: {Markdown.FirstLine(ex.Message)}");
        }
        finally
        {
            await hub.KillAllNotingAsync(hosts, notes, "dashboard", ct);
            notes.Add($"dashboard: shutdown of the nodes: {NodeGroup.Summarize(await nodes.StopAllAsync())}");
        }
    }

    private async Task<IPage> OpenAsync(IBrowser browser, string path)
    {
        var context = await browser.NewContextAsync(new() { BaseURL = mesh.HubHttp.ToString(), ViewportSize = new() { Width = 1280, Height = 800 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(path);
        return page;
    }

    /// <summary>One fresh page of a view: [total, waiting, drawing, modules, opened, fetched, session] in ms from its performance marks.</summary>
    private async Task<double[]> FirstRenderAsync(IBrowser browser, string view, string drawn)
    {
        var page = await OpenAsync(browser, $"/?view={view}");
        try
        {
            await page.Locator(drawn).First.WaitForAsync(new() { Timeout = DrawnTimeoutMs });
            var marks = await page.EvaluateAsync<double[]>("""
                [performance.getEntriesByType("navigation")[0].responseEnd,
                 performance.getEntriesByName("b0:snapshot")[0].startTime,
                 performance.getEntriesByName("b0:rendered")[0].startTime,
                 performance.getEntriesByName("b0:start")[0].startTime,
                 performance.getEntriesByName("b0:open")[0].startTime,
                 Math.max(...performance.getEntriesByType("resource").filter(r => new URL(r.name).pathname.startsWith("/ui/") && r.initiatorType !== "fetch")
                   .map(r => r.responseEnd)),
                 performance.getEntriesByName("b0:session")[0].startTime]
                """);
            return [marks[2] - marks[0], marks[1] - marks[0], marks[2] - marks[1], marks[3] - marks[0], marks[4] - marks[0], marks[5] - marks[0], marks[6] - marks[0]];
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    private static Render Summarize(string view, string setting, IReadOnlyList<double[]> samples) =>
        new(view, setting, LatencyStats.From($"{view} total", samples.Select(s => s[0]).ToList()),
            LatencyStats.From($"{view} waiting", samples.Select(s => s[1]).ToList()), LatencyStats.From($"{view} drawing", samples.Select(s => s[2]).ToList()),
            LatencyStats.From($"{view} modules", samples.Select(s => s[3]).ToList()), LatencyStats.From($"{view} opened", samples.Select(s => s[4]).ToList()),
            LatencyStats.From($"{view} fetched", samples.Select(s => s[5]).ToList()), LatencyStats.From($"{view} session", samples.Select(s => s[6]).ToList()));

    private static string Quiet((bool Settled, TimeSpan Took) wait) =>
        wait.Settled ? $"idle after {wait.Took.TotalSeconds:F0} s" : $"still busy after {wait.Took.TotalSeconds:F0} s (measured anyway)";

    private async Task<double> HubCpuAsync(TimeSpan watch, CancellationToken ct)
    {
        var meter = CpuMeter.Start([("hub", mesh.HubPid)]);
        await Task.Delay(watch, ct);
        return meter.Stop()[0].PercentOfCore ?? throw new BenchmarkException("dashboard: the hub was gone before the end of the watch");
    }
}
