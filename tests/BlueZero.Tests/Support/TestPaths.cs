namespace BlueZero.Tests.Support;

/// <summary>Where the repository, the built executables and the dotnet host are, from inside the test run.</summary>
public static class TestPaths
{
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The test output folder holds the Hub and ProcessManager builds (project references copy them).</summary>
    public static string HubDll => Path.Combine(AppContext.BaseDirectory, "BlueZero.Hub.dll");
    public static string NodeDll => Path.Combine(AppContext.BaseDirectory, "BlueZero.ProcessManager.dll");
    public static string Scripts => Path.Combine(RepoRoot, "samples", "scripts");

    /// <summary>The built b0 executable of this configuration: src/Cli/bin/CONFIGURATION/net10.0/b0.</summary>
    public static string B0 => Path.Combine(RepoRoot, "src", "Cli", "bin", Configuration, "net10.0", "b0");

    /// <summary>Debug or Release: the folder above this test run's net10.0 output folder.</summary>
    private static string Configuration => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name;

    /// <summary>The dotnet host that runs this test run (set by `dotnet test`), else the one on PATH.</summary>
    public static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "BlueZero.sln")))
                return dir.FullName;
        throw new InvalidOperationException("BlueZero.sln not found above " + AppContext.BaseDirectory);
    }
}
