using Akka.Actor;
using BlueZero.Mesh.Configuration;
using BlueZero.ProcessManager.Launching;
using BlueZero.ProcessManager.State;
using Microsoft.Extensions.Logging;

namespace BlueZero.ProcessManager.Hosting;

/// <summary>
/// The node's public entry point for a host that runs it inside its own actor system: the hub's local node. It holds
/// the data directory's lock, the launcher and the durable process table for as long as the host runs.
/// </summary>
public sealed class LocalNode : IDisposable
{
    private readonly MeshSetup _setup;
    private readonly DataDirectoryLock _lock;
    private PosixProcessLauncher? _launcher;
    private ProcessTableFile? _tableFile;
    private NodeResources? _resources;

    private LocalNode(MeshSetup setup, DataDirectoryLock dataLock)
    {
        _setup = setup;
        _lock = dataLock;
    }

    /// <summary>Takes the data directory's lock first, so a second node with this host_name is refused before anything starts.</summary>
    /// <returns>The node, or null with <paramref name="refusal"/> and <paramref name="exitCode"/> as from
    /// <see cref="DataDirectoryLock.TryAcquire"/>.</returns>
    public static LocalNode? TryOpen(MeshSetup setup, out string? refusal, out int exitCode)
    {
        var dataLock = DataDirectoryLock.TryAcquire(setup.ProcessManager.DataDirectory, setup.Cluster.HostName, out refusal, out exitCode);
        return dataLock is null ? null : new LocalNode(setup, dataLock);
    }

    /// <summary>Puts the node's actors into <paramref name="system"/>, re-adopting the processes of its table that still run.</summary>
    public void Start(ActorSystem system, ILoggerFactory loggers)
    {
        _launcher = new PosixProcessLauncher();
        _tableFile = new ProcessTableFile(_setup.ProcessManager.DataDirectory, _setup.Cluster.HostName, loggers.CreateLogger<ProcessTableFile>());
        _resources = NodeResources.For(_setup.ProcessManager, logger: loggers.CreateLogger<LocalNode>());
        ProcessManagerModule.Start(system, _setup.Cluster, _setup.ProcessManager, _launcher, _tableFile.Load(), _resources);
    }

    public void Dispose()
    {
        _tableFile?.Dispose();
        _resources?.Dispose();
        _launcher?.Dispose();
        _lock.Dispose();
    }
}
