namespace BlueZero.Bench;

/// <summary>The command line: <c>[--requests N] [--readopt-entries N] [--out PATH] [--help]</c>.</summary>
internal sealed record BenchOptions(int Requests, int ReadoptEntries, string OutputPath, bool ShowHelp)
{
    public const int DefaultRequests = 100;
    public const int MaxRequests = 1_000;
    public const int DefaultReadoptEntries = 200;
    public const int MaxReadoptEntries = 1_000;

    public const string Usage = """
        usage: dotnet run -c Release --project bench/BlueZero.Bench -- [--requests N] [--readopt-entries N] [--out PATH]

        Measures a bare Process.Start floor, then starts a BlueZero hub and one process-manager node as separate
        processes on 127.0.0.1 and times N start_process, query_process_status, list_active_processes and
        stop_process (wait) requests through the hub's HTTP front door. Then re-adoption after a node crash: a second
        node with its own data directory gets N named processes, is killed with SIGKILL and started again, 3 times;
        each restart is timed until the hub lists the original pids again.

          --requests N          requests per operation (1 to 1000, default 100)
          --readopt-entries N   processes kept running across the node crashes (0 to 1000, default 200; 0 skips it)
          --out PATH            where to write the Markdown results (default: bench/RESULTS.md in the repository)
          --help                print this text
        """;

    /// <summary>Parses the arguments; returns null with an error text when they are not usable.</summary>
    public static BenchOptions? Parse(IReadOnlyList<string> args, out string? error)
    {
        var requests = DefaultRequests;
        var readoptEntries = DefaultReadoptEntries;
        string? output = null;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--help" or "-h":
                    error = null;
                    return new BenchOptions(requests, readoptEntries, "", ShowHelp: true);
                case "--requests" when i + 1 < args.Count:
                    if (!int.TryParse(args[++i], out requests) || requests < 1 || requests > MaxRequests)
                    {
                        error = $"--requests must be an integer from 1 to {MaxRequests}, not '{args[i]}'";
                        return null;
                    }
                    break;
                case "--readopt-entries" when i + 1 < args.Count:
                    if (!int.TryParse(args[++i], out readoptEntries) || readoptEntries < 0 || readoptEntries > MaxReadoptEntries)
                    {
                        error = $"--readopt-entries must be an integer from 0 to {MaxReadoptEntries}, not '{args[i]}'";
                        return null;
                    }
                    break;
                case "--out" when i + 1 < args.Count && args[i + 1].Length > 0:
                    output = Path.GetFullPath(args[++i]);
                    break;
                case "--requests" or "--readopt-entries" or "--out":
                    error = $"{args[i]} needs a value";
                    return null;
                default:
                    error = $"unknown argument: {args[i]}";
                    return null;
            }
        }
        error = null;
        return new BenchOptions(requests, readoptEntries, output ?? DefaultOutputPath(), ShowHelp: false);
    }

    /// <summary>bench/RESULTS.md of the repository that holds this build, else under the current directory.</summary>
    private static string DefaultOutputPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "BlueZero.sln")))
                return Path.Combine(dir.FullName, "bench", "RESULTS.md");
        return Path.GetFullPath(Path.Combine("bench", "RESULTS.md"));
    }
}
