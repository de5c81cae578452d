using System.Runtime.InteropServices;

namespace BlueZero.Bench;

/// <summary>
/// Benchmark harness: a bare Process.Start floor, then real hubs and nodes driven through the hub's HTTP front door,
/// and supervisord and PM2 beside them when installed. Prints a Markdown summary and writes it to bench/RESULTS.md (or --out).
/// Exit code: 0 when every chosen section ran, 1 when one failed (the results still say which and why), 2 for a
/// usage error, 130 when interrupted.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var options = BenchOptions.Parse(args, out var error);
        if (options is null)
        {
            Console.Error.WriteLine($"error: {error}");
            Console.Error.WriteLine(BenchOptions.Usage);
            return 2;
        }
        if (options.ShowHelp)
        {
            Console.WriteLine(BenchOptions.Usage);
            return 0;
        }

        // Ctrl-C and SIGTERM end the run the same way: every section cleans up on its way out.
        using var interrupted = new CancellationTokenSource();
        void Interrupt(PosixSignalContext context)
        {
            context.Cancel = true;
            Log.Info($"{context.Signal}: stopping and cleaning up");
            interrupted.Cancel();
        }
        using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);

        try
        {
            var report = await BenchRun.RunAsync(options, interrupted.Token);
            var markdown = ResultsWriter.Render(report);
            Console.WriteLine(markdown);
            Directory.CreateDirectory(Path.GetDirectoryName(options.OutputPath)!);
            await File.WriteAllTextAsync(options.OutputPath, markdown);
            Log.Info($"wrote {options.OutputPath} after {report.Duration.TotalMinutes:F1} min");
            return report.AnyFailed ? 1 : 0;
        }
        catch (OperationCanceledException) when (interrupted.IsCancellationRequested)
        {
            Console.Error.WriteLine("benchmark interrupted; everything it started has been stopped");
            return 130;
        }
    }
}
