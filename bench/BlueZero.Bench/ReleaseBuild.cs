using System.Diagnostics;

namespace BlueZero.Bench;

/// <summary>
/// Which hub and node binaries a mesh runs: the JIT-compiled build next to this benchmark, or the ReadyToRun release
/// build of docs/OPERATIONS.md, published by <see cref="PublishAsync"/> into bench/out/r2r/{hub,node} with exactly
/// <see cref="PublishCommand"/>.
/// </summary>
internal sealed record ReleaseBuild(string HubDll, string NodeDll, string Description)
{
    /// <summary>The documented release build (docs/OPERATIONS.md), for one project and output directory.</summary>
    public const string PublishCommand =
        "dotnet publish <project> -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o <dir>";

    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(10);

    /// <summary>The build this benchmark was compiled with (its project references put both executables next to it).</summary>
    public static ReleaseBuild NextToBench { get; } = new(
        Path.Combine(AppContext.BaseDirectory, "BlueZero.Hub.dll"),
        Path.Combine(AppContext.BaseDirectory, "BlueZero.ProcessManager.dll"),
        "the benchmark's own build (JIT-compiled at run time)");

    /// <summary>Publishes the hub and the node with ReadyToRun; returns them and how long publishing took.</summary>
    public static async Task<(ReleaseBuild Build, TimeSpan Took)> PublishAsync(CancellationToken ct)
    {
        var root = RepoPaths.Root() ?? throw new BenchmarkException("the ReadyToRun build needs the repository (no BlueZero.sln above the benchmark)");
        var output = Path.Combine(root, "bench", "out", "r2r");
        var t0 = Stopwatch.GetTimestamp();
        await PublishOneAsync(Path.Combine(root, "src", "Hub", "Hub.csproj"), Path.Combine(output, "hub"), ct);
        await PublishOneAsync(Path.Combine(root, "src", "ProcessManager", "ProcessManager.csproj"), Path.Combine(output, "node"), ct);
        var build = new ReleaseBuild(Path.Combine(output, "hub", "BlueZero.Hub.dll"), Path.Combine(output, "node", "BlueZero.ProcessManager.dll"),
            "the ReadyToRun release build (bench/out/r2r; tiered compilation off, as Directory.Build.props sets for every ReadyToRun publish)");
        return (build, Stopwatch.GetElapsedTime(t0));
    }

    private static async Task PublishOneAsync(string project, string output, CancellationToken ct)
    {
        Log.Info($"publishing {Path.GetFileName(project)} with ReadyToRun into {output}");
        using var publish = ChildProcess.Start($"publish {Path.GetFileNameWithoutExtension(project)}", ChildProcess.DotnetHost,
            ["publish", project, "-c", "Release", "-r", "linux-x64", "--self-contained", "false", "-p:PublishReadyToRun=true", "-o", output, "--nologo"],
            Path.GetDirectoryName(project)!);
        using var cancel = ct.Register(() => publish.Dispose());
        var code = await publish.WaitForExitCodeAsync(PublishTimeout);
        ct.ThrowIfCancellationRequested();
        if (code != 0) throw new BenchmarkException($"`dotnet publish {project}` with ReadyToRun exited with code {code}{publish.LastOutput}");
    }
}
