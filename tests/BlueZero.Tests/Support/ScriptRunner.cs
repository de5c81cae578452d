using System.Diagnostics;
using System.Text;

namespace BlueZero.Tests.Support;

/// <summary>
/// Runs samples/scripts/*.sh with /bin/bash against one hub (B0_HUB_URL), with a clean B0_* environment,
/// each argument passed as its own argv entry, and a timeout after which the script is killed. An absolute path is
/// run as it is (ReadmeExamplesTests runs a generated script so).
/// </summary>
public sealed class ScriptRunner(string hubUrl)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <param name="stdin">Bytes written to the script's stdin before it is closed (call.sh reads its request there).</param>
    public Task<ScriptResult> Run(string script, IReadOnlyList<string> args, IReadOnlyDictionary<string, string>? environment = null,
        byte[]? stdin = null) =>
        RunProgram("/bin/bash", script, [Path.Combine(TestPaths.Scripts, script), .. args], hubUrl, environment, stdin);

    /// <summary>Runs any program the same way (b0 too): clean B0_* environment, B0_HUB_URL, stdin closed, a timeout.</summary>
    public static async Task<ScriptResult> RunProgram(string program, string label, IReadOnlyList<string> args, string hubUrl,
        IReadOnlyDictionary<string, string>? environment = null, byte[]? stdin = null)
    {
        var script = label;
        var info = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("B0_", StringComparison.Ordinal)).ToList())
            info.Environment.Remove(key);
        info.Environment["B0_HUB_URL"] = hubUrl;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            info.Environment[key] = value;

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {script}");
        if (stdin is not null) await process.StandardInput.BaseStream.WriteAsync(stdin);
        process.StandardInput.Close(); // no script may wait on the terminal
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} did not finish within {Timeout.TotalSeconds} s");
        }
        return new ScriptResult(script, process.ExitCode, await stdout, await stderr);
    }

    public Task<ScriptResult> Run(string script, params string[] args) => Run(script, (IReadOnlyList<string>)args);
}
