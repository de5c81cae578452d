using System.Globalization;

namespace BlueZero.Bench;

/// <summary>What start_process of the many-processes section says about the managed processes' output.</summary>
internal enum ManyOutput
{
    /// <summary>No "output" field: the node's default.</summary>
    Omit,

    /// <summary>"output":"discard": no pipes, so no extra file descriptors per process.</summary>
    Discard,
}

/// <summary>The command line; see <see cref="Usage"/>. <c>--smoke</c> sets tiny sizes, which later flags may override.</summary>
internal sealed record BenchOptions(
    IReadOnlySet<BenchSection> Sections,
    int Requests,
    IReadOnlyList<int> Clients,
    int Pairs,
    IReadOnlyList<int> ProcessCounts,
    ManyOutput ManyOutput,
    IReadOnlyList<int> NodeCounts,
    int Samples,
    int ReadoptEntries,
    int ReadoptCycles,
    int FollowerLines,
    int FollowerRounds,
    int IngestEvents,
    int StoredEvents,
    int ScrapeHosts,
    int ScrapeProcesses,
    int WarmupCycles,
    int ThroughputWarmupPairs,
    TimeSpan SettleMax,
    int PacedLines,
    int ColdStartRounds,
    int PlanRounds,
    TimeSpan NodesIdleWatch,
    TimeSpan ScrapeIdleWatch,
    int DashboardHosts,
    int DashboardProcesses,
    int DashboardRenders,
    int DashboardWatchSeconds,
    TimeSpan DashboardGap,
    IReadOnlyList<RuntimeModesBenchmark.Mode> RuntimeModes,
    IReadOnlyDictionary<string, string> RuntimeEnvironment,
    bool Smoke,
    bool Publish,
    bool Install,
    string? Note,
    string? LogDirectory,
    string OutputPath,
    bool ShowHelp)
{
    public const int MaxRequests = 1_000;
    public const int MaxReadoptEntries = 1_000;

    /// <summary>
    /// Idle sleeps need no output capture, which costs two more descriptors a process: with it, 10,000 processes
    /// would need 30,000 descriptors, over this machine's hard limit of 20,000.
    /// </summary>
    public const ManyOutput DefaultManyOutput = ManyOutput.Discard;

    /// <summary>The hub allows 64 requests in progress per client address; every client here is 127.0.0.1.</summary>
    private const int MaxClients = 64;

    /// <summary>A node manages at most 10,000 entries that may still run (bluezero.process-manager.max-processes).</summary>
    private const int MaxProcessCount = 10_000;

    private const int MaxNodeCount = 100;

    public const string Usage = """
        usage: dotnet run -c Release --project bench/BlueZero.Bench -- [options]

        Starts a BlueZero hub and process-manager nodes as separate processes on 127.0.0.1 and measures them through
        the hub's HTTP front door, beside a bare Process.Start floor and, when installed, supervisord and PM2. Writes Markdown.

        Sections (in this order):
          floor            Process.Start + Kill + WaitForExit of /bin/sleep 30 in this process
          start-path       the node's start pieces (launch with output captured and discarded, /proc read, event
                           journal append) in this process: wall time, thread CPU time and bytes allocated per call
          hub-path         the hub's request pieces (body parse, the BlueZero serializer both ways, reply shaping, the
                           routing ask to an in-process node) in this process: wall, thread CPU, bytes allocated per call
          latency          sequential start/query/list/stop (wait) through the hub to a remote node; query and list
                           with 10 processes on the node
          runtime-modes    start and query latency through a hub to a remote node, and their cpu, per runtime mode
                           (--runtime-modes), each mode with a hub and a node of its own, in interleaved rounds
          throughput       start+stop pairs per second through the hub over 3 nodes, per number of clients, with the
                           hub's and the nodes' CPU
          many-processes   one node with 1,000 / 5,000 / 10,000 sleeps: start time, list and query latency, RSS, kill_all
          readopt          a node killed with SIGKILL and started again re-adopts its running processes
          followers        a chatty process's own run time with no follower and with 10 followers of its output
          event-ingest     events a second the hub stores, shipped in batches by a cluster member as nodes do
          event-history    with --stored-events in the history: the last 100 of one name through HTTP; a node's event's
                           latency to 50 SSE subscribers (each must get all, hub CPU); start_process latency with
                           and without event recording (events.enabled = off on a second node), --requests each
          metrics-scrape   GET /metrics of a hub with 10 nodes and 10,000 sleeps between them: latency, and the hub's
                           CPU per scrape (as a share of one core at a scrape every 15 s)
          plan-up          apply_plan of 50 independent processes over 3 nodes: time to the last ready
          many-nodes       10 / 25 / 50 nodes on one hub: time until all are up, cluster-wide listings, hub RSS, how
                           fast a node killed with SIGKILL is reported unreachable
          dashboard        the web dashboard in chromium (/usr/bin/chromium; skipped without it) with 10 hosts and
                           1,000 sleeps: first render of the fleet and processes views from the page's performance
                           marks, and the hub's CPU over 60 s with no page and with 5 pages open
          peer             supervisord's start/stop through XML-RPC and PM2's through its API, beside ours and the
                           floor (each skipped when not installed: supervisord, or node and npm for PM2)

        Options:
          --sections LIST          comma-separated sections to run (default: all)
          --requests N             samples per series in floor, start-path, hub-path, latency and peer (1 to 1000, default 1000;
                                   supervisord takes at most 200)
          --clients LIST           client counts for throughput (each 1 to 64, default 1,4,16,64)
          --pairs N                start+stop pairs per throughput level (1 to 100000, default 2000)
          --process-counts LIST    sizes for many-processes (each 1 to 10000, default 1000,5000,10000)
          --many-output MODE       omit | discard: many-processes sends "output":"discard" or no output field
                                   (default discard: capture costs 2 more descriptors a process)
          --node-counts LIST       sizes for many-nodes (each 1 to 100, default 10,25,50)
          --samples N              list/query samples per size in many-processes and many-nodes (1 to 10000, default 200)
          --readopt-entries N      processes kept running across the node crashes (1 to 1000, default 200)
          --follower-lines N       lines the chatty process writes per run (1000 to 10000000, default 2000000)
          --follower-rounds N      runs with and without followers each (1 to 50, default 10)
          --ingest-events N        events shipped in event-ingest (1000 to 10000000, default 200000)
          --stored-events N        events event-history fills the hub's history with before it queries (1000 to
                                   10000000, default 1000000, the issue's size)
          --scrape-hosts N         nodes in metrics-scrape (1 to 100, default 10)
          --scrape-processes N     sleeps in metrics-scrape, spread over its nodes (1 to 100000, default 10000)
          --runtime-modes LIST     modes for runtime-modes, separated by ';': "default" or DOTNET_NAME=VALUE settings
                                   joined by '+' (default: default;DOTNET_gcServer=0;DOTNET_gcServer=1;
                                   DOTNET_GCgen0size=0x4000000;DOTNET_TieredPGO=0;DOTNET_TieredCompilation=0)
          --runtime-env NAME=VALUE a DOTNET_* runtime setting for every hub and node of the run (repeatable)
          --dashboard-processes N  sleeps in dashboard, over its 10 hosts (1 to 10000, default 1000)
          --dashboard-watch N      seconds the dashboard section watches the hub's CPU, without and with pages
                                   (1 to 600, default 60)
          --smoke                  tiny sizes for a quick check: 5 requests, clients 1,2, 10 pairs, 20 processes,
                                   2 nodes, 5 samples, 5 re-adopted entries and 1 crash, 1 follower round of 1000 lines
                                   (and 1000 paced ones instead of 20000), 2000 events ingested and stored, scrapes of 2
                                   nodes with 20 sleeps, a dashboard of 2 hosts and 20 sleeps with 1 render a view and
                                   1 s watches, 1 runtime mode; and shorter fixed parts: 2 warm-up cycles instead of 10 (floor,
                                   latency) and 2 warm-up pairs a client instead of at least 30 (throughput), 1 cold
                                   start instead of 3 and 1 s idle watches instead of 5 s (many-nodes) and 15 s (metrics-scrape),
                                   1 plan round instead of 5 (plan-up), 0.5 s instead of 2 s with no page open before a
                                   dashboard page "alone" (dashboard), and no wait (not up to 60 s) for the tiered
                                   compiler or the machine to go idle: one 1 s window of warm-up (latency, throughput),
                                   none before the CPU watches (dashboard)
          --no-publish             many-nodes runs the build next to the benchmark (JIT) instead of publishing the
                                   ReadyToRun release build of docs/OPERATIONS.md into bench/out/r2r first
          --no-install             no `npm ci`: PM2 is measured only if bench/peers/node_modules already holds it;
                                   and no `apt-get install` of chromium and supervisor, which a run as root otherwise
                                   installs when missing (the test suite's smoke run passes both: no network, no
                                   publish step)
          --note TEXT              a line printed near the top of the results (e.g. where the figures were taken)
          --logs DIR               also write everything each hub, node and supervisord prints to DIR/NAME-PID.log
          --out PATH               where to write the Markdown results (default: bench/RESULTS.md in the repository)
          --help                   print this text
        """;

    private static BenchOptions Defaults => new(
        BenchSections.All.ToHashSet(), Requests: 1000, Clients: [1, 4, 16, 64], Pairs: 2000, ProcessCounts: [1000, 5000, 10000],
        DefaultManyOutput, NodeCounts: [10, 25, 50], Samples: 200, ReadoptEntries: 200, ReadoptCycles: 3,
        FollowerLines: 2_000_000, FollowerRounds: 10, IngestEvents: 200_000, StoredEvents: 1_000_000, ScrapeHosts: 10, ScrapeProcesses: 10_000,
        WarmupCycles: 10, ThroughputWarmupPairs: 30, SettleMax: TimeSpan.FromSeconds(60), PacedLines: 20_000, ColdStartRounds: 3, PlanRounds: 5, NodesIdleWatch: TimeSpan.FromSeconds(5),
        ScrapeIdleWatch: TimeSpan.FromSeconds(15), DashboardHosts: 10, DashboardProcesses: 1000, DashboardRenders: 7, DashboardWatchSeconds: 60,
        DashboardGap: TimeSpan.FromSeconds(2),
        RuntimeModes: RuntimeModesBenchmark.DefaultModes, RuntimeEnvironment: new Dictionary<string, string>(),
        Smoke: false, Publish: true, Install: true, Note: null,
        LogDirectory: null, OutputPath: "", ShowHelp: false);

    private static BenchOptions SmokeDefaults => Defaults with
    {
        Requests = 5, Clients = [1, 2], Pairs = 10, ProcessCounts = [20], NodeCounts = [2], Samples = 5, ReadoptEntries = 5,
        ReadoptCycles = 1, FollowerLines = 1000, FollowerRounds = 1, IngestEvents = 2000, StoredEvents = 2000, ScrapeHosts = 2, ScrapeProcesses = 20,
        WarmupCycles = 2, ThroughputWarmupPairs = 2, SettleMax = TimeSpan.Zero, PacedLines = 1000, ColdStartRounds = 1, PlanRounds = 1, NodesIdleWatch = TimeSpan.FromSeconds(1),
        ScrapeIdleWatch = TimeSpan.FromSeconds(1), DashboardHosts = 2, DashboardProcesses = 20, DashboardRenders = 1, DashboardWatchSeconds = 1,
        DashboardGap = TimeSpan.FromSeconds(0.5), Smoke = true,
        RuntimeModes = RuntimeModesBenchmark.DefaultModes.Take(1).ToList(),
    };

    /// <summary>Parses the arguments; returns null with an error text when they are not usable.</summary>
    public static BenchOptions? Parse(IReadOnlyList<string> args, out string? error)
    {
        var options = args.Contains("--smoke") ? SmokeDefaults : Defaults;
        try
        {
            for (var i = 0; i < args.Count; i++)
            {
                var flag = args[i];
                if (flag is "--help" or "-h")
                {
                    error = null;
                    return options with { ShowHelp = true };
                }
                if (flag == "--smoke") continue;
                if (flag == "--no-publish")
                {
                    options = options with { Publish = false };
                    continue;
                }
                if (flag == "--no-install")
                {
                    options = options with { Install = false };
                    continue;
                }
                if (!flag.StartsWith("--", StringComparison.Ordinal)) throw new FormatException($"unknown argument: {flag}");
                if (i + 1 >= args.Count) throw new FormatException($"{flag} needs a value");
                var value = args[++i];
                options = flag switch
                {
                    "--sections" => options with { Sections = SectionList(value) },
                    "--requests" => options with { Requests = Int(flag, value, 1, MaxRequests) },
                    "--clients" => options with { Clients = IntList(flag, value, 1, MaxClients) },
                    "--pairs" => options with { Pairs = Int(flag, value, 1, 100_000) },
                    "--process-counts" => options with { ProcessCounts = IntList(flag, value, 1, MaxProcessCount) },
                    "--many-output" => options with { ManyOutput = OutputMode(value) },
                    "--node-counts" => options with { NodeCounts = IntList(flag, value, 1, MaxNodeCount) },
                    "--samples" => options with { Samples = Int(flag, value, 1, 10_000) },
                    "--readopt-entries" => options with { ReadoptEntries = Int(flag, value, 1, MaxReadoptEntries) },
                    "--follower-lines" => options with { FollowerLines = Int(flag, value, 1000, 10_000_000) },
                    "--follower-rounds" => options with { FollowerRounds = Int(flag, value, 1, 50) },
                    "--ingest-events" => options with { IngestEvents = Int(flag, value, 1000, 10_000_000) },
                    "--stored-events" => options with { StoredEvents = Int(flag, value, 1000, 10_000_000) },
                    "--scrape-hosts" => options with { ScrapeHosts = Int(flag, value, 1, MaxNodeCount) },
                    "--scrape-processes" => options with { ScrapeProcesses = Int(flag, value, 1, 100_000) },
                    "--dashboard-processes" => options with { DashboardProcesses = Int(flag, value, 1, MaxProcessCount) },
                    "--dashboard-watch" => options with { DashboardWatchSeconds = Int(flag, value, 1, 600) },
                    "--runtime-modes" => options with { RuntimeModes = value.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(RuntimeModesBenchmark.Mode.Parse).ToList() },
                    "--runtime-env" => options with { RuntimeEnvironment = With(options.RuntimeEnvironment, RuntimeModesBenchmark.Mode.Setting(value)) },
                    "--note" => options with { Note = value },
                    "--logs" => options with { LogDirectory = Path.GetFullPath(value) },
                    "--out" => options with { OutputPath = value.Length > 0 ? Path.GetFullPath(value) : throw new FormatException("--out needs a path") },
                    _ => throw new FormatException($"unknown argument: {flag}"),
                };
            }
        }
        catch (FormatException ex)
        {
            error = ex.Message;
            return null;
        }
        error = null;
        return options.OutputPath.Length > 0 ? options : options with { OutputPath = RepoPaths.InRepo("bench", "RESULTS.md") };
    }

    private static int Int(string flag, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new FormatException($"{flag} must be an integer from {min} to {max}, not '{value}'");

    private static IReadOnlyDictionary<string, string> With(IReadOnlyDictionary<string, string> settings, (string Name, string Value) setting) =>
        new Dictionary<string, string>(settings, StringComparer.Ordinal) { [setting.Name] = setting.Value };

    private static IReadOnlyList<int> IntList(string flag, string value, int min, int max) =>
        value.Split(',').Select(item => Int(flag, item.Trim(), min, max)).ToList();

    private static IReadOnlySet<BenchSection> SectionList(string value) =>
        value.Split(',').Select(name => BenchSections.FromFlag(name.Trim())
                ?? throw new FormatException($"--sections: unknown section '{name}'; known: {string.Join(",", BenchSections.All.Select(s => s.Flag()))}"))
            .ToHashSet();

    private static ManyOutput OutputMode(string value) => value switch
    {
        "omit" => ManyOutput.Omit,
        "discard" => ManyOutput.Discard,
        _ => throw new FormatException($"--many-output must be omit or discard, not '{value}'"),
    };
}
