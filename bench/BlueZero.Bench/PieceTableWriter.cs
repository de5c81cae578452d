namespace BlueZero.Bench;

/// <summary>The table of the piece-by-piece sections (start-path, hub-path): one row per <see cref="PieceMeasure.Step"/>.</summary>
internal static class PieceTableWriter
{
    public static void Render(Markdown md, IReadOnlyList<PieceMeasure.Step> steps)
    {
        md.Line($"| step | calls | wall median (µs) | thread CPU median (µs) | allocated per call (bytes) |");
        md.Line($"|---|--:|--:|--:|--:|");
        foreach (var s in steps)
            md.Line($"| {s.Name} | {s.Count} | {s.WallMedianUs:F1} | {s.CpuMedianUs:F1} | {s.AllocatedBytesMean:F0} |");
        md.Line();
    }
}
