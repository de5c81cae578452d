using System.Diagnostics;
using System.Reflection;
using System.Text;
using BlueZero.Tests.Support;
using Xunit;

namespace BlueZero.Tests.EndToEnd;

/// <summary>
/// The benchmark harness (bench/BlueZero.Bench) runs end to end with --smoke: real hubs, nodes and (when installed)
/// supervisord and PM2, at tiny sizes; without publishing the ReadyToRun build or running `npm ci` (no network). Only that it finishes cleanly and writes every section is checked, not the figures.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class BenchHarnessSmokeTests
{
    private static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(150);
    private static readonly TimeSpan CleanupGrace = TimeSpan.FromSeconds(30);

    private static readonly string[] Headings =
    [
        "## Goals",
        "## Floor: bare Process.Start",
        "## Start path, piece by piece (thread CPU and allocations)",
        "## Hub request path, piece by piece (thread CPU and allocations)",
        "## Latency through the hub to a remote node",
        "## Runtime modes: GC and tiered compilation, start and query latency",
        "## Throughput: start+stop pairs with concurrent clients",
        "## Many processes on one node",
        "## Re-adoption after a node crash",
        "## Output followers and a chatty process",
        "## Event ingest at the hub",
        "## Launch plan: 50 independent processes over 3 nodes",
        "## Many nodes",
        "## Peers: supervisord and PM2",
        "## Run notes and clean-up",
    ];

    /// <summary>The bench project's own build, next to the hub and node dlls it starts; the project reference builds it.</summary>
    private static string BenchDll
    {
        get
        {
            var configuration = typeof(BenchHarnessSmokeTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
            var targetFramework = new DirectoryInfo(AppContext.BaseDirectory).Name;
            return Path.Combine(TestPaths.RepoRoot, "bench", "BlueZero.Bench", "bin", configuration, targetFramework, "BlueZero.Bench.dll");
        }
    }

    [Fact]
    public async Task Smoke_run_exits_0_and_writes_every_section()
    {
        Assert.True(File.Exists(BenchDll), $"{BenchDll} is not built");
        var workDir = Directory.CreateTempSubdirectory("bluezero-bench-smoke-");
        try
        {
            var results = Path.Combine(workDir.FullName, "results.md");

            var (exitCode, output) = await RunBench(["--smoke", "--no-publish", "--no-install", "--out", results], workDir.FullName);

            Assert.True(exitCode == 0, $"the harness exited with {exitCode}:\n{output}");
            var lines = (await File.ReadAllTextAsync(results)).Split('\n');
            Assert.All(Headings, heading => Assert.Contains(heading, lines));
        }
        finally
        {
            workDir.Delete(recursive: true);
        }
    }

    /// <summary>
    /// `dotnet BlueZero.Bench.dll args`; past <see cref="RunLimit"/> it gets SIGTERM (it then stops all it started)
    /// and, if that does not end it, SIGKILL for its whole tree. Returns the exit code and everything it printed.
    /// </summary>
    private static async Task<(int ExitCode, string Output)> RunBench(IReadOnlyList<string> args, string workDir)
    {
        var info = new ProcessStartInfo(TestPaths.DotnetHost)
        {
            WorkingDirectory = workDir,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add(BenchDll);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("B0_", StringComparison.Ordinal)).ToList())
            info.Environment.Remove(key);

        var output = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var limit = new CancellationTokenSource(RunLimit);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            PosixSignals.Send(process.Id, PosixSignal.SIGTERM);
            using var grace = new CancellationTokenSource(CleanupGrace);
            try
            {
                await process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
            Assert.Fail($"the harness did not finish within {RunLimit.TotalSeconds} s:\n{Text(output)}");
        }
        await process.WaitForExitAsync(); // drains the redirected output
        return (process.ExitCode, Text(output));
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null) return;
        lock (output) output.AppendLine(line);
    }

    private static string Text(StringBuilder output)
    {
        lock (output) return output.ToString();
    }
}
