using System.Diagnostics;

namespace BlueZero.Tests.Support;

/// <summary>
/// A detached tmux session running one command in a real terminal, for tests of what b0 draws there. Without tmux
/// the test fails with an install hint, unless B0_SKIP_TERMINAL_TESTS=1. Disposal kills the session.
/// </summary>
public sealed class Tmux : IAsyncDisposable
{
    public const string SkipVariable = "B0_SKIP_TERMINAL_TESTS";
    private const string InstallHint = "tmux is not installed: apt-get install tmux (or set B0_SKIP_TERMINAL_TESTS=1 to skip terminal tests)";

    private readonly string _session;

    private Tmux(string session) => _session = session;

    /// <summary>Terminal tests are skipped on purpose.</summary>
    public static bool Skipped => Environment.GetEnvironmentVariable(SkipVariable) == "1";

    /// <summary>The command left the session (tmux closes it when its command ends).</summary>
    public async Task<bool> HasEnded() => (await Run("has-session", "-t", _session)).ExitCode != 0;

    public static async Task<Tmux> Start(string session, string shellCommand, int columns = 160, int rows = 40)
    {
        if (!File.Exists("/usr/bin/tmux") && !File.Exists("/bin/tmux")) throw new InvalidOperationException(InstallHint);
        var started = await Run("new-session", "-d", "-s", session, "-x", columns.ToString(), "-y", rows.ToString(), shellCommand);
        if (started.ExitCode != 0) throw new InvalidOperationException($"tmux new-session failed: {started.Output}");
        return new Tmux(session);
    }

    /// <summary>What the pane shows now, as text.</summary>
    public async Task<string> Capture() => (await Run("capture-pane", "-p", "-t", _session)).Output;

    public async ValueTask DisposeAsync() => await Run("kill-session", "-t", _session);

    private static async Task<(int ExitCode, string Output)> Run(params string[] args)
    {
        var info = new ProcessStartInfo("tmux") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }
}
