using Akka.Actor;
using Akka.Cluster;
using BlueZero.Hub.Actors;

namespace BlueZero.Hub;

/// <summary>Puts the hub's actors into an actor system: the node registry and the request router.</summary>
public static class HubModule
{
    public sealed record HubActors(IActorRef Registry, IActorRef Router);

    /// <param name="stopWaitTimeout">How long a node's whole stop escalation may take.</param>
    public static RouteTimeouts Timeouts(HubOptions options, TimeSpan stopWaitTimeout) =>
        new(options.RequestTimeout, options.RequestTimeout + stopWaitTimeout);

    /// <param name="stopWaitTimeout">How long a stop with wait may take before the hub answers "timeout".</param>
    public static HubActors Start(ActorSystem system, HubOptions options, TimeSpan stopWaitTimeout, bool formsClusterItself)
    {
        var cluster = Cluster.Get(system);
        if (formsClusterItself) cluster.Join(cluster.SelfAddress);
        var registry = system.ActorOf(NodeRegistry.Props(options.ForgetAfter), NodeRegistry.Name);
        var router = system.ActorOf(RequestRouter.Props(registry, Timeouts(options, stopWaitTimeout)), RequestRouter.Name);
        return new HubActors(registry, router);
    }
}
