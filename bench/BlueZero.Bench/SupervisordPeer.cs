using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace BlueZero.Bench;

/// <summary>
/// A supervisord of our own: its own temporary configuration directory, XML-RPC on 127.0.0.1 at a free port,
/// in the foreground (nodaemon), managing one program, <see cref="ProgramName"/> = /bin/sleep 30, started only on request
/// and stopped with supervisord's default SIGTERM.
/// Disposing it stops supervisord (which stops its program) and deletes the directory.
/// </summary>
internal sealed class SupervisordPeer : IAsyncDisposable
{
    public const string ProgramName = "sleep30";

    /// <summary>
    /// supervisord's stopwaitsecs, lowered from its default of 10 s to keep the section short: a stop that comes
    /// before the child has executed sleep is not seen by it (see the results), and ends with SIGKILL after this.
    /// </summary>
    public const int StopWaitSecs = 1;

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(15);

    private readonly ChildProcess _process;
    private readonly DirectoryInfo _directory;

    private SupervisordPeer(ChildProcess process, DirectoryInfo directory, XmlRpcClient rpc)
    {
        _process = process;
        _directory = directory;
        Rpc = rpc;
    }

    public XmlRpcClient Rpc { get; }

    /// <summary>supervisord on PATH, or null when it is not installed.</summary>
    public static string? FindExecutable() => RepoPaths.OnPath("supervisord");

    public static async Task<SupervisordPeer> StartAsync(string executable, CancellationToken ct)
    {
        var directory = Directory.CreateTempSubdirectory("bluezero-bench-supervisord-");
        var port = FreeLoopbackPort();
        var config = Path.Combine(directory.FullName, "supervisord.conf");
        await File.WriteAllTextAsync(config, Configuration(directory.FullName, port), ct);
        var process = ChildProcess.Start("supervisord", executable, ["--nodaemon", "--configuration", config], directory.FullName);
        var peer = new SupervisordPeer(process, directory, new XmlRpcClient(new Uri($"http://127.0.0.1:{port}/RPC2")));
        try
        {
            await peer.WaitUntilRunningAsync(ct);
            return peer;
        }
        catch
        {
            await peer.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops supervisord; returns what happened. Never throws.</summary>
    public async ValueTask DisposeAsync()
    {
        Rpc.Dispose();
        var outcome = await _process.StopAsync(StopGrace);
        _process.Dispose();
        Log.Info($"peer: {outcome}");
        try
        {
            _directory.Delete(recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.Info($"peer: could not delete {_directory.FullName}: {ex.Message}");
        }
    }

    /// <summary>Polls supervisor.getState until it answers RUNNING.</summary>
    private async Task WaitUntilRunningAsync(CancellationToken ct)
    {
        var t0 = Stopwatch.GetTimestamp();
        var last = "(no answer yet)";
        while (Stopwatch.GetElapsedTime(t0) < ReadyTimeout)
        {
            _process.ThrowIfExited();
            try
            {
                var (state, _) = await Rpc.CallAsync("supervisor.getState", [], ct);
                last = state.Value;
                if (last.Contains("RUNNING", StringComparison.Ordinal)) return;
            }
            catch (BenchmarkException ex)
            {
                last = ex.Message;
            }
            await Task.Delay(100, ct);
        }
        throw new BenchmarkException($"supervisord did not answer RUNNING within {ReadyTimeout.TotalSeconds} s: {last}");
    }

    private static string Configuration(string directory, int port) => $"""
        [supervisord]
        nodaemon=true
        logfile={directory}/supervisord.log
        pidfile={directory}/supervisord.pid
        childlogdir={directory}

        [inet_http_server]
        port=127.0.0.1:{port}

        [rpcinterface:supervisor]
        supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

        [program:{ProgramName}]
        command=/bin/sleep 30
        startsecs=0
        autostart=false
        autorestart=false
        stopwaitsecs={StopWaitSecs}
        stdout_logfile=NONE
        stderr_logfile=NONE
        """;

    /// <summary>A port that was free a moment ago: bound to 127.0.0.1:0 and released.</summary>
    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
