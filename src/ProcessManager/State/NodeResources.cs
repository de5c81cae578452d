using BlueZero.Mesh.Configuration;
using BlueZero.ProcessManager.Output;
using BlueZero.ProcessManager.Stats;

namespace BlueZero.ProcessManager.State;

/// <summary>
/// What a node keeps besides its process table across actor systems (a node that is downed rejoins with a fresh one):
/// the captured output of its entries, their latest resource figures, and when the node started.
/// </summary>
public sealed record NodeResources(OutputStore Output, ResourceMonitor Monitor, DateTimeOffset StartedAt)
{
    /// <param name="persistOutput">Write output files under the data directory; tests may keep output in memory only.</param>
    public static NodeResources For(ProcessManagerOptions options, bool persistOutput = true) =>
        new(new OutputStore(options.Output, persistOutput ? options.DataDirectory : null), new ResourceMonitor(options.StatsHistory), DateTimeOffset.UtcNow);
}
