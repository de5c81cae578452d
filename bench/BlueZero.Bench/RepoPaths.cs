namespace BlueZero.Bench;

/// <summary>Where the benchmark finds the repository that holds its build, and programs on PATH.</summary>
internal static class RepoPaths
{
    /// <summary>The repository root (the directory with BlueZero.sln) above this build, or null when run elsewhere.</summary>
    public static string? Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "BlueZero.sln")))
                return dir.FullName;
        return null;
    }

    /// <summary>A file under the repository root, or under the current directory when there is none.</summary>
    public static string InRepo(params string[] parts) => Path.GetFullPath(Path.Combine([Root() ?? ".", .. parts]));

    /// <summary>The first <paramref name="program"/> on PATH, or null when it is not installed.</summary>
    public static string? OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
        .Select(dir => Path.Combine(dir, program))
        .FirstOrDefault(File.Exists);
}
