using System.Diagnostics;
using System.Text.RegularExpressions;

namespace BlueZero.Bench;

/// <summary>
/// A hub, a separate OS process started from the dll next to this benchmark, on 127.0.0.1 with ephemeral ports;
/// process-manager nodes join it through <see cref="LaunchNode"/>. The mesh owns the hub; the caller owns the nodes.
/// </summary>
internal sealed partial class MeshUnderTest : IAsyncDisposable
{
    private const string ReadyPrefix = "BlueZero hub ready:";
    private const string NodeReadyPrefix = "BlueZero process-manager node ready:";
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(20);

    private readonly ChildProcess _hub;
    private readonly ReleaseBuild _build;
    private readonly IReadOnlyDictionary<string, string>? _runtimeMode;
    private string? _stopOutcome;

    private MeshUnderTest(ChildProcess hub, ReleaseBuild build, IReadOnlyDictionary<string, string>? runtimeMode, Uri hubHttp, string clusterAddress, TimeSpan hubStartup)
    {
        _hub = hub;
        _build = build;
        _runtimeMode = runtimeMode;
        HubHttp = hubHttp;
        ClusterAddress = clusterAddress;
        HubStartup = hubStartup;
    }

    public Uri HubHttp { get; }
    public string ClusterAddress { get; }
    public int HubPid => _hub.Pid;

    /// <summary>From starting the hub process to its ready line.</summary>
    public TimeSpan HubStartup { get; }

    /// <summary>
    /// Starts the hub and waits for its ready line. With <paramref name="localNode"/> it also hosts a process-manager
    /// node under its own host_name, as it does by default. The hub and its nodes run <paramref name="build"/>, by default
    /// the build next to the benchmark, with the runtime settings of <paramref name="runtimeMode"/> (environment
    /// variables) over those of --runtime-env.
    /// </summary>
    public static async Task<MeshUnderTest> StartAsync(string hubHostId, bool localNode, CancellationToken ct, ReleaseBuild? build = null,
        IReadOnlyDictionary<string, string>? runtimeMode = null)
    {
        build ??= ReleaseBuild.NextToBench;
        var t0 = Stopwatch.GetTimestamp();
        List<string> args = ["--host-id", hubHostId, "--http", "127.0.0.1:0", "--cluster-port", LowFreePort().ToString()];
        if (!localNode) args.Add("--no-local-node");
        var hub = ChildProcess.StartDotnet("hub", build.HubDll, args, ReadyPrefix, runtimeMode);
        try
        {
            var (http, cluster) = ParseReadyLine(await hub.WaitForReadyLineAsync(ReadyTimeout, ct));
            return new MeshUnderTest(hub, build, runtimeMode, http, cluster, Stopwatch.GetElapsedTime(t0));
        }
        catch
        {
            await hub.StopAsync(StopGrace);
            hub.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A free loopback port below the ephemeral range the nodes get theirs from. Akka's cluster leader is the member
    /// with the lowest address; a hub on its default port 4053 is the leader of its nodes, and so is this one. (With an
    /// ephemeral port of its own the hub was a follower, and the nodes' split-brain decisions could down it.)
    /// </summary>
    private static int LowFreePort()
    {
        var start = Random.Shared.Next(20_000, 30_000);
        for (var port = start; port < start + 500; port++)
        {
            try
            {
                var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
                probe.Start();
                probe.Stop();
                return port;
            }
            catch (System.Net.Sockets.SocketException)
            {
            }
        }
        throw new BenchmarkException($"no free loopback port between {start} and {start + 500} for the hub");
    }

    /// <summary>
    /// Starts a process-manager node with the hub as its seed and an ephemeral cluster port, <paramref name="extraArgs"/>
    /// after its --host-id; its ready line is "BlueZero process-manager node ready: ...". It runs the hub's build unless
    /// <paramref name="build"/> says otherwise, with the hub's runtime mode. The caller owns it.
    /// </summary>
    public ChildProcess LaunchNode(string name, string hostId, IReadOnlyList<string>? extraArgs = null, ReleaseBuild? build = null) =>
        ChildProcess.StartDotnet(name, (build ?? _build).NodeDll,
            ["--host-id", hostId, "--seed", ClusterAddress, "--cluster-port", "0", .. extraArgs ?? []], NodeReadyPrefix, _runtimeMode);

    /// <summary>Throws if the hub has ended.</summary>
    public void ThrowIfExited() => _hub.ThrowIfExited();

    /// <summary>SIGTERM the hub, with a SIGKILL fallback after 20 s. Returns what happened.</summary>
    public async Task<string> StopAsync()
    {
        _stopOutcome ??= await _hub.StopAsync(StopGrace);
        return _stopOutcome;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _hub.Dispose();
    }

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
