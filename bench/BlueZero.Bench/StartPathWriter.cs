namespace BlueZero.Bench;

/// <summary>The "start-path" section of the results.</summary>
internal static class StartPathWriter
{
    public static void Render(Markdown md, SectionOutcome<StartPathBenchmark.Result> outcome)
    {
        if (md.Section(BenchSection.StartPath, outcome) is not { } path) return;
        md.Line($"The pieces of a node's start, called in the benchmark process with the node's own classes (`PosixProcessLauncher`, `ProcStat`, `EventJournal`), one at a time, after {StartPathBenchmark.Warmup} unmeasured calls each. CPU is the calling thread's own time (`CLOCK_THREAD_CPUTIME_ID`) and allocation the bytes the thread allocated (`GC.GetAllocatedBytesForCurrentThread`): both hold on a loaded machine, unlike wall time.");
        md.Line();
        PieceTableWriter.Render(md, path.Steps);
        md.Line($"- The launch's wall time includes waiting for the child's exec (the `vfork`-style parent waits until the child has executed `/bin/sleep`); its thread CPU does not include the child's.");
        md.Line($"- Each launched sleep is killed with SIGKILL and reaped through the launcher's pidfd reaper before the next call (not measured). A captured launch registers the two pipes with the output pump; its log files are created on the first byte, which a sleep never writes.");
        md.Line($"- The journal grows by one line a call, as on a node whose events no hub acknowledges yet.");
        md.Line();
    }
}
