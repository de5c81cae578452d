using Akka.Actor;
using Akka.Cluster;
using BlueZero.ProcessManager.Configuration;
using BlueZero.ProcessManager.Launching;
using BlueZero.ProcessManager.State;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BlueZero.ProcessManager.Hosting;

/// <summary>
/// Runs the standalone node's actor system under the Generic Host. A cluster member that has been downed
/// (a partition longer than the downing window, or a hub that went away) cannot rejoin with the same actor
/// system, so this runtime starts a fresh one that joins again. The <see cref="ProcessTable"/> and the launcher
/// live here, outside the actor system, so managed processes are untouched by all of this; the table is also on disk,
/// so a node restarted after a crash re-adopts the processes that are still alive.
/// Host shutdown (SIGINT, SIGTERM) stops the processes gracefully, then leaves the cluster.
/// </summary>
public sealed class NodeRuntime : IHostedService, IDisposable
{
    private static readonly TimeSpan RejoinDelay = TimeSpan.FromMilliseconds(200);

    private readonly MeshSetup _setup;
    private readonly ILogger<NodeRuntime> _logger;
    private readonly ILoggerFactory _loggers;
    private readonly PosixProcessLauncher _launcher = new();
    private readonly ProcessTableFile _tableFile;
    private readonly ProcessTable _table;
    private readonly NodeResources _resources;
    private readonly object _gate = new();
    private ActorSystem? _system;
    private bool _stopping;

    public NodeRuntime(MeshSetup setup, ILogger<NodeRuntime> logger, ILoggerFactory loggers)
    {
        _setup = setup;
        _logger = logger;
        _loggers = loggers;
        _tableFile = new ProcessTableFile(setup.ProcessManager.DataDirectory, setup.Cluster.HostName, logger);
        _table = _tableFile.Load();
        _resources = NodeResources.For(setup.ProcessManager);
    }

    public ActorSystem? CurrentSystem
    {
        get { lock (_gate) return _system; }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var (before, after) = _launcher.OpenFileLimit;
        if (after != before)
            _logger.LogInformation("Open-file limit {Before} raised to {After}: each managed process holds one descriptor", before, after);
        StartSystem();
        return Task.CompletedTask;
    }

    private void StartSystem()
    {
        var system = ActorSystem.Create(MeshClusterSettings.SystemName,
            _setup.ActorSystemSetup(ConsoleLogging.AkkaLoggers).And(ConsoleLogging.AkkaSetup(_loggers)));
        lock (_gate)
        {
            if (_stopping)
            {
                _ = system.Terminate();
                return;
            }
            _system = system;
        }
        var cluster = Cluster.Get(system);
        if (_setup.Cluster.FormsClusterItself) cluster.Join(cluster.SelfAddress);
        ProcessManagerModule.Start(system, _setup.Cluster, _setup.ProcessManager, _launcher, _table, _resources);
        cluster.RegisterOnMemberUp(() => _logger.LogInformation(
            "BlueZero node {Host} joined the cluster as {Address}", _setup.Cluster.HostName, cluster.SelfAddress));
        Console.WriteLine($"BlueZero process-manager node ready: host_name={_setup.Cluster.HostName} cluster={cluster.SelfAddress}");
        system.WhenTerminated.ContinueWith(_ => OnSystemTerminated(system), TaskScheduler.Default);
    }

    private async Task OnSystemTerminated(ActorSystem system)
    {
        lock (_gate)
        {
            if (_stopping || !ReferenceEquals(system, _system)) return;
        }
        _logger.LogWarning("Node {Host} left the cluster without being asked to (downed or removed); rejoining with a fresh actor system. " +
                          "{Count} managed processes are untouched.", _setup.Cluster.HostName, _table.RunningPids().Count);
        await Task.Delay(RejoinDelay);
        StartSystem();
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        ActorSystem? system;
        lock (_gate)
        {
            _stopping = true;
            system = _system;
        }
        if (system is null) return;
        _logger.LogInformation("Node {Host} shutting down: stopping managed processes, then leaving the cluster", _setup.Cluster.HostName);
        await CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance);
    }

    public void Dispose()
    {
        _tableFile.Dispose();
        _launcher.Dispose();
    }
}
