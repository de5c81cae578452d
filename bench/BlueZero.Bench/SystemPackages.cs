namespace BlueZero.Bench;

/// <summary>
/// The Debian packages two sections need: chromium (dashboard: Playwright drives /usr/bin/chromium) and supervisor
/// (peer: supervisord). Run as root on a machine with apt-get, the benchmark installs whichever is missing before the
/// sections, as test.sh does for the tests. Otherwise, or with --no-install, those sections say what is missing and are
/// skipped.
/// </summary>
internal static class SystemPackages
{
    private const string AptGet = "/usr/bin/apt-get";
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(10);

    /// <summary>Each package, and how to tell that what the benchmark uses from it is there.</summary>
    private static readonly (string Package, Func<bool> Present)[] Needed =
    [
        ("chromium", () => File.Exists(DashboardBenchmark.ChromiumPath)),
        ("supervisor", () => SupervisordPeer.FindExecutable() is not null),
    ];

    public static async Task EnsureAsync(bool install, RunNotes notes)
    {
        var missing = Needed.Where(need => !need.Present()).Select(need => need.Package).ToList();
        if (missing.Count == 0) return;
        var packages = string.Join(" ", missing);
        if (!install || !Environment.IsPrivilegedProcess || !File.Exists(AptGet))
        {
            Log.Info($"not installing {packages} (needs root, apt-get and no --no-install); the sections that need them are skipped");
            return;
        }
        Log.Info($"installing {packages} with apt-get");
        var failure = await RunAsync(["update", "-qq"]) ?? await RunAsync(["install", "-y", "-qq", .. missing]);
        notes.Add(failure is null ? $"installed {packages} with apt-get before the sections" : $"could not install {packages}: {failure}");
    }

    /// <summary>One apt-get step; null when it succeeded, else what went wrong.</summary>
    private static async Task<string?> RunAsync(IReadOnlyList<string> args)
    {
        using var step = ChildProcess.Start($"apt-get {args[0]}", AptGet, args, Directory.GetCurrentDirectory(),
            environment: new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" });
        try
        {
            var code = await step.WaitForExitCodeAsync(StepTimeout);
            return code == 0 ? null : $"`apt-get {string.Join(' ', args)}` exited with code {code}{step.LastOutput}";
        }
        catch (BenchmarkException ex)
        {
            return ex.Message;
        }
    }
}
