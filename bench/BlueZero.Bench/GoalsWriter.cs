using System.Globalization;

namespace BlueZero.Bench;

/// <summary>
/// The goals of issues 6 and 19 (and 4, 14, 16, 20), each with the figure this run measured for it and whether it was
/// met. Latency and throughput goals are about the steady state: those sections warm up until the tiered compiler is idle.
/// </summary>
internal static class GoalsWriter
{
    public const string Heading = "## Goals";

    /// <summary>One goal: <paramref name="Measured"/> says what was found; <paramref name="Met"/> is null when nothing was.</summary>
    private sealed record Goal(string Text, string Measured, bool? Met);

    public static void Render(Markdown md, BenchReport report)
    {
        md.Line($"{Heading}");
        md.Line();
        md.Line($"| goal | measured | met |");
        md.Line($"|---|---|---|");
        foreach (var goal in Goals(report))
            md.Line($"| {goal.Text} | {goal.Measured} | {(goal.Met is { } met ? met ? "yes" : "**no**" : "not measured")} |");
        md.Line();
    }

    private static IEnumerable<Goal> Goals(BenchReport r)
    {
        var latency = r.Latency.Result?.Workload;
        var noLatency = Missing("latency", r.Latency);
        const string startGoal = "issue 19: start through the hub to a remote node (output captured, events on): median ≤ 0.8 ms and p99 ≤ 5 ms";
        yield return latency is null
            ? new Goal(startGoal, noLatency, null)
            : new Goal(startGoal,
                $"median {Ms(latency.Start.Median)}, p99 {Ms(latency.Start.P99)}; output discarded: median {Ms(latency.StartDiscard.Median)}, p99 {Ms(latency.StartDiscard.P99)}{EventsOff(r)}",
                latency.Start.Median <= 0.8 && latency.Start.P99 <= 5.0);
        yield return AtMost("stop with wait, process exits on SIGINT: median ≤ 2 ms", latency?.Stop.Median, 2.0, Ms, noLatency);
        yield return AtMost($"query on a node with {MeshWorkload.SmallHostProcesses} processes: median ≤ 0.5 ms",
            latency?.QuerySmallHost.Median, 0.5, Ms, noLatency);
        yield return AtMost($"list on a node with {MeshWorkload.SmallHostProcesses} processes: median ≤ 0.5 ms",
            latency?.ListSmallHost.Median, 0.5, Ms, noLatency);

        var sixteen = r.Throughput.Result?.Levels.FirstOrDefault(l => l.Clients == 16);
        yield return sixteen is null
            ? new Goal("≥ 1,000 start+stop pairs/s with 16 clients over 3 nodes", Missing("throughput", r.Throughput, "level of 16 clients"), null)
            : new Goal("≥ 1,000 start+stop pairs/s with 16 clients over 3 nodes", $"{sixteen.PairsPerSecond:F0} pairs/s; CPU ms per pair (hub / nodes / clients) {ThroughputWriter.CpuPerPair(sixteen)}", sixteen.PairsPerSecond >= 1000);
        const string tailGoal = "issue 19: with 16 clients, `start_process` p99 ≤ 4 × its median";
        yield return sixteen?.Start is not { } start16
            ? new Goal(tailGoal, Missing("throughput", r.Throughput, "level of 16 clients"), null)
            : new Goal(tailGoal, $"p99 {Ms(start16.P99)} = {start16.P99 / start16.Median:F1} × median {Ms(start16.Median)} (pair: {sixteen.Pair?.P99 / sixteen.Pair?.Median:F1} ×)", start16.P99 <= 4 * start16.Median);

        var tenThousand = r.ManyProcesses.Result?.Sizes.FirstOrDefault(s => s.Wanted == 10_000);
        var noTenThousand = Missing("many-processes", r.ManyProcesses, "size of 10,000");
        var allStarted = tenThousand is null || tenThousand.Started == tenThousand.Wanted;
        yield return AtMost("10,000 processes on a node: list median ≤ 20 ms", tenThousand?.List?.Median, 20, Ms, noTenThousand,
            allStarted ? "" : $" (with only {tenThousand!.Started} started)", allStarted);
        var perProcess = tenThousand?.RssKiB is { } rss && tenThousand.Started > 0 ? (double)rss / tenThousand.Started : (double?)null;
        var increase = tenThousand is { RssKiB: { } total, IdleRssKiB: { } idle } && tenThousand.Started > 0
            ? $"; increase over idle {(double)(total - idle) / tenThousand.Started:F1} KiB"
            : "";
        yield return AtMost("10,000 processes on a node: ≤ 20 KiB node RSS per managed idle process", perProcess, 20, KiB, noTenThousand,
            increase + (allStarted ? "" : $" (with only {tenThousand!.Started} started)"), allStarted);

        var fifty = r.ManyNodes.Result?.Levels.FirstOrDefault(l => l.Nodes == 50);
        var noFifty = Missing("many-nodes", r.ManyNodes, "size of 50");
        yield return fifty is null
            ? new Goal("50 nodes: all up within 20 s", noFifty, null)
            : new Goal("50 nodes: all up within 20 s", fifty.UpS is { } upS
                ? Seconds(upS)
                : $"only {fifty.Up} of 50 up after {ManyNodesBenchmark.AllUpTimeLimit.TotalMinutes:F0} min (at most {fifty.MostUp} at once){(fifty.Failure is null ? "" : $"; {Markdown.FirstLine(fifty.Failure)}")}",
                fifty.UpS <= 20);
        yield return AtMost("50 nodes: cluster-wide list median ≤ 25 ms", fifty?.ListActive?.Median, 25, Ms, noFifty,
            fifty?.ListProcesses is { } lp
                ? $" (`list_active_processes`; `list_processes` {Ms(lp.Median)}; {(fifty.SettledS is { } settled ? $"once settled, {Seconds(settled)} after launch" : "the mesh never settled")})"
                : "");
        yield return AtMost("50 nodes: a node killed with SIGKILL reported within 5 s", fifty?.Crash?.HostsS, 5, Seconds, noFifty,
            fifty?.Crash is { } crash ? $" in GET /hosts ({crash.HostsSaid}); a routed request was answered `host unreachable` after {Seconds(crash.RoutedS ?? double.NaN)}" : "");
        yield return Followers(r);
        var ingest = r.EventIngest.Result;
        yield return ingest is null
            ? new Goal("issue 14: event ingest at the hub ≥ 20,000 events/s", Missing("event-ingest", r.EventIngest), null)
            : new Goal("issue 14: event ingest at the hub ≥ 20,000 events/s", $"{ingest.EventsPerSecond:F0} events/s", ingest.EventsPerSecond >= 20_000);
        foreach (var goal in MetricsScrape(r)) yield return goal;
        foreach (var goal in Dashboard(r)) yield return goal;
    }

    /// <summary>Issue 19 asks for starts with and without event recording too: the event-history section measures that pair.</summary>
    private static string EventsOff(BenchReport r) => r.EventHistory.Result is { } history
        ? $"; event-history section: events on {Ms(history.StartWithEvents.Median)}, events off {Ms(history.StartWithout.Median)} ({history.CostPercent:+0.0;-0.0} %)"
        : "";

    /// <summary>Issue 16's goals: first render of both views in the browser, and the hub's CPU with pages open.</summary>
    private static IEnumerable<Goal> Dashboard(BenchReport r)
    {
        var d = r.Dashboard.Result;
        var missing = Missing("dashboard", r.Dashboard);
        var full = d is { Hosts: >= 10, Processes: >= 1000 };
        var mesh = d is null ? "" : $"; {d.Hosts} hosts, {d.Processes} processes; load average {d.LoadAverage}";
        foreach (var view in new[] { "fleet", "processes" })
        {
            var renders = d?.Renders.Where(x => x.View == view).ToList();
            var worst = renders?.MaxBy(x => x.Total.Median);
            yield return AtMost($"issue 16: first render of the {view} view with 10 hosts and 1,000 processes ≤ 300 ms after the HTML arrives (browser)",
                worst?.Total.Median, 300, v => string.Create(CultureInfo.InvariantCulture, $"{v:F0} ms"), missing,
                renders is null ? "" : $" median ({string.Join(", ", renders.Select(x => string.Create(CultureInfo.InvariantCulture, $"{x.Setting} {x.Total.Median:F0} ms, max {x.Total.Max:F0}")))}){mesh}",
                countable: full);
        }
        yield return AtMost($"issue 16: the hub's CPU with {DashboardBenchmark.Pages} pages open on an idle mesh ≤ 2 % of one core", d?.HubPagesPercent, 2,
            v => string.Create(CultureInfo.InvariantCulture, $"{v:F2} % of one core"), missing,
            d is null ? "" : string.Create(CultureInfo.InvariantCulture, $" over {d.WatchS:F0} s (no page: {d.HubIdlePercent:F2} %){mesh}"), countable: full);
    }

    /// <summary>Issue 20's requirement: both figures of one metrics-scrape run.</summary>
    private static IEnumerable<Goal> MetricsScrape(BenchReport r)
    {
        var s = r.MetricsScrape.Result;
        var missing = Missing("metrics-scrape", r.MetricsScrape);
        var mesh = s is null ? "" : $" ({s.Hosts} hosts, {s.Processes} processes)";
        yield return AtMost("issue 20: GET /metrics of 10 hosts and 10,000 processes answers in ≤ 50 ms", s?.Scrape.Median, 50, Ms, missing,
            s is null ? "" : $" median, p99 {Ms(s.Scrape.P99)}{mesh}", countable: s is { Hosts: >= 10, Processes: >= 10_000 });
        yield return AtMost("issue 20: a scrape every 15 s costs the hub ≤ 1 % CPU", s?.HubCostPercent, 1,
            v => string.Create(CultureInfo.InvariantCulture, $"{v:F3} % of one core"), missing,
            s is null ? "" : string.Create(CultureInfo.InvariantCulture, $" ({s.HubCpuMsPerScrape:F2} ms CPU per scrape){mesh}"),
            countable: s is { Hosts: >= 10, Processes: >= 10_000 });
    }

    /// <summary>Issue 4's requirement, measured here too.</summary>
    private static Goal Followers(BenchReport r)
    {
        const string text = "issue 4: ten followers of a chatty process do not slow it measurably";
        return r.Followers.Result is { } f
            ? new Goal(text, FollowersWriter.Verdict(f.Chatty.Verdict), !f.Chatty.Verdict.Measurable)
            : new Goal(text, Missing("followers", r.Followers), null);
    }

    /// <summary>A goal met when <paramref name="value"/> is at most <paramref name="limit"/>; <paramref name="countable"/> false makes it unmet whatever the value.</summary>
    private static Goal AtMost(string text, double? value, double limit, Func<double, string> format, string whyMissing, string more = "",
        bool countable = true) =>
        value is { } v ? new Goal(text, format(v) + more, countable && v <= limit) : new Goal(text, whyMissing, null);

    private static string Missing<T>(string section, SectionOutcome<T> outcome, string? what = null) where T : class =>
        outcome.Result is null ? $"section {section} {(outcome.Failed ? "failed" : "not run")}" : $"not in this run (no {what})";

    private static string Ms(double v) => string.Create(CultureInfo.InvariantCulture, $"{v:F2} ms");
    private static string KiB(double v) => string.Create(CultureInfo.InvariantCulture, $"{v:F1} KiB");
    private static string Seconds(double v) => string.Create(CultureInfo.InvariantCulture, $"{v:F2} s");
}
