using System.Collections.Concurrent;
using System.Text;

namespace BlueZero.Tests.Support;

/// <summary>
/// A BlueZero mesh of real executables on loopback, for one test (or one test class): a hub, any number of
/// nodes, the hocon they read, and every pid the test caused to exist. Disposal stops all of it, even when the
/// test failed half-way: executables get SIGTERM then SIGKILL, tracked managed processes are killed outright
/// (a node killed with SIGKILL leaves its children running, by design), and the temp directory is deleted.
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

    private LocalMesh(string workDir)
    {
        WorkDir = workDir;
        ConfigDir = Path.Combine(workDir, "hocon");
    }

    /// <summary>
    /// A mesh whose executables read a copy of the repository's hocon/*.hocon with the given stop graces
    /// (everything else as shipped). The copy sits in WORKDIR/hocon and every executable starts in WORKDIR, so a node
    /// started by a node (same working directory) reads it too.
    /// </summary>
    public static LocalMesh Create(TimeSpan stopGrace, TimeSpan killGrace)
    {
        var mesh = new LocalMesh(Directory.CreateTempSubdirectory("bluezero-e2e-").FullName);
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
    public async Task<MeshProcess> StartHub(string hostId, int httpPort = 0, int clusterPort = 0, bool localNode = true,
        IReadOnlyList<string>? extraArgs = null, IReadOnlyDictionary<string, string>? environment = null, string? token = null)
    {
        var hub = Add(MeshProcess.StartHub(hostId, WorkDir, ConfigDir, httpPort, clusterPort, localNode, extraArgs, environment));
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
    public async Task<MeshProcess> StartNode(string hostId, bool waitUntilUp = true, IReadOnlyList<string>? extraArgs = null, bool sigintIgnored = false)
    {
        var node = StartNodeProcess(hostId, extraArgs, sigintIgnored);
        await node.WaitReady(StartTimeout);
        if (waitUntilUp) await WaitForStatus(hostId, "up", UpTimeout);
        return node;
    }

    /// <summary>Starts a node seeded by the current hub without waiting for anything, e.g. for one expected to refuse to run.</summary>
    public MeshProcess StartNodeProcess(string hostId, IReadOnlyList<string>? extraArgs = null, bool sigintIgnored = false) =>
        Add(MeshProcess.StartNode(hostId, Seed, WorkDir, ConfigDir, extraArgs, sigintIgnored));

    private MeshProcess Add(MeshProcess process)
    {
        lock (_processes) _processes.Add(process);
        return process;
    }

    /// <summary>
    /// A precondition, not an assertion: lets a few cluster heartbeats pass so every member's failure detector has a
    /// history. A member that dies within about a second of joining is judged only after expected-response-after (1 s)
    /// on top of the usual detection time; the crash tests model nodes and hubs that have been running for a while.
    /// </summary>
    public static Task LetHeartbeatsSettle() => Task.Delay(TimeSpan.FromSeconds(3));

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

    public async ValueTask DisposeAsync()
    {
        MeshProcess[] processes;
        lock (_processes) processes = _processes.ToArray();
        // Nodes first, so they can leave through a hub that still runs; then the hubs.
        await Task.WhenAll(processes.Where(p => !p.IsHub).Select(p => p.DisposeAsync().AsTask()));
        await Task.WhenAll(processes.Where(p => p.IsHub).Select(p => p.DisposeAsync().AsTask()));
        KeepLogs(processes);
        foreach (var pid in _trackedPids) OsProcesses.KillHard(pid);
        _hub?.Dispose();
        try
        {
            Directory.Delete(WorkDir, recursive: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
