namespace BlueZero.Bench;

/// <summary>The "many-processes" section of the results.</summary>
internal static class ManyProcessesWriter
{
    public static void Render(Markdown md, SectionOutcome<ManyProcessesBenchmark.Result> outcome, int samples)
    {
        if (md.Section(BenchSection.ManyProcesses, outcome) is not { } many) return;
        var output = many.OutputField is { } field ? $"`\"output\":\"{field}\"`" : "no `output` field (the node's default)";
        md.Line($"For each size a fresh node (`bench-many-N`) gets N `{string.Join(' ', ManyProcessesBenchmark.SleepArgv)}` through the hub, {output}, started by {ManyProcessesBenchmark.StartClients} clients at once. Then, one request at a time, {samples} `list_active_processes` and {samples} `query_process_status` (pids at random); the node's memory and open files from /proc; and `kill_all`, timed until `list_active_processes` is empty.");
        md.Line();
        md.Line($"| processes | started | start all (s) | starts/s | list median (ms) | list p99 | query median (ms) | query p99 | node RSS idle (MiB) | node RSS (MiB) | RSS / process (KiB) | increase / process (KiB) | open files (soft limit) | `kill_all` reply (ms) | until list empty (s) |");
        md.Line($"|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var s in many.Sizes)
        {
            var started = s.Started == s.Wanted ? $"{s.Started}" : $"**{s.Started}**";
            md.Line($"| {s.Wanted} | {started} | {s.StartAllS:F2} | {s.Started / s.StartAllS:F0} | {Markdown.Figure(s.List?.Median)} | {Markdown.Figure(s.List?.P99)} | {Markdown.Figure(s.Query?.Median)} | {Markdown.Figure(s.Query?.P99)} | {Markdown.Figure(s.IdleRssKiB / 1024.0, "F1")} | {Markdown.Figure(s.RssKiB / 1024.0, "F1")} | {Markdown.Figure(PerProcess(s.RssKiB, s.Started), "F1")} | {Markdown.Figure(PerProcess(s.RssKiB - s.IdleRssKiB, s.Started), "F1")} | {s.OpenFiles?.ToString() ?? "n/a"} ({s.OpenFilesLimit?.ToString() ?? "n/a"}) | {s.KillAllReplyMs:F1} | {(s.LeftAfterKillAll == 0 ? $"{s.KillAllEmptyS:F2}" : $"**{s.LeftAfterKillAll} still listed after {s.KillAllEmptyS:F0}**")} |");
        }
        md.Line();
        var shortSizes = many.Sizes.Where(s => s.Started < s.Wanted).ToList();
        foreach (var s in shortSizes)
            md.Line($"- **{s.Wanted} wanted, {s.Started} started**: {Why(s)}");
        if (shortSizes.Count > 0) md.Line();
        md.LatencyHeader();
        foreach (var s in many.Sizes)
        {
            md.LatencyRow($"{s.Wanted}: `start_process`, {ManyProcessesBenchmark.StartClients} clients", s.Start);
            md.LatencyRow($"{s.Wanted}: `list_active_processes` ({s.Listed} listed)", s.List);
            md.LatencyRow($"{s.Wanted}: `query_process_status`", s.Query);
        }
        md.Line();
        md.Line($"- Each node first does {ManyProcessesBenchmark.WarmupPairs} unmeasured start+stop pairs; its idle RSS is read after them. RSS is VmRSS of /proc/PID/status of the node process, read after the listings and queries. RSS / process = RSS ÷ processes started (the idle baseline included); increase / process = (RSS − idle RSS) ÷ processes started.");
        md.Line($"- Start all: from the first start request to the last reply. Starting stops at the first refused start, or after {ManyProcessesBenchmark.StartTimeLimit.TotalMinutes:F0} min; `kill_all` is followed by `list_active_processes` every 100 ms for at most {ManyProcessesBenchmark.KillAllTimeLimit.TotalMinutes:F0} min.");
        md.Line($"- Open files: entries of /proc/PID/fd of the node and its soft limit from /proc/PID/limits (the node raises it to the hard limit at start).");
        md.Line();
    }

    private static double? PerProcess(long? kib, int processes) => kib is { } k && processes > 0 ? (double)k / processes : null;

    /// <summary>Names the limit a refusal points to, then quotes it.</summary>
    private static string Why(ManyProcessesBenchmark.Size s)
    {
        if (s.FirstRefusal is null) return $"starting stopped at the time limit of {ManyProcessesBenchmark.StartTimeLimit.TotalMinutes:F0} min";
        var limit = s.FirstRefusal.Contains("open-file limit", StringComparison.Ordinal) ? "the node's open-file limit"
            : s.FirstRefusal.Contains("too many managed processes", StringComparison.Ordinal) ? "the node's max-processes limit"
            : "a refusal";
        return $"{limit}; {s.Refused} start(s) refused, the first with: `{s.FirstRefusal}`";
    }
}
