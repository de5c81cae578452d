using System.Globalization;

namespace BlueZero.Bench;

/// <summary>
/// Section "runtime-modes": the start and query latency of one remote node, through a hub, for each runtime mode (GC
/// kind, gen0 budget, tiered compilation and PGO, set through the DOTNET_* environment). Every mode has its own hub
/// and node, all up at once; the series run in rounds, each round giving every mode its share in turn (the order
/// rotating), so that the load of the machine falls on all modes alike.
/// </summary>
internal sealed class RuntimeModesBenchmark(RunNotes notes)
{
    public const int Rounds = 5;
    public const int WarmupPairs = 10;
    private static readonly TimeSpan NodeUpTimeout = TimeSpan.FromSeconds(60);

    /// <summary>One mode: its environment as given ("default" for none).</summary>
    public sealed record Mode(string Label, IReadOnlyDictionary<string, string> Environment)
    {
        public const string DefaultLabel = "default";

        /// <summary>"default", or NAME=VALUE pairs joined by '+': DOTNET_gcServer=1+DOTNET_GCgen0size=0x4000000.</summary>
        public static Mode Parse(string text)
        {
            text = text.Trim();
            if (text == DefaultLabel) return new Mode(text, new Dictionary<string, string>());
            return new Mode(text, text.Split('+').Select(Setting).ToDictionary(s => s.Name, s => s.Value, StringComparer.Ordinal));
        }

        /// <summary>NAME=VALUE, the name a DOTNET_ variable: anything else would not be a runtime setting.</summary>
        public static (string Name, string Value) Setting(string text)
        {
            var equals = text.IndexOf('=', StringComparison.Ordinal);
            var name = equals > 0 ? text[..equals].Trim() : "";
            if (!name.StartsWith("DOTNET_", StringComparison.Ordinal) || name.Length == "DOTNET_".Length)
                throw new FormatException($"a runtime setting is DOTNET_NAME=VALUE, not '{text}'");
            return (name, text[(equals + 1)..].Trim());
        }
    }

    /// <summary>The modes measured when --runtime-modes is not given: the shipped settings and one change each.</summary>
    public static readonly IReadOnlyList<Mode> DefaultModes =
    [
        Mode.Parse(Mode.DefaultLabel),
        Mode.Parse("DOTNET_gcServer=0"),
        Mode.Parse("DOTNET_gcServer=1"),
        Mode.Parse("DOTNET_GCgen0size=0x4000000"),
        Mode.Parse("DOTNET_TieredPGO=0"),
        Mode.Parse("DOTNET_TieredCompilation=0"),
    ];

    /// <summary>Per mode: the samples, and the hub's and node's cpu per start+query+stop cycle.</summary>
    public sealed record ModeResult(string Label, LatencyStats Start, LatencyStats Query, double HubCpuMsPerCycle, double NodeCpuMsPerCycle);

    public sealed record Result(IReadOnlyList<ModeResult> Modes, int PerRound, string LoadAtStart, string LoadAtEnd);

    private sealed class Subject(Mode mode, MeshUnderTest mesh, NodeGroup nodes, HubClient hub, MeshWorkload workload)
    {
        public Mode Mode { get; } = mode;
        public MeshUnderTest Mesh { get; } = mesh;
        public NodeGroup Nodes { get; } = nodes;
        public HubClient Hub { get; } = hub;
        public MeshWorkload Workload { get; } = workload;
        public List<double> Start { get; } = new();
        public List<double> Query { get; } = new();
        public long HubTicks { get; set; }
        public long NodeTicks { get; set; }
        public int Cycles { get; set; }
    }

    public async Task<Result> RunAsync(IReadOnlyList<Mode> modes, int requests, CancellationToken ct)
    {
        var loadAtStart = MachineInfo.LoadAverageNow();
        var perRound = Math.Max(1, requests / Rounds);
        var subjects = new List<Subject>();
        try
        {
            for (var i = 0; i < modes.Count; i++)
            {
                var hostId = string.Create(CultureInfo.InvariantCulture, $"bench-rt-{i + 1}");
                Log.Info($"runtime-modes: starting hub and node for mode '{modes[i].Label}'");
                var mesh = await MeshUnderTest.StartAsync($"{hostId}-hub", localNode: false, ct, runtimeMode: modes[i].Environment);
                var nodes = new NodeGroup(mesh);
                var hub = new HubClient(mesh.HubHttp);
                subjects.Add(new Subject(modes[i], mesh, nodes, hub, new MeshWorkload(hub, hostId, ChildProcess.RunMarker)));
                nodes.Launch(hostId);
                await hub.WaitForHostUpAsync(hostId, NodeUpTimeout, nodes.ThrowIfAnyExited, ct);
                for (var w = 0; w < WarmupPairs; w++)
                    await subjects[^1].Workload.StartQueryStopAsync(ct);
            }
            for (var round = 0; round < Rounds; round++)
            {
                Log.Info($"runtime-modes: round {round + 1} of {Rounds}, {perRound} start+query+stop cycles per mode");
                for (var k = 0; k < subjects.Count; k++)
                    await MeasureAsync(subjects[(round + k) % subjects.Count], perRound, ct);
            }
            return new Result(subjects.Select(s => new ModeResult(s.Mode.Label,
                LatencyStats.From("start_process", s.Start), LatencyStats.From("query_process_status", s.Query),
                CpuMs(s.HubTicks, s.Cycles), CpuMs(s.NodeTicks, s.Cycles))).ToList(), perRound, loadAtStart, MachineInfo.LoadAverageNow());
        }
        finally
        {
            foreach (var s in subjects)
            {
                notes.Add($"runtime-modes ({s.Mode.Label}): {await s.Workload.CleanupAsync()}");
                notes.Add($"runtime-modes ({s.Mode.Label}): shutdown: {NodeGroup.Summarize(await s.Nodes.StopAllAsync())}; hub {await s.Mesh.StopAsync()}");
                await s.Nodes.DisposeAsync();
                s.Hub.Dispose();
                await s.Mesh.DisposeAsync();
            }
        }
    }

    /// <summary><paramref name="cycles"/> start, query, stop (wait) in a row on one mode; only start and query are timed.</summary>
    private static async Task MeasureAsync(Subject s, int cycles, CancellationToken ct)
    {
        var nodePid = s.Nodes.Pids.Single();
        var (hub0, node0) = (ProcessResources.CpuTicks(s.Mesh.HubPid) ?? 0, ProcessResources.CpuTicks(nodePid) ?? 0);
        for (var i = 0; i < cycles; i++)
        {
            var (startMs, queryMs) = await s.Workload.StartQueryStopAsync(ct);
            s.Start.Add(startMs);
            s.Query.Add(queryMs);
        }
        s.HubTicks += (ProcessResources.CpuTicks(s.Mesh.HubPid) ?? 0) - hub0;
        s.NodeTicks += (ProcessResources.CpuTicks(nodePid) ?? 0) - node0;
        s.Cycles += cycles;
    }

    private static double CpuMs(long ticks, int cycles) =>
        ticks * 1000.0 / BlueZero.ProcessManager.Observation.CpuPercent.ClockTicksPerSecond / Math.Max(1, cycles);
}
