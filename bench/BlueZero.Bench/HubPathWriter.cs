namespace BlueZero.Bench;

/// <summary>The "hub-path" section of the results.</summary>
internal static class HubPathWriter
{
    public static void Render(Markdown md, SectionOutcome<HubPathBenchmark.Result> outcome)
    {
        if (md.Section(BenchSection.HubPath, outcome) is not { } path) return;
        md.Line($"The pieces of a routed request at the hub and on the remote hop, called in the benchmark process with the hub's and the protocol's own classes (`WireParser`, `BlueZeroSerializer`, `WireResponseWriter`, `RequestRouter`), one at a time, after {PieceMeasure.Warmup} unmeasured calls each. CPU is the calling thread's own time (`CLOCK_THREAD_CPUTIME_ID`) and allocation the bytes the thread allocated (`GC.GetAllocatedBytesForCurrentThread`), except for the routing ask, which counts every thread's bytes (`GC.GetTotalAllocatedBytes`): both hold on a loaded machine, unlike wall time.");
        md.Line();
        PieceTableWriter.Render(md, path.Steps);
        md.Line($"- The replies are those of a node with 10 processes: a running `/bin/sleep 30` with its usage for the query, 10 pids for the listing.");
        md.Line($"- The routing ask goes through a real `RequestRouter` fed a one-node snapshot; the node is an in-process actor that answers at once, so Akka.Remote (serialization, the DotNetty transport) is not in it: the serializer rows are that part.");
        md.Line();
    }
}
