namespace BlueZero.Bench;

/// <summary>The "peer" section of the results: supervisord's figures beside ours.</summary>
internal static class PeerWriter
{
    public static void Render(Markdown md, SectionOutcome<PeerBenchmark.Result> outcome, MeshWorkload.Result? ours)
    {
        if (md.Section(BenchSection.Peer, outcome) is not { } peer) return;
        md.Line($"supervisord {peer.Version}, run by the benchmark with its own temporary configuration (`--nodaemon`, `inet_http_server` on 127.0.0.1 at a free port, program `{SupervisordPeer.ProgramName}` = `/bin/sleep 30`, `startsecs=0`, `autostart=false`, `autorestart=false`, `stopwaitsecs={SupervisordPeer.StopWaitSecs}`, output `NONE`). One client, one request at a time, XML-RPC over HTTP written by hand with HttpClient: after {PeerBenchmark.WarmupPairs} unmeasured pairs, `supervisor.startProcess('{SupervisordPeer.ProgramName}', True)` then `supervisor.stopProcess('{SupervisordPeer.ProgramName}', True)`. Milliseconds:");
        md.Line();
        md.LatencyHeader();
        md.LatencyRow("supervisord: `startProcess` wait", peer.Start);
        md.LatencyRow("supervisord: `stopProcess` wait", peer.Stop);
        if (ours is not null)
        {
            md.LatencyRow("BlueZero (latency section): `start_process`", ours.Start);
            md.LatencyRow("BlueZero (latency section): `stop_process` wait", ours.Stop);
        }
        md.Line();
        if (ours is not null)
        {
            md.Line($"| ratio BlueZero ÷ supervisord | median | p90 | p99 | max |");
            md.Line($"|---|--:|--:|--:|--:|");
            Ratio(md, "start", ours.Start, peer.Start);
            Ratio(md, "stop with wait", ours.Stop, peer.Stop);
            md.Line();
        }
        md.Line($"- {peer.StopsAtStopWait} of {peer.Stop.Count} stops took the whole `stopwaitsecs` ({SupervisordPeer.StopWaitSecs} s) and so ended with SIGKILL. With `startsecs=0` supervisord reports the program RUNNING as soon as it has forked; a stop that arrives before the child has executed `/bin/sleep` meets the child still running supervisord's own Python signal handler, which swallows the SIGTERM. supervisord's default `stopwaitsecs` is 10 s; it is lowered here to keep the section short, which lowers those stops' times too.");
        md.Line($"- supervisord stops with its default SIGTERM (BlueZero sends SIGINT); `/bin/sleep` exits at once on either.");
        md.Line($"- BlueZero's figures are those of the latency section: through the hub to a remote node, so they include a hop supervisord does not have.");
        md.Line();
    }

    private static void Ratio(Markdown md, string name, LatencyStats ours, LatencyStats theirs) =>
        md.Line($"| {name} | {ours.Median / theirs.Median:G3} | {ours.P90 / theirs.P90:G3} | {ours.P99 / theirs.P99:G3} | {ours.Max / theirs.Max:G3} |");
}
