using System.Diagnostics;
using System.Text.RegularExpressions;

namespace BlueZero.Bench;

/// <summary>
/// A hub and one process-manager node, each a separate OS process started from the dlls next to this benchmark,
/// on 127.0.0.1 with ephemeral ports.
/// </summary>
internal sealed partial class MeshUnderTest : IAsyncDisposable
{
    private const string ReadyPrefix = "BlueZero hub ready:";
    private const string NodeReadyPrefix = "BlueZero process-manager node ready:";
    private const string RunMarkerVariable = "BLUEZERO_BENCH_RUN";
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(20);

    private readonly ChildProcess _hub;
    private readonly ChildProcess _node;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private IReadOnlyList<string>? _stopOutcome;

    private MeshUnderTest(ChildProcess hub, ChildProcess node, IReadOnlyDictionary<string, string> environment, Uri hubHttp,
        string clusterAddress, TimeSpan hubStartup, string runMarker)
    {
        _hub = hub;
        _node = node;
        _environment = environment;
        HubHttp = hubHttp;
        ClusterAddress = clusterAddress;
        HubStartup = hubStartup;
        RunMarker = runMarker;
    }

    public Uri HubHttp { get; }
    public string ClusterAddress { get; }

    /// <summary>
    /// "NAME=value", unique to this run, in the environment of the hub and the node, and so inherited by every
    /// process they start.
    /// </summary>
    public string RunMarker { get; }

    /// <summary>From starting the hub process to its ready line.</summary>
    public TimeSpan HubStartup { get; }

    /// <summary>Starts the hub, waits for its ready line, then starts the node with the hub as its seed.</summary>
    public static async Task<MeshUnderTest> StartAsync(string hubHostId, string nodeHostId, CancellationToken ct)
    {
        var runId = Guid.NewGuid().ToString("N");
        var environment = new Dictionary<string, string> { [RunMarkerVariable] = runId };
        var t0 = Stopwatch.GetTimestamp();
        var hub = ChildProcess.Start("hub", Dll("BlueZero.Hub.dll"),
            ["--host-id", hubHostId, "--http", "127.0.0.1:0", "--cluster-port", "0"], environment, ReadyPrefix);
        try
        {
            var (http, cluster) = ParseReadyLine(await hub.WaitForReadyLineAsync(ReadyTimeout, ct));
            var hubStartup = Stopwatch.GetElapsedTime(t0);
            var node = ChildProcess.Start("node", Dll("BlueZero.ProcessManager.dll"), ["--host-id", nodeHostId, "--seed", cluster], environment);
            return new MeshUnderTest(hub, node, environment, http, cluster, hubStartup, $"{RunMarkerVariable}={runId}");
        }
        catch
        {
            await hub.StopAsync(StopGrace);
            hub.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Starts one more node of this run (same environment and run marker, the hub as its seed) with
    /// <paramref name="extraArgs"/> after its --host-id; its ready line is "BlueZero process-manager node ready: ...".
    /// The caller owns it.
    /// </summary>
    public ChildProcess StartExtraNode(string name, string hostId, IReadOnlyList<string> extraArgs) =>
        ChildProcess.Start(name, Dll("BlueZero.ProcessManager.dll"), ["--host-id", hostId, "--seed", ClusterAddress, .. extraArgs],
            _environment, NodeReadyPrefix);

    /// <summary>Throws if the hub or the node has ended.</summary>
    public void ThrowIfAnyExited()
    {
        _hub.ThrowIfExited();
        _node.ThrowIfExited();
    }

    /// <summary>SIGTERM the node, then the hub, each with a SIGKILL fallback after 20 s. Returns what happened.</summary>
    public async Task<IReadOnlyList<string>> StopAsync()
    {
        _stopOutcome ??= [await _node.StopAsync(StopGrace), await _hub.StopAsync(StopGrace)];
        return _stopOutcome;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _node.Dispose();
        _hub.Dispose();
    }

    private static string Dll(string name) => Path.Combine(AppContext.BaseDirectory, name);

    /// <summary>"BlueZero hub ready: host_name=H http=http://127.0.0.1:P cluster=akka.tcp://bluezero@127.0.0.1:Q local_node=on".</summary>
    private static (Uri Http, string Cluster) ParseReadyLine(string line)
    {
        var http = HttpField().Match(line);
        var cluster = ClusterField().Match(line);
        if (!http.Success || !cluster.Success
            || !Uri.TryCreate(http.Groups[1].Value, UriKind.Absolute, out var uri) || uri.Host != "127.0.0.1" || uri.Port <= 0)
            throw new BenchmarkException($"cannot read the hub's addresses from: {line}");
        return (uri, cluster.Groups[1].Value);
    }

    [GeneratedRegex(@"\bhttp=(\S+)")]
    private static partial Regex HttpField();

    [GeneratedRegex(@"\bcluster=(akka\.tcp://\S+@127\.0\.0\.1:[1-9][0-9]*)(?:\s|$)")]
    private static partial Regex ClusterField();
}
