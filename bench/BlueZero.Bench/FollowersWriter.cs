namespace BlueZero.Bench;

/// <summary>The "followers" section of the results.</summary>
internal static class FollowersWriter
{
    public static void Render(Markdown md, SectionOutcome<FollowersBenchmark.Result> outcome)
    {
        if (md.Section(BenchSection.Followers, outcome) is not { } f) return;
        md.Line($"A process on node `{FollowersBenchmark.NodeHostId}` writes {f.LinesWritten:N0} lines of {f.LineBytes} bytes to its captured stdout as fast as it can (`yes | head`) and times itself; {f.Alone.Count} runs with no follower and {f.Followed.Count} with {FollowersBenchmark.Followers} followers (`GET /hosts/{FollowersBenchmark.NodeHostId}/processes/NAME/output?follow=true`), alternating. The writer's own run time, milliseconds:");
        md.Line();
        md.LatencyHeader();
        md.LatencyRow("no follower", f.Alone);
        md.LatencyRow($"{FollowersBenchmark.Followers} followers", f.Followed);
        md.LatencyRow($"chatty ({f.Chatty.LinesWritten:N0} lines, 100 every 10 ms): no follower", f.Chatty.Alone);
        md.LatencyRow($"chatty: {FollowersBenchmark.Followers} followers", f.Chatty.Followed);
        md.Line();
        md.Line($"- **Chatty writer (bursts of 100 lines every 10 ms, at most 10,000 lines a second): {Verdict(f.Chatty.Verdict)} with {FollowersBenchmark.Followers} followers**, each of which received a median of {f.Chatty.LinesPerFollowerMedian:N0} of its {f.Chatty.LinesWritten:N0} lines.");
        md.Line($"- **Firehose writer (`yes | head`, as fast as it can): {Verdict(f.Verdict)} with {FollowersBenchmark.Followers} followers.** The node's pump drains the pipe whoever reads; followers read the node's in-memory buffer through the hub, one paced long poll at a time, so they never hold the writer, but on 2 cores the hub and the followers take cpu the writer would use.");
        md.Line($"- Medians: the mean of the two middle runs. \"Measurably slower\": a one-sided permutation test on the difference of the medians (20,000 relabellings of the pooled runs) gives p < {SlowdownTest.Significance}; otherwise the difference is within what run-to-run noise gives.");
        md.Line($"- Cpu seconds per run, node / hub / benchmark process (the followers): chatty {Cpu(f.Chatty.CpuAlone)} alone, {Cpu(f.Chatty.CpuFollowed)} followed; firehose {Cpu(f.CpuAlone)} alone, {Cpu(f.CpuFollowed)} followed. On a 2-core machine the followers compete with the writer for cores, which is the only way they can slow it.");
        md.Line($"- Each follower received a median of {f.LinesPerFollowerMedian:N0} of the {f.LinesWritten:N0} lines and {f.DroppedMarks} \"lines dropped\" marks were printed in all: a follower fetches a page at a time through the hub while the writer produces lines far faster, so most lines leave the node's 1000-line buffer before a follower asks for them (they stay in the node's files; the marks say how many each follower missed). The point of the section is the writer's time, which followers must not hold back.");
        md.Line();
    }

    private static string Cpu(FollowersBenchmark.RunCpu c) => $"{c.Node:F2} / {c.Hub:F2} / {c.Bench:F2}";

    public static string Verdict(SlowdownTest.Verdict v) =>
        $"{v.Slowdown * 100:+0.0;-0.0} %, {(v.Measurable ? "measurably slower" : "not measurably slower")} (p = {v.P:F3})";
}
