using Akka.Actor;
using Akka.Cluster;
using BlueZero.ProcessManager.Actors;
using BlueZero.Mesh.Configuration;
using BlueZero.ProcessManager.Launching;
using BlueZero.ProcessManager.State;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using BlueZero.Mesh.Hosting;
using BlueZero.Messages.Protocol;

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
    private readonly IHostApplicationLifetime _lifetime;
    private ActorSystem? _system;
    private bool _stopping;

    public NodeRuntime(MeshSetup setup, ILogger<NodeRuntime> logger, ILoggerFactory loggers, IHostApplicationLifetime lifetime)
    {
        _setup = setup;
        _logger = logger;
        _loggers = loggers;
        _lifetime = lifetime;
        _tableFile = new ProcessTableFile(setup.ProcessManager.DataDirectory, setup.Cluster.HostName, logger);
        _table = _tableFile.Load();
        _resources = NodeResources.For(setup.ProcessManager);
    }

    /// <summary>What the executable should exit with once the host has stopped (<see cref="ExitCodes"/>).</summary>
    public int ExitCode { get; private set; } = ExitCodes.Stopped;

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
        var system = ActorSystem.Create(MeshNames.SystemName,
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
        var host = _setup.Cluster.HostName;
        if (_setup.Cluster.FormsClusterItself) cluster.Join(cluster.SelfAddress);
        // "ready" only once a hub has acknowledged the registration: a script that waits for the line can use the node.
        Console.WriteLine($"BlueZero process-manager node joining: host_name={host} cluster={cluster.SelfAddress} seeds={string.Join(",", _setup.Cluster.Seeds)}");
        var registration = new NodeRegistrar.Listeners(
            hub => Console.WriteLine($"BlueZero process-manager node ready: host_name={host} cluster={cluster.SelfAddress} hub={hub}"),
            reason => OnHostNameRefused(reason));
        ProcessManagerModule.Start(system, _setup.Cluster, _setup.ProcessManager, _launcher, _table, _resources, registration);
        cluster.RegisterOnMemberUp(() => _logger.LogInformation(
            "BlueZero node {Host} joined the cluster as {Address}", host, cluster.SelfAddress));
        system.WhenTerminated.ContinueWith(_ => OnSystemTerminated(system), TaskScheduler.Default);
    }

    /// <summary>A hub found the host_name owned by a live node: waiting would not change that, so the node exits.</summary>
    private void OnHostNameRefused(string reason)
    {
        lock (_gate) _stopping = true;
        ExitCode = ExitCodes.HostNameTaken;
        Console.Error.WriteLine($"error: {reason}; this node exits with code {ExitCodes.HostNameTaken} " +
                                "(start it with another --host-id). Its managed processes, if any, are untouched.");
    }

    private async Task OnSystemTerminated(ActorSystem system)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(system, _system)) return;
            if (_stopping)
            {
                if (ExitCode != ExitCodes.Stopped) _lifetime.StopApplication(); // ended by a refusal, not by the host
                return;
            }
        }
        var reason = CoordinatedShutdown.Get(system).ShutdownReason;
        if (reason is NodeShutdownReasons.HubLost)
            _logger.LogInformation("Node {Host} rejoins through its seeds with a fresh actor system; {Count} managed processes are untouched",
                _setup.Cluster.HostName, _table.RunningPids().Count);
        else
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
