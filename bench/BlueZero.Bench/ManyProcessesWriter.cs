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
            var rate = s.StartAllS is { } wall && wall > 0 ? s.Started / wall : (double?)null;
            md.Line($"| {s.Wanted} | {started} | {Markdown.Figure(s.StartAllS)} | {Markdown.Figure(rate, "F0")} | {Markdown.Figure(s.List?.Median)} | {Markdown.Figure(s.List?.P99)} | {Markdown.Figure(s.Query?.Median)} | {Markdown.Figure(s.Query?.P99)} | {Markdown.Figure(s.IdleRssKiB / 1024.0, "F1")} | {Markdown.Figure(s.RssKiB / 1024.0, "F1")} | {Markdown.Figure(PerProcess(s.RssKiB, s.Started), "F1")} | {Markdown.Figure(PerProcess(s.RssKiB - s.IdleRssKiB, s.Started), "F1")} | {s.OpenFiles?.ToString() ?? "n/a"} ({s.OpenFilesLimit?.ToString() ?? "n/a"}) | {Markdown.Figure(s.KillAll?.ReplyMs, "F1")} | {UntilEmpty(s.KillAll)} |");
        }
        md.Line();
        var remarks = many.Sizes.SelectMany(Remarks).ToList();
        foreach (var remark in remarks)
            md.Line($"- {remark}");
        if (remarks.Count > 0) md.Line();
        md.LatencyHeader();
        foreach (var s in many.Sizes)
        {
            md.LatencyRow($"{s.Wanted}: `start_process`, {ManyProcessesBenchmark.StartClients} clients", s.Start);
            md.LatencyRow($"{s.Wanted}: `list_active_processes` ({s.Listed?.ToString() ?? "n/a"} listed)", s.List);
            md.LatencyRow($"{s.Wanted}: `query_process_status`", s.Query);
        }
        md.Line();
        md.Line($"- Each node first does {ManyProcessesBenchmark.WarmupPairs} unmeasured start+stop pairs; its idle RSS is read after them. RSS is VmRSS of /proc/PID/status of the node process, read after the listings and queries. RSS / process = RSS ÷ processes started (the idle baseline included); increase / process = (RSS − idle RSS) ÷ processes started.");
        md.Line($"- Start all: from the first start request to the last reply. Starting stops at the first refused start, or after {ManyProcessesBenchmark.StartTimeLimit.TotalMinutes:F0} min; `kill_all` is followed by `list_active_processes` every 100 ms for at most {ManyProcessesBenchmark.KillAllTimeLimit.TotalMinutes:F0} min.");
        md.Line($"- Open files: entries of /proc/PID/fd of the node and its soft limit from /proc/PID/limits (the node raises it to the hard limit at start).");
        md.Line();
    }

    private static double? PerProcess(long? kib, int processes) => kib is { } k && processes > 0 ? (double)k / processes : null;

    private static string UntilEmpty(ManyProcessesBenchmark.KillAllOutcome? k) => k switch
    {
        null => "n/a",
        { EmptyS: { } s } => Markdown.Figure(s),
        _ => $"**not empty after {ManyProcessesBenchmark.KillAllTimeLimit.TotalSeconds:F0}**",
    };

    /// <summary>What a reader must know about a size beyond its row: a short start, a failure, a kill_all that did not finish.</summary>
    private static IEnumerable<string> Remarks(ManyProcessesBenchmark.Size s)
    {
        if (s.Started < s.Wanted && s.StartAllS is not null)
            yield return $"**{s.Wanted} wanted, {s.Started} started**: {WhyShort(s)}";
        if (s.Failure is not null)
            yield return $"**{s.Wanted}: cut short**: {Markdown.FirstLine(s.Failure)}";
        if (s.KillAll is { } k && (k.EmptyS is null || k.ReplyError is not null || k.FailedPolls > 0))
            yield return $"{s.Wanted}: `kill_all` " + (k.ReplyError is null ? "was answered" : $"got no answer ({k.ReplyError})")
                         + $"; {k.FailedPolls} `list_active_processes` poll(s) after it failed{(k.FirstPollFailure is null ? "" : $" (the first: {k.FirstPollFailure})")}; the last poll said: {k.LastSeen}; "
                         + $"{k.StillRunning} of the sleeps still ran (by /proc) when the harness stopped waiting.";
    }

    /// <summary>Names the limit a refusal points to, then quotes it.</summary>
    private static string WhyShort(ManyProcessesBenchmark.Size s)
    {
        if (s.HitTimeLimit || s.FirstRefusal is null) return $"starting stopped at the time limit of {ManyProcessesBenchmark.StartTimeLimit.TotalMinutes:F0} min";
        var limit = s.FirstRefusal.Contains("open-file limit", StringComparison.Ordinal) ? "the node's open-file limit"
            : s.FirstRefusal.Contains("too many managed processes", StringComparison.Ordinal) ? "the node's max-processes limit"
            : "a refusal";
        return $"{limit}; {s.Refused} start(s) refused, the first with: `{s.FirstRefusal}`";
    }
}
