using System.Diagnostics;
using BlueZero.Tests.Support;

namespace BlueZero.Tests.NetworkFaults;

/// <summary>
/// The network namespaces of the network-fault tests, built and broken by tests/netns/mesh-network.sh: a bridge,
/// one namespace per member (the hub and three nodes) on SUBNET.0/24, and a veth from the test's own namespace so it
/// reaches the hub's HTTP. Names carry this test process's pid, so <see cref="Create"/> first sweeps away what a
/// crashed earlier run left, and <see cref="DisposeAsync"/> removes it all. Nothing leaves these links.
/// </summary>
public sealed class FaultNetwork : IAsyncDisposable
{
    public static readonly string[] Members = ["hub", "n1", "n2", "n3"];

    private static readonly string Script = Path.Combine(TestPaths.RepoRoot, "tests", "netns", "mesh-network.sh");
    private static readonly string DelayRelay = Path.Combine(TestPaths.RepoRoot, "tests", "netns", "delay-relay.py");
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, Process> _relays = new();

    private FaultNetwork(int run)
    {
        Run = run;
        // A /24 per run (in 10.231.20-219.0), so two runs on one machine rarely meet; the addresses exist only here.
        Subnet = $"10.231.{20 + run % 200}";
    }

    public int Run { get; }
    public string Subnet { get; }

    /// <summary>Why these tests cannot run here, or null when they can: root, and ip, nft and python3 on the PATH.</summary>
    public static string? Unavailable { get; } = FindWhyUnavailable();

    private static string? FindWhyUnavailable()
    {
        if (!Environment.IsPrivilegedProcess) return "network-fault tests need root (network namespaces)";
        var missing = new[] { "ip", "nft", "python3" }.Where(tool => !OnPath(tool)).ToList();
        return missing.Count == 0 ? null : $"network-fault tests need {string.Join(", ", missing)} (iproute2, nftables, python3)";
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(dir => dir.Length > 0 && File.Exists(Path.Combine(dir, tool)));

    public static async Task<FaultNetwork> Create()
    {
        var network = new FaultNetwork(Environment.ProcessId);
        await Shell("sweep");
        await Shell(["create", network.Run.ToString(), network.Subnet, .. Members]);
        return network;
    }

    /// <summary>Where <paramref name="member"/> runs: its namespace and address.</summary>
    public NetworkPlace PlaceOf(string member) => new($"b0nf-{Run}-{member}", $"{Subnet}.{Array.IndexOf(Members, member) + 1}");

    /// <summary>Pulls the member's cable at the bridge.</summary>
    public Task Cut(string member) => Shell("link", Run.ToString(), member, "down");

    /// <summary>Plugs the member's cable back in (and nothing else).</summary>
    public Task Reconnect(string member) => Shell("link", Run.ToString(), member, "up");

    /// <summary>nftables drops what the member receives ("in"), sends ("out"), or both, from and to the mesh.</summary>
    public Task Drop(string member, string direction) => Shell("drop", Run.ToString(), member, direction);

    /// <summary>nftables drops <paramref name="percent"/> % of the member's packets, each way.</summary>
    public Task Loss(string member, int percent) => Shell("loss", Run.ToString(), member, percent.ToString());

    /// <summary>Every frame of the member's link is held <paramref name="delayMs"/> ± <paramref name="jitterMs"/>, each way.</summary>
    public async Task Delay(string member, int delayMs, int jitterMs)
    {
        await Shell("detour", Run.ToString(), member);
        var info = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])["netns", "exec", $"b0nf-{Run}-br", "python3", "-u", DelayRelay, $"p-{member}", $"d-{member}",
                     delayMs.ToString(), jitterMs.ToString(), Environment.ProcessId.ToString()])
            info.ArgumentList.Add(arg);
        var relay = Process.Start(info) ?? throw new InvalidOperationException("could not start delay-relay.py");
        _relays[member] = relay;
        var ready = await relay.StandardOutput.ReadLineAsync().WaitAsync(CommandTimeout);
        if (ready != "delay-relay ready") throw new InvalidOperationException($"delay-relay.py: {ready} {await relay.StandardError.ReadToEndAsync()}");
    }

    /// <summary>Undoes every fault of the member.</summary>
    public async Task Heal(string member)
    {
        if (_relays.Remove(member, out var relay)) await Stop(relay);
        await Shell("heal", Run.ToString(), member);
    }

    public async Task HealAll()
    {
        foreach (var member in Members) await Heal(member);
    }

    private static async Task Stop(Process relay)
    {
        try
        {
            relay.Kill();
            await relay.WaitForExitAsync().WaitAsync(CommandTimeout);
        }
        catch (InvalidOperationException) { } // already gone
        relay.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var relay in _relays.Values) await Stop(relay);
        _relays.Clear();
        await Shell("destroy", Run.ToString());
    }

    private static Task Shell(params string[] args) => Shell((IReadOnlyList<string>)args);

    private static async Task Shell(IReadOnlyList<string> args)
    {
        var info = new ProcessStartInfo(Script) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start mesh-network.sh");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(CommandTimeout);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"mesh-network.sh {string.Join(' ', args)} exited with {process.ExitCode}: {await output}{await errors}");
    }
}
