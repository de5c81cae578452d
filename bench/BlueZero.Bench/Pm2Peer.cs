using System.Text.Json;

namespace BlueZero.Bench;

/// <summary>
/// PM2 from npm, installed by `npm ci` into bench/peers from its committed package.json and package-lock.json, and
/// driven by bench/peers/pm2-bench.js through PM2's programmatic API: one request at a time, pm2.start of /bin/sleep 30
/// (interpreter 'none'), then pm2.delete. The PM2 daemon lives in a temporary PM2_HOME of its own and is killed by the
/// script; the run's final sweep would find it through the run marker otherwise.
/// </summary>
internal static class Pm2Peer
{
    private const string ResultPrefix = "{\"version\":";
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);

    /// <summary>Each pair waits for the exit of a sleep that ignores nothing; a pair over this means something hangs.</summary>
    private static readonly TimeSpan PerPairTimeout = TimeSpan.FromSeconds(5);

    private sealed record ScriptResult(string Version, double[] StartMs, double[] StopMs);

    /// <summary>
    /// Why PM2 cannot be measured here, or null when it can: node and npm on PATH, and, when it may not be installed
    /// now, already in bench/peers/node_modules.
    /// </summary>
    public static string? MissingTools(bool install)
    {
        if (RepoPaths.OnPath("node") is null || RepoPaths.OnPath("npm") is null)
            return "Node.js is not installed here (no `node` and `npm` on PATH), so PM2 cannot be installed and measured";
        if (!install && !File.Exists(RepoPaths.InRepo("bench", "peers", "node_modules", "pm2", "package.json")))
            return "--no-install, and PM2 is not in bench/peers/node_modules yet (`npm ci` in bench/peers installs it)";
        return null;
    }

    public static async Task<PeerBenchmark.PeerRun> RunAsync(int pairs, int warmupPairs, bool install, CancellationToken ct)
    {
        var peers = RepoPaths.InRepo("bench", "peers");
        if (install) await InstallAsync(peers);
        var home = Directory.CreateTempSubdirectory("bluezero-bench-pm2-");
        try
        {
            Log.Info($"peer: PM2: {warmupPairs} warm-up pairs, then {pairs} x pm2.start + pm2.delete");
            using var script = ChildProcess.Start("pm2-bench.js", RepoPaths.OnPath("node")!,
                ["pm2-bench.js", pairs.ToString(), warmupPairs.ToString()], peers, ResultPrefix,
                new Dictionary<string, string> { ["PM2_HOME"] = home.FullName });
            try
            {
                var line = await script.WaitForReadyLineAsync(PerPairTimeout * (pairs + warmupPairs), ct);
                var result = JsonSerializer.Deserialize<ScriptResult>(line, new JsonSerializerOptions { PropertyNameCaseInsensitive = true })
                    ?? throw new BenchmarkException($"pm2-bench.js printed no result: {line}");
                return new PeerBenchmark.PeerRun(result.Version, LatencyStats.From("pm2.start", result.StartMs),
                    LatencyStats.From("pm2.delete", result.StopMs));
            }
            finally
            {
                await script.StopAsync(StopGrace);
            }
        }
        finally
        {
            home.Delete(recursive: true);
        }
    }

    /// <summary>`npm ci` in bench/peers: exactly the versions of the committed package-lock.json.</summary>
    private static async Task InstallAsync(string peers)
    {
        Log.Info($"peer: npm ci in {peers}");
        using var npm = ChildProcess.Start("npm ci", RepoPaths.OnPath("npm")!, ["ci", "--no-audit", "--no-fund"], peers);
        var code = await npm.WaitForExitCodeAsync(InstallTimeout);
        if (code != 0) throw new BenchmarkException($"`npm ci` in {peers} exited with code {code}{npm.LastOutput}");
    }
}
