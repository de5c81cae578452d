using System.Collections.Concurrent;
using Akka.Actor.Dsl;
using Akka.Event;
using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using BlueZero.Hub;
using BlueZero.Hub.Actors;
using BlueZero.Messages.Wire;
using BlueZero.ProcessManager.State;
using BlueZero.Mesh.Configuration;
using BlueZero.ProcessManager.Hosting;
using BlueZero.ProcessManager.Launching;
using BlueZero.Messages.Protocol;

namespace BlueZero.Tests.Support;

/// <summary>
/// A hub and process-manager nodes as separate actor systems in this test process, on 127.0.0.1 with port 0,
/// built from the same hocon files and setup code as the executables. Nodes can leave gracefully (coordinated
/// shutdown) or crash (the actor system stops without leaving, as after a SIGKILL). Disposing kills every OS
/// process any node started and terminates every system.
/// </summary>
public sealed class InProcessMesh : IDisposable
{
    /// <summary>
    /// Terminating a system does not leave the cluster. serialize-messages stays off here because Akka.Cluster's own
    /// events (ReachabilityChanged) are not serializable; every hub-node message crosses real remoting anyway.
    /// </summary>
    private static readonly Config TestOverrides = ConfigurationFactory.ParseString("""
        akka.actor.serialize-messages = off
        akka.loglevel = WARNING
        akka.stdout-loglevel = WARNING
        akka.coordinated-shutdown.run-by-actor-system-terminate = off
        """);

    public sealed record Node(string HostName, ActorSystem System, IActorRef ProcessManager, ProcessTable Table, PosixProcessLauncher Launcher);

    private readonly List<Node> _nodes = new();
    private readonly List<ActorSystem> _systems = new();

    public ActorSystem HubSystem { get; }
    public IActorRef Router { get; }
    public Address HubAddress { get; }
    public TimeSpan RequestTimeout { get; }
    public RouteTimeouts Timeouts { get; }

    /// <param name="hubArgs">Extra flags for the hub, e.g. --tls-cert/--tls-ca.</param>
    public InProcessMesh(TimeSpan? requestTimeout = null, IReadOnlyList<string>? hubArgs = null)
    {
        var setup = Setup(["--host-id", "hub", "--cluster-port", "0", .. hubArgs ?? []], MeshMember.Hub);
        RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(10);
        var options = HubOptions.From(setup.Settings) with { RequestTimeout = RequestTimeout };
        HubSystem = Track(ActorSystem.Create(MeshNames.SystemName, setup.ActorSystemSetup(TestOverrides)));
        Router = HubModule.Start(HubSystem, options, setup.ProcessManager.FullStopTime, formsClusterItself: true).Router;
        Timeouts = HubModule.Timeouts(options, setup.ProcessManager.FullStopTime);
        HubAddress = Cluster.Get(HubSystem).SelfAddress;
    }

    /// <param name="extraArgs">Extra flags for the node, e.g. --tls-cert/--tls-ca.</param>
    public Node StartNode(string hostName, Func<ProcessManagerOptions, ProcessManagerOptions>? adjust = null, IReadOnlyList<string>? extraArgs = null)
    {
        var setup = Setup(["--host-id", hostName, "--cluster-port", "0", "--seed", HubAddress.ToString(), .. extraArgs ?? []], MeshMember.Node);
        var system = Track(ActorSystem.Create(MeshNames.SystemName, setup.ActorSystemSetup(TestOverrides)));
        var launcher = new PosixProcessLauncher();
        var table = new ProcessTable();
        var options = adjust is null ? setup.ProcessManager : adjust(setup.ProcessManager);
        var manager = ProcessManagerModule.Start(system, setup.Cluster, options, launcher, table);
        var node = new Node(hostName, system, manager, table, launcher);
        lock (_nodes) _nodes.Add(node);
        return node;
    }

    /// <summary>Sends one wire request through the hub's router, exactly as the HTTP front door does.</summary>
    public Task<RouteOutcome> Send(string json, TimeSpan? timeout = null)
    {
        var parsed = WireParser.Parse(json);
        if (!parsed.IsOk) throw new ArgumentException($"test request does not parse: {parsed.Error}", nameof(json));
        return RequestRouter.Ask(Router, parsed.Request!, timeout ?? Timeouts.For(parsed.Request!));
    }

    public async Task<RegistrySnapshot> Snapshot() => await Router.Ask<RegistrySnapshot>(new GetRegistrySnapshot(), TimeSpan.FromSeconds(5));

    /// <summary>
    /// A bare cluster member in this test process (no BlueZero actors) that joins the cluster of a real hub executable
    /// through <paramref name="seed"/>, so that a test can act as one more member would, e.g. down the hub.
    /// </summary>
    public static ActorSystem JoinAsBystander(string seed)
    {
        var setup = Setup(["--host-id", "bystander", "--cluster-port", "0", "--seed", seed], MeshMember.Node);
        return ActorSystem.Create(MeshNames.SystemName, setup.ActorSystemSetup(TestOverrides));
    }

    /// <summary>The hub's log warnings from now on, rendered.</summary>
    public IReadOnlyCollection<string> CollectWarnings()
    {
        var warnings = new ConcurrentQueue<string>();
        var collector = HubSystem.ActorOf(act => act.Receive<Warning>((warning, _) => warnings.Enqueue(warning.Message.ToString() ?? "")));
        HubSystem.EventStream.Subscribe(collector, typeof(Warning));
        return warnings;
    }

    /// <summary>The actor system stops without leaving the cluster, as when its process is killed.</summary>
    public static Task Crash(Node node) => node.System.Terminate();

    /// <summary>Graceful node shutdown: stops managed processes, then leaves the cluster.</summary>
    public static Task Leave(Node node) => CoordinatedShutdown.Get(node.System).Run(CoordinatedShutdown.ClrExitReason.Instance);

    private static MeshSetup Setup(string[] args, MeshMember member) =>
        MeshSetup.Build(member, GivenFlags.Parse(args, HubOptions.Flags), new Dictionary<string, string>(), HubOptions.Flags);

    private ActorSystem Track(ActorSystem system)
    {
        lock (_systems) _systems.Add(system);
        return system;
    }

    public void Dispose()
    {
        foreach (var node in _nodes)
            foreach (var pid in node.Table.RunningPids())
                OsProcesses.KillHard(pid);
        Task.WaitAll(_systems.Select(s => s.Terminate()).ToArray(), TimeSpan.FromSeconds(20));
        foreach (var node in _nodes) node.Launcher.Dispose();
    }
}
