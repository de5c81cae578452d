using System.Collections.Immutable;
using System.Text;
using Akka.Actor;
using BlueZero.Hub.Actors;
using BlueZero.Messages.Protocol;
using BlueZero.Messages.Serialization;
using BlueZero.Messages.Wire;

namespace BlueZero.Bench;

/// <summary>
/// Section "hub-path": the pieces of a routed request at the hub and on the remote hop, called in this process with the
/// hub's and the protocol's own classes: parsing the body, the BlueZero serializer both ways for the command and the
/// reply, the reply's shaping, and the routing ask through a real <see cref="RequestRouter"/> to an in-process node
/// that answers at once (no remoting). Per operation of the latency goals: query, list, start.
/// </summary>
internal static class HubPathBenchmark
{
    private const string Section = "hub-path";
    private const string HostName = "bench-node"; // as in the bodies below
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    public sealed record Result(IReadOnlyList<PieceMeasure.Step> Steps);

    /// <summary>One operation as the latency section sends it, with the reply a node with 10 processes gives.</summary>
    private sealed record Operation(string Name, string Body, INodeReply Reply);

    private static readonly Operation[] Operations =
    [
        new("query_process_status", """{"host_name":"bench-node","query_process_status":{"pid":4242}}""",
            new ProcessStatus(new ProcessInfo(4242, null, "/bin/sleep", ["30"], ProcessState.Running, 0, null,
                DateTimeOffset.UtcNow, null, new ResourceUsage(0.0, 1_048_576, 1, 1, 12.3)))),
        new("list_active_processes", """{"host_name":"bench-node","list_active_processes":{}}""",
            new ActiveProcesses(Enumerable.Range(4242, 10).ToList())),
        new("start_process", """{"host_name":"bench-node","start_process":{"path":"/bin/sleep","args":["30"]}}""",
            new ProcessStarted(4242)),
    ];

    public static Result Run(int count, CancellationToken ct)
    {
        using var system = ActorSystem.Create("bench-hub-path", "akka.loglevel = WARNING");
        var serializer = new BlueZeroSerializer((ExtendedActorSystem)system);
        var timeouts = new RouteTimeouts(AskTimeout, AskTimeout);
        var steps = new List<PieceMeasure.Step>();
        foreach (var op in Operations)
        {
            var body = Encoding.UTF8.GetBytes(op.Body);
            var request = WireParser.Parse(body).Request ?? throw new BenchmarkException($"the parser refused {op.Body}");
            var command = (INodeCommand)request.Command;
            var manifest = serializer.Manifest(command);
            var replyManifest = serializer.Manifest(op.Reply);
            var commandBytes = serializer.ToBinary(command);
            var replyBytes = serializer.ToBinary(op.Reply);
            var node = system.ActorOf(Akka.Actor.Props.Create(() => new AnsweringNode(op.Reply)));
            var registry = system.ActorOf(Akka.Actor.Props.Create(() => new OneNodeRegistry(node)));
            var router = system.ActorOf(RequestRouter.Props(registry, timeouts));
            RequestRouter.Ask(router, request, AskTimeout).GetAwaiter().GetResult(); // the snapshot is in

            steps.Add(Measure(op, "front door: `WireParser.Parse` of the body", count, ct, () => body, b => WireParser.Parse(b)));
            steps.Add(Measure(op, "hub → node: serialize the command", count, ct, () => command, serializer.ToBinary));
            steps.Add(Measure(op, "node: deserialize the command", count, ct, () => commandBytes, b => serializer.FromBinary(b, manifest)));
            steps.Add(Measure(op, "node → hub: serialize the reply", count, ct, () => op.Reply, serializer.ToBinary));
            steps.Add(Measure(op, "hub: deserialize the reply", count, ct, () => replyBytes, b => serializer.FromBinary(b, replyManifest)));
            steps.Add(Measure(op, "reply shaping: hub form as the body's UTF-8 bytes", count, ct, () => op.Reply, ShapeReply(op.Name)));
            steps.Add(PieceMeasure.Measure(Section, $"`{op.Name}`: routing ask through the router to an in-process node (all threads' bytes)", count, ct,
                () => request, r => RequestRouter.Ask(router, r, AskTimeout).GetAwaiter().GetResult(), _ => { }, PieceMeasure.ProcessBytes));
            foreach (var actor in new[] { router, registry, node }) system.Stop(actor);
        }
        system.Terminate().Wait(TimeSpan.FromSeconds(10));
        return new Result(steps);
    }

    /// <summary>What the front door does with a node's reply: the hub form, then the bytes the response body gets.</summary>
    private static Func<INodeReply, byte[]> ShapeReply(string operation) =>
        reply => Encoding.UTF8.GetBytes(WireResponseWriter.HubForm(operation, reply));

    private static PieceMeasure.Step Measure<TIn, TOut>(Operation op, string piece, int count, CancellationToken ct, Func<TIn> prepare, Func<TIn, TOut> call) =>
        PieceMeasure.Measure(Section, $"`{op.Name}`: {piece}", count, ct, prepare, call, _ => { });

    /// <summary>A node that answers every command at once with the same reply.</summary>
    private sealed class AnsweringNode : ReceiveActor
    {
        public AnsweringNode(INodeReply reply) => ReceiveAny(_ => Sender.Tell(reply));
    }

    /// <summary>A registry that knows one up node under <see cref="HostName"/> and pushes it to whoever subscribes.</summary>
    private sealed class OneNodeRegistry : ReceiveActor
    {
        public OneNodeRegistry(IActorRef node)
        {
            var entry = new NodeEntry(HostName, node, new Address("akka.tcp", "bench", "127.0.0.1", 4053), NodeStatus.Up, DateTimeOffset.UtcNow);
            var snapshot = new RegistrySnapshot(ImmutableSortedDictionary<string, NodeEntry>.Empty.WithComparers(StringComparer.Ordinal).Add(HostName, entry));
            Receive<SubscribeToRegistry>(subscribe => subscribe.Subscriber.Tell(snapshot));
        }
    }
}
