namespace BlueZero.Bench;

/// <summary>The "peer" section of the results: supervisord's and PM2's figures beside ours and the floor, all of this run.</summary>
internal static class PeerWriter
{
    private sealed record Column(string Name, LatencyStats? Start, LatencyStats? Stop);

    public static void Render(Markdown md, SectionOutcome<PeerBenchmark.Result> outcome, MeshWorkload.Result? ours, FloorBenchmark.Result? floor)
    {
        if (md.Section(BenchSection.Peer, outcome) is not { } peer) return;
        var supervisord = peer.Supervisord.Run;
        var pm2 = peer.Pm2.Run;
        md.Line($"Each peer does what the latency section asks of BlueZero, one client and one request at a time on loopback, after {PeerBenchmark.WarmupPairs} unmeasured pairs; all figures below come from this run. Milliseconds:");
        md.Line();
        md.LatencyHeader();
        if (floor is not null) md.LatencyRow("floor: `Process.Start`", floor.Start);
        if (ours is not null)
        {
            md.LatencyRow("BlueZero (latency section): `start_process`", ours.Start);
            md.LatencyRow("BlueZero (latency section): `stop_process` wait", ours.Stop);
        }
        if (supervisord is not null)
        {
            md.LatencyRow($"supervisord {supervisord.Version}: `startProcess` wait", supervisord.Start);
            md.LatencyRow($"supervisord {supervisord.Version}: `stopProcess` wait", supervisord.Stop);
        }
        if (pm2 is not null)
        {
            md.LatencyRow($"PM2 {pm2.Version}: `pm2.start`", pm2.Start);
            md.LatencyRow($"PM2 {pm2.Version}: `pm2.delete`", pm2.Stop);
        }
        md.Line();
        SideBySide(md, floor, [new("BlueZero", ours?.Start, ours?.Stop), new("supervisord", supervisord?.Start, supervisord?.Stop),
            new("PM2", pm2?.Start, pm2?.Stop)]);
        md.Line($"- supervisord: {(supervisord is null ? $"not measured: {Markdown.FirstLine(peer.Supervisord.NotRunReason)}" : SupervisordSetup(peer, supervisord))}");
        md.Line($"- PM2: {(pm2 is null ? $"not measured: {Markdown.FirstLine(peer.Pm2.NotRunReason)}" : Pm2Setup(pm2))}");
        md.Line($"- BlueZero's figures are those of the latency section: through the hub to a remote node, so they include an HTTP request and a hop over Akka remoting that neither peer has (supervisord answers XML-RPC itself; PM2's API talks to its daemon over a Unix socket).");
        md.Line();
    }

    /// <summary>Medians and p99 side by side, with each one's ratio to the spawn floor and BlueZero's to each peer.</summary>
    private static void SideBySide(Markdown md, FloorBenchmark.Result? floor, IReadOnlyList<Column> columns)
    {
        var ours = columns[0];
        md.Line($"| | {string.Join(" | ", columns.Select(c => c.Name))} |");
        md.Line($"|---|{string.Concat(columns.Select(_ => "--:|"))}");
        Row(md, "start median (ms)", columns, c => c.Start?.Median);
        Row(md, "start p99 (ms)", columns, c => c.Start?.P99);
        Row(md, "stop median (ms)", columns, c => c.Stop?.Median);
        Row(md, "stop p99 (ms)", columns, c => c.Stop?.P99);
        Row(md, $"start median ÷ floor (`Process.Start` median {Markdown.Figure(floor?.Start.Median)} ms)", columns,
            c => Ratio(c.Start?.Median, floor?.Start.Median), "F1");
        Row(md, "BlueZero ÷ this: start median", columns, c => Ratio(ours.Start?.Median, c.Start?.Median), "F2");
        Row(md, "BlueZero ÷ this: start p99", columns, c => Ratio(ours.Start?.P99, c.Start?.P99), "F2");
        Row(md, "BlueZero ÷ this: stop median", columns, c => Ratio(ours.Stop?.Median, c.Stop?.Median), "F2");
        md.Line();
    }

    private static void Row(Markdown md, string name, IReadOnlyList<Column> columns, Func<Column, double?> figure, string format = "F2") =>
        md.Line($"| {name} | {string.Join(" | ", columns.Select(c => Markdown.Figure(figure(c), format)))} |");

    private static double? Ratio(double? top, double? bottom) => top is { } t && bottom is { } b && b > 0 ? t / b : null;

    private static string SupervisordSetup(PeerBenchmark.Result peer, PeerBenchmark.PeerRun run) =>
        $"{run.Version}, run by the benchmark with its own temporary configuration (`--nodaemon`, `inet_http_server` on 127.0.0.1 at a free port, program `{SupervisordPeer.ProgramName}` = `/bin/sleep 30`, `startsecs=0`, `autostart=false`, `autorestart=false`, `stopwaitsecs={SupervisordPeer.StopWaitSecs}`, output `NONE`), XML-RPC over HTTP written by hand with HttpClient, at most {PeerBenchmark.MaxSupervisordPairs} pairs. {peer.SupervisordStopsAtStopWait} of {run.Stop.Count} stops took the whole `stopwaitsecs` and so ended with SIGKILL: with `startsecs=0` supervisord reports the program RUNNING as soon as it has forked, and a stop that arrives before the child has executed `/bin/sleep` meets supervisord's own Python signal handler, which swallows the SIGTERM (its default `stopwaitsecs` is 10 s, lowered here to keep the section short). It stops with SIGTERM (BlueZero sends SIGINT); `/bin/sleep` exits at once on either.";

    private static string Pm2Setup(PeerBenchmark.PeerRun run) =>
        $"{run.Version}, installed by `npm ci` into `bench/peers/node_modules` from the committed `bench/peers/package-lock.json`, with a daemon of its own in a temporary `PM2_HOME`, driven by `bench/peers/pm2-bench.js`: `pm2.connect()`, then per pair `pm2.start({{script: '/bin/sleep', args: ['30'], interpreter: 'none', autorestart: false}})` and `pm2.delete('sleep30')` (PM2 stops the process, waits for it to exit, then forgets it), each timed in the script from the call to its callback. Output goes to PM2's default log files in `PM2_HOME/logs`.";
}
