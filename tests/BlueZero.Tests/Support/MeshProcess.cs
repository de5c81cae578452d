using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using BlueZero.ProcessManager.Launching;

namespace BlueZero.Tests.Support;

/// <summary>
/// One real BlueZero executable (hub or process-manager node) run with the dotnet host, as a user would run it.
/// Stdout and stderr are captured line by line in the background. A node prints its ready line once a hub has
/// acknowledged its registration, and again each time it rejoins with a fresh actor system, so
/// <see cref="ReadyLines"/> counts those too.
/// Disposal stops it (see <see cref="StopAndFindLeftovers"/>).
/// </summary>
public sealed partial class MeshProcess : IAsyncDisposable
{
    private static readonly TimeSpan GracefulExit = TimeSpan.FromSeconds(15);

    private readonly Process _process;
    private readonly ConcurrentQueue<CapturedLine> _output = new();
    private readonly ConcurrentQueue<ReadyLine> _readyLines = new();
    private readonly TaskCompletionSource<ReadyLine> _firstReady = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A short label for diagnostics, e.g. "hub hub-1" or "node n1".</summary>
    public string Label { get; }
    public int Pid { get; }

    public bool IsHub { get; }

    /// <summary>False for a hub without a local node: it never starts a process.</summary>
    public bool ManagesProcesses { get; }

    private MeshProcess(string label, Process process, bool isHub, bool managesProcesses)
    {
        Label = label;
        IsHub = isHub;
        ManagesProcesses = managesProcesses;
        _process = process;
        Pid = process.Id;
    }

    /// <summary>
    /// Starts a hub. Pass 0 for <paramref name="httpPort"/> and <paramref name="clusterPort"/> to get free ports.
    /// <paramref name="extraArgs"/> come last (so they win over the defaults here); <paramref name="environment"/> is
    /// set after the B0_* variables of the test run are removed.
    /// </summary>
    /// <param name="place">A network namespace to run in (see <see cref="NetworkPlace"/>); null: the test's loopback.</param>
    public static MeshProcess StartHub(string hostId, string workDir, string configDir, int httpPort = 0, int clusterPort = 0, bool localNode = true,
        IReadOnlyList<string>? extraArgs = null, IReadOnlyDictionary<string, string>? environment = null, NetworkPlace? place = null)
    {
        List<string> args = ["--host-id", hostId, "--http", $"{place?.Address ?? "127.0.0.1"}:{httpPort}", "--cluster-port", clusterPort.ToString(),
            "--config-dir", configDir, .. place?.ClusterHostArgs ?? []];
        if (!localNode) args.Add("--no-local-node");
        args.AddRange(extraArgs ?? []);
        return Start($"hub {hostId}", TestPaths.HubDll, args, workDir, isHub: true, environment, place: place, managesProcesses: localNode);
    }

    /// <summary>Starts a process-manager node that joins the cluster through <paramref name="seed"/>; <paramref name="extraArgs"/> come last.</summary>
    /// <param name="sigintIgnored">Start it as a shell without job control starts a background command: with SIGINT ignored.</param>
    /// <param name="environment">Environment variables for the node, as for <see cref="StartHub"/>.</param>
    /// <param name="place">A network namespace to run in, as for <see cref="StartHub"/>.</param>
    public static MeshProcess StartNode(string hostId, string seed, string workDir, string configDir, IReadOnlyList<string>? extraArgs = null,
        bool sigintIgnored = false, IReadOnlyDictionary<string, string>? environment = null, NetworkPlace? place = null) =>
        Start($"node {hostId}", TestPaths.NodeDll,
            ["--host-id", hostId, "--seed", seed, "--config-dir", configDir, .. place?.ClusterHostArgs ?? [], .. extraArgs ?? []], workDir,
            isHub: false, environment, sigintIgnored, place);

    private static MeshProcess Start(string label, string dll, IReadOnlyList<string> args, string workDir, bool isHub,
        IReadOnlyDictionary<string, string>? environment = null, bool sigintIgnored = false, NetworkPlace? place = null, bool managesProcesses = true)
    {
        // An ignored signal stays ignored across exec, so the shell hands the executable SIGINT as SIG_IGN.
        IReadOnlyList<string> program = sigintIgnored ? ["/bin/sh", "-c", "trap '' INT; exec \"$@\"", "sh", TestPaths.DotnetHost] : [TestPaths.DotnetHost];
        // ip netns exec execs the program, so the pid stays the executable's own.
        if (place is not null) program = [.. place.Wrap(program[0]), .. program.Skip(1)];
        var info = new ProcessStartInfo(program[0])
        {
            WorkingDirectory = workDir,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in program.Skip(1)) info.ArgumentList.Add(arg);
        info.ArgumentList.Add(dll);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        // A clean environment: nothing B0_* the test run may carry overrides the flags and HOCON given here.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("B0_", StringComparison.Ordinal)).ToList())
            info.Environment.Remove(key);
        // Durable process tables go under the mesh's own directory (a node restarted under the same host-id finds its
        // table again), never under the user's home; nodes started by nodes inherit this too.
        info.Environment["XDG_STATE_HOME"] = Path.Combine(workDir, "state");
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            info.Environment[key] = value;

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        MeshProcess? mesh = null;
        process.OutputDataReceived += (_, e) => mesh?.OnLine(e.Data, "out");
        process.ErrorDataReceived += (_, e) => mesh?.OnLine(e.Data, "err");
        process.Exited += (_, _) => mesh?._exited.TrySetResult();
        if (!process.Start()) throw new InvalidOperationException($"could not start {label}");
        mesh = new MeshProcess(label, process, isHub, managesProcesses);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (process.HasExited) mesh._exited.TrySetResult();
        return mesh;
    }

    private void OnLine(string? line, string stream)
    {
        if (line is null) return;
        _output.Enqueue(new CapturedLine(DateTime.Now, stream, line));
        while (_output.Count > 2000) _output.TryDequeue(out _);
        if (stream == "out" && ReadyLine.TryParse(line) is { } ready)
        {
            _readyLines.Enqueue(ready);
            _firstReady.TrySetResult(ready);
        }
    }

    /// <summary>Every ready line printed so far, oldest first.</summary>
    public IReadOnlyList<ReadyLine> ReadyLines => _readyLines.ToArray();

    /// <summary>The first ready line; throws before it was printed.</summary>
    public ReadyLine Ready => _firstReady.Task.IsCompletedSuccessfully
        ? _firstReady.Task.Result
        : throw new InvalidOperationException($"{Label} has not printed its ready line yet");

    public bool HasExited => _exited.Task.IsCompleted;

    public int ExitCode => _process.ExitCode;

    /// <summary>Waits for the first ready line; fails with the captured output if it does not come or the process exits.</summary>
    public async Task<ReadyLine> WaitReady(TimeSpan within)
    {
        var winner = await Task.WhenAny(_firstReady.Task, _exited.Task, Task.Delay(within));
        if (winner == _firstReady.Task) return _firstReady.Task.Result;
        var why = winner == _exited.Task ? $"exited with code {_process.ExitCode}" : $"printed no ready line within {within.TotalSeconds} s";
        throw new InvalidOperationException($"{Label} {why}\n{OutputTail()}");
    }

    /// <summary>Waits for the process to exit; false if it still runs after <paramref name="within"/>.</summary>
    public async Task<bool> WaitForExit(TimeSpan within)
    {
        await Task.WhenAny(_exited.Task, Task.Delay(within));
        if (!_exited.Task.IsCompleted) return false;
        await _process.WaitForExitAsync(); // drains the redirected output
        return true;
    }

    public bool Signal(PosixSignal signal) => !HasExited && PosixSignals.Send(Pid, signal);

    /// <summary>Everything captured from stdout and stderr (the newest 2000 lines), one timestamped line each.</summary>
    public IReadOnlyList<string> Output => _output.Select(line => line.ToString()).ToArray();

    /// <summary>When the newest captured line containing <paramref name="fragment"/> arrived; null if none did.</summary>
    public DateTime? LastLineAt(string fragment) =>
        _output.LastOrDefault(line => line.Text.Contains(fragment, StringComparison.Ordinal))?.At;

    /// <summary>The last captured lines of stdout and stderr, for failure messages.</summary>
    public string OutputTail(int lines = 40)
    {
        var all = Output;
        return $"--- {Label} (pid {Pid}{(HasExited ? $", exited {_process.ExitCode}" : "")}), last {Math.Min(lines, all.Count)} of {all.Count} lines:\n" +
               string.Join("\n", all.TakeLast(lines));
    }

    /// <summary>
    /// Stops it as a supervisor would: SIGCONT (in case a test left it stopped), SIGTERM, up to 15 s for a graceful
    /// exit, then SIGKILL to the whole process tree. Returns the processes it had started (its descendants when SIGTERM
    /// was sent) that are still alive after it exited: a graceful stop runs the escalation on every managed process,
    /// so these leaked. They are left running for the caller to report and kill. Empty when it had already exited.
    /// </summary>
    public async Task<IReadOnlyList<Leftover>> StopAndFindLeftovers()
    {
        if (HasExited) return [];
        var started = OsProcesses.Descendants(Pid).Select(stat => new Leftover(stat, DescribeProcess(stat.Pid))).ToList();
        Signal(PosixSignal.SIGCONT);
        Signal(PosixSignal.SIGTERM);
        if (!await WaitForExit(GracefulExit))
        {
            // The escalation had its whole time and more: whatever it started and still runs has leaked, and the tree
            // kill below would hide it.
            var stillAlive = started.Where(leftover => OsProcesses.IsAlive(leftover.Stat)).ToList();
            KillTree();
            return stillAlive;
        }
        // Its exit came after the last SIGKILL of the escalation; a tree still dying gets a moment.
        try
        {
            await Polling.Until(() => !started.Any(leftover => OsProcesses.IsAlive(leftover.Stat)), LeftoverExitTime, "");
        }
        catch (TimeoutException) { }
        return started.Where(leftover => OsProcesses.IsAlive(leftover.Stat)).ToList();
    }

    private static readonly TimeSpan LeftoverExitTime = TimeSpan.FromSeconds(2);

    /// <summary>
    /// For tear-down: as <see cref="StopAndFindLeftovers"/>, except that an executable that never starts a process
    /// (and has none running) is killed outright. Nothing can leak from it, and nothing is asserted about its own stop,
    /// which for a hub costs about a second (its cluster leave waits for Akka's 1 s leader tick).
    /// </summary>
    public async Task<IReadOnlyList<Leftover>> StopForTearDown()
    {
        if (HasExited || ManagesProcesses || OsProcesses.Descendants(Pid).Count > 0) return await StopAndFindLeftovers();
        await Kill();
        return [];
    }

    /// <summary>SIGKILL to its whole tree; returns once it has exited.</summary>
    public async Task Kill()
    {
        KillTree();
        await WaitForExit(GracefulExit);
    }

    private static string DescribeProcess(int pid)
    {
        try
        {
            return string.Join(' ', OsProcesses.CommandLine(pid));
        }
        catch (IOException)
        {
            return "(gone)";
        }
    }

    private void KillTree()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException) { } // already gone
    }

    /// <summary>A process an executable started that outlived the executable's graceful stop.</summary>
    public sealed record Leftover(ProcStat Stat, string CommandLine)
    {
        public override string ToString() => $"pid {Stat.Pid} ({CommandLine})";
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!HasExited)
            {
                foreach (var leftover in await StopAndFindLeftovers()) OsProcesses.KillHard(leftover.Stat.Pid);
                await WaitForExit(TimeSpan.FromSeconds(5));
            }
        }
        catch (InvalidOperationException) { } // already gone
        finally
        {
            _process.Dispose();
        }
    }

    private sealed record CapturedLine(DateTime At, string Stream, string Text)
    {
        public override string ToString() => $"{At:HH:mm:ss.fff} {Stream}: {Text}";
    }

    /// <summary>
    /// The line each executable prints once it serves: "BlueZero hub ready: host_name=H http=URL cluster=ADDR local_node=on"
    /// or "BlueZero process-manager node ready: host_name=H cluster=ADDR".
    /// </summary>
    public sealed partial record ReadyLine(string HostName, string ClusterAddress, string? HttpUrl)
    {
        public static ReadyLine? TryParse(string line)
        {
            var match = Pattern().Match(line);
            if (!match.Success) return null;
            return new ReadyLine(match.Groups["host"].Value, match.Groups["cluster"].Value,
                match.Groups["http"].Success ? match.Groups["http"].Value : null);
        }

        /// <summary>The port of the cluster address, e.g. 4053 of akka.tcp://bluezero@127.0.0.1:4053.</summary>
        public int ClusterPort => new Uri(ClusterAddress).Port;

        public int HttpPort => new Uri(HttpUrl ?? throw new InvalidOperationException("not a hub")).Port;

        [GeneratedRegex(@"^BlueZero (?:hub|process-manager node) ready: host_name=(?<host>\S+)(?: http=(?<http>\S+))? cluster=(?<cluster>\S+)")]
        private static partial Regex Pattern();
    }
}
