using Akka.Actor;
using Akka.Cluster;
using BlueZero.Hub.Actors;
using BlueZero.Hub.Plans;

namespace BlueZero.Hub;

/// <summary>Puts the hub's actors into an actor system: the node registry, the request router and the plans.</summary>
public static class HubModule
{
    public sealed record HubActors(IActorRef Registry, IActorRef Router, IActorRef? Plans);

    /// <param name="stopWaitTimeout">How long a node's whole stop escalation may take.</param>
    public static RouteTimeouts Timeouts(HubOptions options, TimeSpan stopWaitTimeout) =>
        new(options.RequestTimeout, options.RequestTimeout + stopWaitTimeout);

    /// <param name="stopWaitTimeout">How long a stop with wait may take before the hub answers "timeout".</param>
    /// <param name="plans">Launch plans' store (hub.db); none: no plans actor (in-process tests). <paramref name="hubHost"/> names the hub in plan events.</param>
    public static HubActors Start(ActorSystem system, HubOptions options, TimeSpan stopWaitTimeout, bool formsClusterItself, PlanStore? plans = null, string hubHost = "")
    {
        var cluster = Cluster.Get(system);
        if (formsClusterItself) cluster.Join(cluster.SelfAddress);
        var registry = system.ActorOf(NodeRegistry.Props(options.ForgetAfter), NodeRegistry.Name);
        NodeRegistry.AddShutdownTask(system, registry);
        var router = system.ActorOf(RequestRouter.Props(registry, Timeouts(options, stopWaitTimeout)), RequestRouter.Name);
        var planActor = plans is null ? null : system.ActorOf(PlansActor.Props(registry, router, plans, Timeouts(options, stopWaitTimeout), hubHost), PlansActor.Name);
        return new HubActors(registry, router, planActor);
    }
}
