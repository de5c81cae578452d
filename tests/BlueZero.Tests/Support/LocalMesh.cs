using System.Collections.Concurrent;
using System.Text;
using Akka.Configuration;
using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;
using Newtonsoft.Json.Linq;

namespace BlueZero.Tests.Support;

/// <summary>
/// A BlueZero mesh of real executables on loopback, for one test (or one test class): a hub, any number of
/// nodes, the hocon they read, and every pid the test caused to exist. Disposal stops all of it, even when the
/// test failed half-way: executables get SIGTERM then SIGKILL (or only SIGKILL when none of them can leak a process),
/// tracked managed processes are killed outright
/// (a node killed with SIGKILL leaves its children running, by design), and the temp directory is deleted; a process
/// that outlived the graceful stop of the executable that started it fails the test (see <see cref="DisposeAsync"/>).
/// </summary>
public sealed class LocalMesh : IAsyncDisposable
{
    /// <summary>
    /// When set to a directory, every executable's captured output is written there on disposal (one file per process),
    /// to study a failure or a timing after the fact.
    /// </summary>
    public const string KeepLogsVariable = "BLUEZERO_E2E_LOGS";

    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan UpTimeout = TimeSpan.FromSeconds(20);

    private readonly List<MeshProcess> _processes = new();
    private readonly ConcurrentBag<int> _trackedPids = new();
    private HubClient? _hub;

    private LocalMesh(string workDir, TimeSpan stopGrace, TimeSpan killGrace)
    {
        WorkDir = workDir;
        ConfigDir = Path.Combine(workDir, "hocon");
        StopGrace = stopGrace;
        KillGrace = killGrace;
    }

    /// <summary>
    /// A mesh whose executables read a copy of the repository's hocon/*.hocon with the given stop graces
    /// (everything else as shipped). The copy sits in WORKDIR/hocon and every executable starts in WORKDIR, so a node
    /// started by a node (same working directory) reads it too.
    /// </summary>
    public static LocalMesh Create(TimeSpan stopGrace, TimeSpan killGrace)
    {
        var mesh = new LocalMesh(Directory.CreateTempSubdirectory("bluezero-e2e-").FullName, stopGrace, killGrace);
        Directory.CreateDirectory(mesh.ConfigDir);
        foreach (var file in Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "hocon"), "*.hocon"))
            File.Copy(file, Path.Combine(mesh.ConfigDir, Path.GetFileName(file)));
        File.AppendAllText(Path.Combine(mesh.ConfigDir, "process-manager.hocon"),
            $"\n# end-to-end tests: shorter stop escalation\nbluezero.process-manager.stop-grace = {stopGrace.TotalMilliseconds:0}ms\n" +
            $"bluezero.process-manager.kill-grace = {killGrace.TotalMilliseconds:0}ms\n");
        return mesh;
    }

    /// <summary>A mesh with 2 s graces: quick stops, still long enough for a graceful exit.</summary>
    public static LocalMesh Create() => Create(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2));

    public string WorkDir { get; }
    public string ConfigDir { get; }

    /// <summary>The nodes' stop-grace and kill-grace in this mesh.</summary>
    public TimeSpan StopGrace { get; }
    public TimeSpan KillGrace { get; }

    /// <summary>Every executable this mesh started, oldest first.</summary>
    public IReadOnlyList<MeshProcess> Processes
    {
        get { lock (_processes) return _processes.ToArray(); }
    }

    /// <summary>The most recently started hub.</summary>
    public MeshProcess HubProcess { get; private set; } = null!;

    public HubClient Hub => _hub ?? throw new InvalidOperationException("no hub started");

    public ScriptRunner Scripts => new(Hub.BaseUrl);

    /// <summary>The seed nodes use: the hub's cluster address.</summary>
    public string Seed => HubProcess.Ready.ClusterAddress;

    /// <summary>Starts a hub and waits for its ready line. Ports 0 pick free ones; pass a dead hub's ports to restart it.</summary>
    /// <param name="extraArgs">More hub flags, after the usual ones (see <see cref="MeshProcess.StartHub"/>).</param>
    /// <param name="environment">Environment variables for the hub.</param>
    /// <param name="token">The bearer token <see cref="Hub"/> sends, for a hub started with a token file.</param>
    /// <param name="place">A network namespace to run it in (see <see cref="NetworkPlace"/>); null: loopback.</param>
    public async Task<MeshProcess> StartHub(string hostId, int httpPort = 0, int clusterPort = 0, bool localNode = true,
        IReadOnlyList<string>? extraArgs = null, IReadOnlyDictionary<string, string>? environment = null, string? token = null,
        NetworkPlace? place = null)
    {
        var hub = Add(MeshProcess.StartHub(hostId, WorkDir, ConfigDir, httpPort, clusterPort, localNode, extraArgs, environment, place));
        var ready = await hub.WaitReady(StartTimeout);
        HubProcess = hub;
        if (_hub?.BaseUrl != ready.HttpUrl!.TrimEnd('/') || _hub.Token != token)
        {
            _hub?.Dispose();
            _hub = new HubClient(ready.HttpUrl!, token);
        }
        return hub;
    }

    /// <summary>Starts a node seeded by the current hub; by default waits until the hub lists it "up".</summary>
    /// <param name="extraArgs">More node flags, e.g. --stats-interval 0.5.</param>
    /// <param name="sigintIgnored">Start it with SIGINT ignored, as a non-interactive shell starts a background command.</param>
    /// <param name="place">A network namespace to run it in (see <see cref="NetworkPlace"/>); null: loopback.</param>
    public async Task<MeshProcess> StartNode(string hostId, bool waitUntilUp = true, IReadOnlyList<string>? extraArgs = null, bool sigintIgnored = false,
        NetworkPlace? place = null)
    {
        var node = StartNodeProcess(hostId, extraArgs, sigintIgnored, place);
        await node.WaitReady(StartTimeout);
        if (waitUntilUp) await WaitForStatus(hostId, "up", UpTimeout);
        return node;
    }

    /// <summary>Starts a node seeded by the current hub without waiting for anything, e.g. for one expected to refuse to run.</summary>
    public MeshProcess StartNodeProcess(string hostId, IReadOnlyList<string>? extraArgs = null, bool sigintIgnored = false, NetworkPlace? place = null) =>
        Add(MeshProcess.StartNode(hostId, Seed, WorkDir, ConfigDir, extraArgs, sigintIgnored, place: place));

    private MeshProcess Add(MeshProcess process)
    {
        lock (_processes) _processes.Add(process);
        return process;
    }

    /// <summary>Heartbeats a failure detector has seen before the tests treat a member as "running for a while".</summary>
    private const int SettledHeartbeats = 3;

    /// <summary>The line a node logs once it sees itself Up in the cluster.</summary>
    private const string JoinedLine = "joined the cluster as";

    /// <summary>
    /// A precondition, not an assertion: waits until the failure detectors between the hub and each of
    /// <paramref name="nodes"/> have a heartbeat history. A member that dies within about a second of joining is
    /// judged only after expected-response-after (1 s) on top of the usual detection time, from a guessed first
    /// interval rather than measured ones; the crash and partition tests model members that have been running a while.
    /// Akka shows heartbeats to no one outside the process, so the observable anchor is each node's own
    /// "joined the cluster as" line: the node logs it when it sees itself Up, and the leader moves a member Up only on
    /// convergence, when every member has seen it join, so both sides heartbeat each other from then on. The history is
    /// there <see cref="SettledHeartbeats"/> heartbeat-intervals (read from the mesh's hocon) after the newest such line
    /// of every node; the wait ends then, or at once if the test's own setup took that long already.
    /// </summary>
    public Task AwaitHeartbeatHistory(params MeshProcess[] nodes) => AwaitHeartbeatHistory(DateTime.MinValue, nodes);

    /// <summary>
    /// As <see cref="AwaitHeartbeatHistory(MeshProcess[])"/>, for nodes that join again (after a hub restart): only a
    /// "joined" line later than <paramref name="joinedAfter"/> counts, as the hub may list a node up before it logs it.
    /// </summary>
    public async Task AwaitHeartbeatHistory(DateTime joinedAfter, params MeshProcess[] nodes)
    {
        var history = HeartbeatInterval * SettledHeartbeats;
        foreach (var node in nodes)
        {
            await Polling.Until(() => node.LastLineAt(JoinedLine) > joinedAfter, UpTimeout, $"{node.Label} logs \"{JoinedLine}\"", Diagnostics);
            var settled = node.LastLineAt(JoinedLine)!.Value + history;
            if (settled > DateTime.Now) await Task.Delay(settled - DateTime.Now);
        }
    }

    /// <summary>akka.cluster.failure-detector.heartbeat-interval as the mesh's executables read it.</summary>
    private TimeSpan HeartbeatInterval =>
        ConfigurationFactory.ParseString(File.ReadAllText(Path.Combine(ConfigDir, "common.hocon")))
            .GetTimeSpan("akka.cluster.failure-detector.heartbeat-interval");

    /// <summary>Waits until GET /hosts shows <paramref name="hostName"/> with <paramref name="status"/>; returns how long it took.</summary>
    public Task<TimeSpan> WaitForStatus(string hostName, string status, TimeSpan within) =>
        Polling.Until(async () => await Hub.StatusOf(hostName) == status, within, $"{hostName} is \"{status}\" at GET /hosts", Diagnostics,
            Polling.FinePollInterval);

    /// <summary>Kills <paramref name="pid"/> (and its tree) when the mesh is disposed, in case the test did not end it.</summary>
    public int Track(int pid)
    {
        _trackedPids.Add(pid);
        return pid;
    }

    /// <summary>Starts /bin/sleep 300 on a host through the hub; the pid is tracked for clean-up.</summary>
    public async Task<int> StartSleep(string hostName) => Track(await Hub.StartProcess(hostName, "/bin/sleep", "300"));

    /// <summary>
    /// Per-test clean-up on a mesh a class shares: kill_all on each host (which also ends backoffs and recurring jobs),
    /// repeated until none of them lists an active pid, so that no process of one test is seen by the next.
    /// </summary>
    public Task KillAll(params string[] hostNames) =>
        Polling.Until(async () =>
        {
            foreach (var host in hostNames) await Hub.Routed(host, "kill_all", new JObject());
            foreach (var host in hostNames)
                if ((await Hub.ActivePids(host)).Count > 0) return false;
            return true;
        }, UpTimeout, $"{string.Join(", ", hostNames)} list no active process after kill_all", Diagnostics);

    /// <summary>
    /// Stops one executable now, as <see cref="DisposeAsync"/> would: for a node a test started on a shared mesh, so
    /// that it does not outlive the test and a process it leaked fails that test.
    /// </summary>
    public async Task Stop(MeshProcess process)
    {
        var leftovers = await process.StopAndFindLeftovers();
        foreach (var leftover in leftovers) OsProcesses.KillHard(leftover.Stat.Pid);
        if (leftovers.Count > 0) throw new InvalidOperationException($"Leaked processes: {Leak(process, leftovers)}\n{process.OutputTail(15)}");
    }

    /// <summary>A node answers list_processes in milliseconds; one that does not (frozen, cut off) gets the graceful stop.</summary>
    private static readonly TimeSpan TearDownQueryLimit = TimeSpan.FromSeconds(2);

    /// <summary>
    /// True when none of <paramref name="running"/> has started a process that still runs (no descendants) and every one
    /// that runs a node (a node; a hub with its local node) lists only final entries through the hub, none of which
    /// runs again (no backoff, no recurring job): then none can start a process before it is killed. False when that
    /// cannot be told (no hub answering, a host name twice, a node that never said ready).
    /// </summary>
    private async Task<bool> NothingCanLeak(IReadOnlyList<MeshProcess> running)
    {
        var hub = _hub;
        if (hub is null || running.Any(p => OsProcesses.Descendants(p.Pid).Count > 0)) return false;
        var nodes = running.Where(p => p.ManagesProcesses).ToList();
        if (nodes.Any(p => p.ReadyLines.Count == 0)) return false;
        var hosts = nodes.Select(p => p.Ready.HostName).ToList();
        if (hosts.Distinct().Count() != hosts.Count) return false;
        try
        {
            foreach (var host in hosts)
            {
                var entries = (JArray)(await hub.Routed(host, "list_processes", new JObject()).WaitAsync(TearDownQueryLimit))["processes"]!;
                if (!entries.All(e => WireNames.ProcessStates.TryParse((string?)e["state"], out var state) && state.IsFinal())) return false;
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or TimeoutException or TaskCanceledException)
        {
            return false;
        }
        return true;
    }

    private static string Leak(MeshProcess process, IReadOnlyList<MeshProcess.Leftover> leftovers) =>
        $"{process.Label} (pid {process.Pid}) left {string.Join(", ", leftovers)} running after SIGTERM";

    private void KeepLogs(IEnumerable<MeshProcess> processes)
    {
        if (Environment.GetEnvironmentVariable(KeepLogsVariable) is not { Length: > 0 } dir) return;
        var target = Path.Combine(dir, $"{DateTime.Now:HHmmss}-{Path.GetFileName(WorkDir)}");
        Directory.CreateDirectory(target);
        foreach (var (process, index) in processes.Select((p, i) => (p, i)))
            File.WriteAllLines(Path.Combine(target, $"{index}-{process.Label.Replace(' ', '-')}.log"), process.Output);
    }

    /// <summary>GET /hosts and the tail of every executable's output, for failure messages.</summary>
    public string Diagnostics()
    {
        var text = new StringBuilder();
        try
        {
            // Off the test's synchronization context, bounded: a diagnostic must never hang the failure report.
            var hub = _hub;
            var hosts = hub is null ? "(no hub)" : Task.Run(() => hub.Send(HttpMethod.Get, "/hosts")).WaitAsync(TimeSpan.FromSeconds(5)).GetAwaiter().GetResult().ToString();
            text.AppendLine($"GET /hosts: {hosts}");
        }
        catch (Exception ex)
        {
            text.AppendLine($"GET /hosts failed: {ex.GetBaseException().Message}");
        }
        MeshProcess[] processes;
        lock (_processes) processes = _processes.ToArray();
        foreach (var process in processes) text.AppendLine(process.OutputTail(25));
        return text.ToString();
    }

    /// <summary>
    /// Stops every executable still running (nodes first, so they can leave through a hub that still runs; then the
    /// hubs; a hub without a local node is killed, see <see cref="MeshProcess.StopForTearDown"/>), then kills the
    /// tracked pids and deletes the directory. Throws, after all of that, when an executable that was stopped
    /// gracefully here left a process it had started running (see <see cref="MeshProcess.StopAndFindLeftovers"/>): the
    /// clean-up must not hide a leak. Processes of an executable the test killed itself (SIGKILL) are meant to outlive
    /// it; they are tracked pids and killed without complaint. When nothing can leak (see <see cref="NothingCanLeak"/>),
    /// every executable is killed at once instead: there is nothing for the leak check to find, and graceful stops
    /// cost a second or more a mesh (a cluster leave waits for Akka's leader tick, longer while a killed member is downed).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        MeshProcess[] processes;
        lock (_processes) processes = _processes.ToArray();
        if (await NothingCanLeak(processes.Where(p => !p.HasExited).ToList()))
            await Task.WhenAll(processes.Select(p => p.Kill()));
        var leaks = new List<string>();
        foreach (var group in new[] { processes.Where(p => !p.IsHub), processes.Where(p => p.IsHub) })
        {
            var stopped = await Task.WhenAll(group.Select(async p => (Process: p, Leftovers: await p.StopForTearDown())));
            foreach (var (process, leftovers) in stopped.Where(s => s.Leftovers.Count > 0))
            {
                leaks.Add(Leak(process, leftovers));
                foreach (var leftover in leftovers) OsProcesses.KillHard(leftover.Stat.Pid);
            }
        }
        // Read before disposal: the tails name each exit code.
        var leakReport = leaks.Count == 0 ? null
            : "Leaked processes: " + string.Join("; ", leaks) + "\n" + string.Join("\n", processes.Select(p => p.OutputTail(15)));
        await Task.WhenAll(processes.Select(p => p.DisposeAsync().AsTask()));
        KeepLogs(processes);
        foreach (var pid in _trackedPids) OsProcesses.KillHard(pid);
        _hub?.Dispose();
        try
        {
            Directory.Delete(WorkDir, recursive: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        if (leakReport is not null) throw new InvalidOperationException(leakReport);
    }
}
