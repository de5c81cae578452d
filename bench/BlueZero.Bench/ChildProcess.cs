using System.Diagnostics;
using System.Globalization;

namespace BlueZero.Bench;

/// <summary>
/// One program the benchmark runs (a BlueZero executable as `dotnet &lt;dll&gt; args`, or supervisord) in a clean
/// environment: no inherited B0_* variables, plus this run's marker. Its stdout and stderr are drained all the time
/// (so it never blocks on a full pipe); the last lines are kept for error messages.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private const int TailLines = 60;

    private readonly Process _process;
    private readonly string? _readyPrefix;
    private readonly TaskCompletionSource<string> _readyLine = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Queue<string> _tail = new();
    private StreamWriter? _log;

    private ChildProcess(string name, Process process, string? readyPrefix)
    {
        Name = name;
        _process = process;
        _readyPrefix = readyPrefix;
    }

    public string Name { get; }
    public int Pid { get; private set; }
    public bool HasExited => _process.HasExited;

    /// <summary>Where every executable of this run keeps its durable state; removed when the benchmark ends.</summary>
    public static readonly string StateHome = Directory.CreateTempSubdirectory("bluezero-bench-state-").FullName;

    private const string Setsid = "/usr/bin/setsid";
    private const string RunMarkerVariable = "BLUEZERO_BENCH_RUN";
    private static readonly string RunId = Guid.NewGuid().ToString("N");

    /// <summary>
    /// "NAME=value", unique to this run, in the environment of every program started here and so inherited by every
    /// process they start: clean-up finds through it whatever the run left behind.
    /// </summary>
    public static string RunMarker => $"{RunMarkerVariable}={RunId}";

    /// <summary>When set (--logs), every line each program prints is also written to DIR/NAME-PID.log, for post-mortems.</summary>
    public static string? LogDirectory { get; set; }

    /// <summary>The dotnet host that runs this benchmark (set by the SDK), else the one on PATH.</summary>
    public static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>
    /// Starts `dotnet <paramref name="dll"/> args` in the dll's directory; <paramref name="readyPrefix"/> marks the
    /// stdout line that says it is ready.
    /// </summary>
    public static ChildProcess StartDotnet(string name, string dll, IReadOnlyList<string> args, string? readyPrefix = null,
        IReadOnlyDictionary<string, string>? runtimeMode = null)
    {
        if (!File.Exists(dll)) throw new BenchmarkException($"{dll} not found; build the bench project, which builds it too");
        var environment = new Dictionary<string, string>(RuntimeEnvironment, StringComparer.Ordinal);
        foreach (var (key, value) in runtimeMode ?? new Dictionary<string, string>()) environment[key] = value;
        return Start(name, DotnetHost, [dll, .. args], Path.GetDirectoryName(dll)!, readyPrefix, environment);
    }

    /// <summary>
    /// --runtime-env: runtime settings (DOTNET_gcServer, DOTNET_TieredPGO, ...) for every hub and node of the run; a
    /// section's own runtime mode (runtime-modes) is applied over them.
    /// </summary>
    public static IReadOnlyDictionary<string, string> RuntimeEnvironment { get; set; } = new Dictionary<string, string>();

    /// <summary>
    /// Starts <paramref name="program"/> with a copy of this process's environment minus B0_*, plus the run marker,
    /// in a session and process group of its own (through setsid, which then executes it under the same pid): a
    /// signal meant for the group of a hub or node (Ctrl-C in a terminal, a kill(-pgid) or kill(0) gone astray)
    /// never reaches the benchmark, which stops everything it started itself, in order.
    /// </summary>
    public static ChildProcess Start(string name, string program, IReadOnlyList<string> args, string workingDirectory, string? readyPrefix = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = File.Exists(Setsid) ? new ProcessStartInfo(Setsid, [program, .. args]) : new ProcessStartInfo(program, args);
        info.UseShellExecute = false;
        info.RedirectStandardInput = true;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.WorkingDirectory = workingDirectory;
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("B0_", StringComparison.Ordinal)).ToList())
            info.Environment.Remove(key);
        // Process tables go to a per-run temporary directory, never under the user's home (an explicit --data-dir wins).
        info.Environment["XDG_STATE_HOME"] = StateHome;
        info.Environment[RunMarkerVariable] = RunId;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            info.Environment[key] = value;

        var child = new ChildProcess(name, new Process { StartInfo = info, EnableRaisingEvents = true }, readyPrefix);
        child._process.OutputDataReceived += (_, e) => child.OnLine(e.Data, fromStdout: true);
        child._process.ErrorDataReceived += (_, e) => child.OnLine(e.Data, fromStdout: false);
        child._process.Start();
        child.Pid = child._process.Id;
        if (LogDirectory is not null)
            child._log = new StreamWriter(Path.Combine(LogDirectory, $"{string.Join('-', name.Split(' ', '(', ')').Where(w => w.Length > 0))}-{child.Pid}.log"))
            {
                AutoFlush = true,
            };
        child._process.BeginOutputReadLine();
        child._process.BeginErrorReadLine();
        return child;
    }

    /// <summary>The ready line; fails if the process exits first or prints nothing within <paramref name="timeout"/>.</summary>
    public async Task<string> WaitForReadyLineAsync(TimeSpan timeout, CancellationToken ct)
    {
        using var exitedOrLate = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var delay = Task.Delay(timeout, exitedOrLate.Token);
        var exited = _process.WaitForExitAsync(exitedOrLate.Token);
        await Task.WhenAny(_readyLine.Task, exited, delay);
        await exitedOrLate.CancelAsync();
        // A program that prints its line and exits at once may be seen exiting first: its output is drained before.
        if (_readyLine.Task.IsCompleted) return await _readyLine.Task;
        ct.ThrowIfCancellationRequested();
        throw new BenchmarkException(HasExited
            ? $"{Name} exited with code {_process.ExitCode} before it was ready{Tail()}"
            : $"{Name} printed no ready line within {timeout.TotalSeconds} s{Tail()}");
    }

    /// <summary>Throws if the process has ended; for loops that wait on it.</summary>
    public void ThrowIfExited()
    {
        if (HasExited) throw new BenchmarkException($"{Name} exited unexpectedly with code {_process.ExitCode}{Tail()}");
    }

    /// <summary>The exit code of a program that is meant to end by itself; fails if it is still running after <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitCodeAsync(TimeSpan timeout)
    {
        if (!await WaitForExitAsync(timeout))
            throw new BenchmarkException($"{Name} did not finish within {timeout.TotalSeconds} s{Tail()}");
        return _process.ExitCode;
    }

    /// <summary>The last lines it printed, for an error message.</summary>
    public string LastOutput => Tail();

    /// <summary>SIGTERM, then SIGKILL if it is still running after <paramref name="grace"/>. Returns what happened.</summary>
    public async Task<string> StopAsync(TimeSpan grace)
    {
        if (HasExited) return $"{Name} had already exited with code {_process.ExitCode}";
        var t0 = Stopwatch.GetTimestamp();
        Posix.Signal(Pid, Posix.SigTerm);
        if (await WaitForExitAsync(grace))
            return string.Create(CultureInfo.InvariantCulture,
                $"{Name} exited with code {_process.ExitCode} {Stopwatch.GetElapsedTime(t0).TotalSeconds:F1} s after SIGTERM");
        _process.Kill(entireProcessTree: true);
        return await WaitForExitAsync(TimeSpan.FromSeconds(5))
            ? $"{Name} was still running {grace.TotalSeconds} s after SIGTERM and was killed with SIGKILL"
            : $"{Name} (pid {Pid}) did not exit even after SIGKILL";
    }

    /// <summary>
    /// SIGKILL to this process alone, as a crash would: its children are not touched and outlive it. True once it has
    /// exited within <paramref name="timeout"/>.
    /// </summary>
    public async Task<bool> KillAloneAsync(TimeSpan timeout)
    {
        if (!HasExited) Posix.Signal(Pid, Posix.SigKill);
        return await WaitForExitAsync(timeout);
    }

    public void Dispose()
    {
        try
        {
            if (!HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Exited meanwhile.
        }
        _process.Dispose();
        lock (_tail)
        {
            _log?.Dispose();
            _log = null;
        }
    }

    private async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var late = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(late.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void OnLine(string? line, bool fromStdout)
    {
        if (line is null) return;
        if (fromStdout && _readyPrefix is not null && line.StartsWith(_readyPrefix, StringComparison.Ordinal))
            _readyLine.TrySetResult(line);
        lock (_tail)
        {
            _log?.WriteLine(line);
            _tail.Enqueue(line);
            if (_tail.Count > TailLines) _tail.Dequeue();
        }
    }

    private string Tail()
    {
        lock (_tail)
            return _tail.Count == 0 ? " (no output)" : $"; its last output:{Environment.NewLine}{string.Join(Environment.NewLine, _tail)}";
    }
}
