using Akka;
using Akka.Actor;
using Akka.Cluster;
using BlueZero.ProcessManager.Actors;
using BlueZero.ProcessManager.Events;
using BlueZero.Mesh.Configuration;
using BlueZero.Mesh.Hosting;
using BlueZero.ProcessManager.Launching;
using BlueZero.ProcessManager.State;

namespace BlueZero.ProcessManager.Hosting;

/// <summary>
/// Puts a process-manager node into an actor system: /user/process-manager, its registrar, and the shutdown tasks:
/// stop managed processes gracefully (phase service-stop), then ship the journal, those exits included, to the hub
/// before the node leaves the cluster (before-cluster-shutdown). Used by the node executable and by the hub for its
/// local node.
/// </summary>
public static class ProcessManagerModule
{
    /// <param name="resources">Output logs and resource figures, kept by the host across actor systems; null: fresh ones, output in memory only.</param>
    /// <param name="registration">The standalone node's runtime hears of its registration here; null for the hub's local node.</param>
    public static IActorRef Start(ActorSystem system, MeshClusterSettings cluster, ProcessManagerOptions options,
        IProcessLauncher launcher, ProcessTable table, NodeResources? resources = null, NodeRegistrar.Listeners? registration = null)
    {
        var withChildEnvironment = options with { ChildEnvironment = ChildEnvironment(system, cluster, options) };
        resources ??= NodeResources.For(options, persist: false);
        var manager = system.ActorOf(ProcessManagerActor.Props(withChildEnvironment, launcher, table, resources), ProcessManagerActor.Name);
        var shipper = system.ActorOf(EventShipper.Props(resources.Events.Journal, options.HostName), EventShipper.Name);
        system.ActorOf(NodeRegistrar.Props(options.HostName, manager, registration, shipper), NodeRegistrar.Name);

        var shutdown = CoordinatedShutdown.Get(system);
        shutdown.AddTask(CoordinatedShutdown.PhaseServiceStop, "stop-managed-processes", async () =>
        {
            // Cluster events never kill managed processes: a downed or removed node keeps them and rejoins.
            if (NodeShutdownReasons.KeepsProcesses(shutdown.ShutdownReason))
                return Done.Instance;
            await manager.Ask<AllProcessesStopped>(new StopAllProcesses(), options.FullStopTime);
            return Done.Instance;
        });
        // A node that rejoins (the reasons that keep processes) ships from the same journal in its fresh actor system.
        ShutdownSteps.AddAsk<JournalShipped>(system, CoordinatedShutdown.PhaseBeforeClusterShutdown, "ship-event-journal", shipper, new ShipJournal(),
            () => $"{resources.Events.Journal.Count} events of {options.HostName} stay in the journal and are shipped at next start",
            skip: NodeShutdownReasons.KeepsProcesses);
        return manager;
    }

    /// <summary>A child that is itself a node joins the same cluster with no flags but --host-id.</summary>
    private static IReadOnlyDictionary<string, string> ChildEnvironment(ActorSystem system, MeshClusterSettings cluster, ProcessManagerOptions options)
    {
        var seeds = cluster.FormsClusterItself ? Cluster.Get(system).SelfAddress.ToString() : string.Join(",", cluster.Seeds);
        return new Dictionary<string, string>(options.ChildEnvironment, StringComparer.Ordinal)
        {
            [MeshSettings.Seed.EnvVar!] = seeds,
            [MeshSettings.ClusterHost.EnvVar!] = cluster.ClusterHost,
            [MeshSettings.ParentHostVariable] = options.HostName,
        };
    }
}
