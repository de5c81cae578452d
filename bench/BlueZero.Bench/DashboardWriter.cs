namespace BlueZero.Bench;

/// <summary>The "dashboard" section of the results.</summary>
internal static class DashboardWriter
{
    public static void Render(Markdown md, SectionOutcome<DashboardBenchmark.Result> outcome)
    {
        if (md.Section(BenchSection.Dashboard, outcome) is not { } r) return;
        md.Line($"A hub with its local node and {r.Hosts - 1} more nodes (`{DashboardBenchmark.HostPrefix}NN`), {r.Processes} `/bin/sleep 3600` spread evenly over the {r.Hosts} hosts, and Debian's chromium (`{DashboardBenchmark.ChromiumPath}`, headless, 1280×800) driven by Playwright. Each sample is a fresh page of the view; the figures are the page's own performance marks: **total** from the end of the HTML's response to the end of drawing the first snapshot (`b0:rendered`), of which *waiting* is until the snapshot arrived over `/ui/stream` (of that: *modules* until the page's scripts were loaded and ran, `b0:start`, of which *files* until the last of its files under `/ui/` was received; then the session's request and `/ui/stream` go out together: *session* until its answer, `b0:session`, and *stream open* until `/ui/stream` was open, `b0:open`) and *drawing* is parsing and drawing it, the page's own script time. \"alone\": no other page was open for {r.GapS:0.#} s, so the hub serves the snapshot it kept from the last page (kept {BlueZero.Hub.Http.FleetSnapshots.KeepAfterLastPage.TotalSeconds:F0} s) and checks it, the check begun when the HTML was served; \"beside another\": a second page is open, so a live one is at hand. A page after the hub has forgotten its snapshot waits for a fresh gather, begun when its HTML was served: measured by hand with the keep shortened below {r.GapS:0.#} s (bench/PROFILE.md). The load average below says how busy the machine was (other work on it lengthens every figure).");
        md.Line();
        md.Line($"| view | pages | samples | **total median (ms)** | total max | waiting median | files median | modules median | session median | stream open median | drawing median | drawing max |");
        md.Line($"|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var x in r.Renders)
            md.Line($"| {x.View} | {x.Setting} | {x.Total.Count} | **{x.Total.Median:F0}** | {x.Total.Max:F0} | {x.Waiting.Median:F0} | {x.Fetched.Median:F0} | {x.Modules.Median:F0} | {x.Session.Median:F0} | {x.Opened.Median:F0} | {x.Drawing.Median:F0} | {x.Drawing.Max:F0} |");
        md.Line();
        md.Line($"| hub CPU over {r.WatchS:F0} s, idle mesh | % of one core |");
        md.Line($"|---|--:|");
        md.Line($"| no page open | {r.HubIdlePercent:F2} |");
        md.Line($"| **{DashboardBenchmark.Pages} pages open** (fleet and processes views) | **{r.HubPagesPercent:F2}** |");
        md.Line();
        md.Line($"- CPU from /proc/PID/stat (utime+stime, clock ticks of 10 ms) of the hub process alone; chromium's own CPU is not counted. Each watch waited first for the hub's tiered compiler and for the machine to go quiet: {r.Settling}. Load average at the end of the section: {r.LoadAverage}.");
        md.Line();
    }
}
