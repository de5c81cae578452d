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
    /// <summary>Completed with the next actor system StartSystem creates: what a stop during a rejoin waits for.</summary>
    private TaskCompletionSource<ActorSystem> _replacement = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public NodeRuntime(MeshSetup setup, ILogger<NodeRuntime> logger, ILoggerFactory loggers, IHostApplicationLifetime lifetime)
    {
        _setup = setup;
        _logger = logger;
        _loggers = loggers;
        _lifetime = lifetime;
        _tableFile = new ProcessTableFile(setup.ProcessManager.DataDirectory, setup.Cluster.HostName, logger);
        _table = _tableFile.Load();
        _resources = NodeResources.For(setup.ProcessManager, logger: logger);
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
        TaskCompletionSource<ActorSystem> started;
        lock (_gate)
        {
            _system = system;
            started = _replacement;
            _replacement = new TaskCompletionSource<ActorSystem>(TaskCreationOptions.RunContinuationsAsynchronously);
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
        system.WhenTerminated.ContinueWith(_ => OnSystemTerminated(system), TaskScheduler.Default).Unwrap();
        started.TrySetResult(system);
    }

    /// <summary>A hub found the host_name owned by a live node: waiting would not change that, so the node exits.</summary>
    private void OnHostNameRefused(string reason)
    {
        ExitCode = ExitCodes.HostNameTaken;
        Console.Error.WriteLine($"error: {reason}; this node exits with code {ExitCodes.HostNameTaken} " +
                                "(start it with another --host-id). Its managed processes, if any, are untouched.");
    }

    /// <summary>
    /// Every end of an actor system that the host did not ask for is followed by a fresh one: after being downed, after
    /// the hub left, or after any other termination. That holds also when a stop arrived meanwhile: the old system
    /// kept the processes by design, and the stop runs the escalation in the new one (see <see cref="StopAsync"/>).
    /// </summary>
    private async Task OnSystemTerminated(ActorSystem system)
    {
        lock (_gate)
            if (!ReferenceEquals(system, _system)) return;
        var reason = CoordinatedShutdown.Get(system).ShutdownReason;
        if (reason is CoordinatedShutdown.ClrExitReason) return; // the host's own stop
        if (reason is NodeShutdownReasons.HostNameTaken)
        {
            _lifetime.StopApplication();
            return;
        }
        if (reason is NodeShutdownReasons.HubLost)
            _logger.LogInformation("Node {Host} rejoins through its seeds with a fresh actor system; {Count} managed processes are untouched",
                _setup.Cluster.HostName, _table.RunningPids().Count);
        else
            _logger.LogWarning("Node {Host} left the cluster without being asked to (downed or removed); rejoining with a fresh actor system. " +
                              "{Count} managed processes are untouched.", _setup.Cluster.HostName, _table.RunningPids().Count);
        try
        {
            await Task.Delay(RejoinDelay);
            StartSystem();
        }
        catch (Exception ex)
        {
            // E.g. a pinned --cluster-port still taken: a node without an actor system manages nothing, so say so and exit.
            _logger.LogError("Node {Host} could not start a fresh actor system to rejoin: {Error}; exiting with code {Code}. " +
                             "Its managed processes are untouched; start it again to re-adopt them.",
                _setup.Cluster.HostName, ex.GetBaseException().Message, ExitCodes.CouldNotStart);
            ExitCode = ExitCodes.CouldNotStart;
            lock (_gate) _replacement.TrySetCanceled();
            _lifetime.StopApplication();
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        ActorSystem? system;
        Task<ActorSystem> replacement;
        lock (_gate)
        {
            system = _system;
            replacement = _replacement.Task;
        }
        if (system is null || ExitCode != ExitCodes.Stopped) return; // refused, or no actor system to stop through
        var ending = CoordinatedShutdown.Get(system).ShutdownReason;
        if (ending is not null || system.WhenTerminated.IsCompleted)
        {
            // Caught between two actor systems: the old one ends without stopping the processes (cluster events never
            // do), so wait for its replacement, which re-adopts them, and stop them through it.
            _logger.LogInformation("Node {Host} is rejoining; it stops once its fresh actor system runs", _setup.Cluster.HostName);
            try
            {
                system = await replacement.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
        _logger.LogInformation("Node {Host} shutting down: stopping managed processes, then leaving the cluster", _setup.Cluster.HostName);
        await CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance);
    }

    public void Dispose()
    {
        _tableFile.Dispose();
        _resources.Dispose();
        _launcher.Dispose();
    }
}
