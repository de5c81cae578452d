using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.Remote.Transport.DotNetty;
using Xunit;
using BlueZero.Hub;
using BlueZero.Hub.Actors;
using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;
using BlueZero.Mesh.Configuration;
using BlueZero.ProcessManager.Hosting;
using BlueZero.ProcessManager.Launching;
using BlueZero.ProcessManager.State;
using BlueZero.Tests.Support;

namespace BlueZero.Tests.Integration;

/// <summary>
/// A hub with --tls-cert/--tls-ca and nodes as in-process actor systems: a node certified by the cluster CA joins and
/// is routable; a self-signed node, a node certified by another CA, and a node without TLS never become members.
/// The certificates are made here, at test time.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class MutualTlsSpec : IDisposable
{
    private static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan RefusalWindow = TimeSpan.FromSeconds(8);
    private static readonly Config RogueOverrides = ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.stdout-loglevel = WARNING
        akka.coordinated-shutdown.run-by-actor-system-terminate = off
        """);

    private readonly TestCertificates _pki = new();
    private readonly TestCertificates.Authority _ca;
    private readonly InProcessMesh _mesh;
    private readonly List<(ActorSystem System, PosixProcessLauncher Launcher)> _rogues = new();

    public MutualTlsSpec()
    {
        _ca = _pki.CreateAuthority("bluezero-test-ca");
        _mesh = new InProcessMesh(hubArgs: Tls(_pki.CreateNode("hub", _ca)));
    }

    public void Dispose()
    {
        Task.WaitAll(_rogues.Select(r => r.System.Terminate()).ToArray(), TimeSpan.FromSeconds(20));
        foreach (var rogue in _rogues) rogue.Launcher.Dispose();
        _mesh.Dispose();
        _pki.Dispose();
    }

    private string[] Tls(string pfx) => ["--tls-cert", pfx, "--tls-ca", _ca.PemPath];

    [Fact]
    public async Task Hub_address_uses_the_tls_scheme()
    {
        Assert.Equal("akka.ssl.tcp", _mesh.HubAddress.Protocol);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Node_certified_by_the_cluster_ca_joins_and_is_routable()
    {
        _mesh.StartNode("node-tls", extraArgs: Tls(_pki.CreateNode("node-tls", _ca)));
        await Polling.Until(async () => (await _mesh.Snapshot()).Nodes.TryGetValue("node-tls", out var e) && e.Status == NodeStatus.Up,
            JoinTimeout, "node-tls to be Up");

        var outcome = await _mesh.Send("""{"host_name":"node-tls","start_process":{"path":"/bin/sleep","args":["60"]}}""");
        var started = Assert.IsType<ProcessStarted>(Assert.IsType<NodeAnswered>(outcome).Reply);
        Assert.True(OsProcesses.IsAlive(started.Pid));
        var listed = Assert.IsType<ActiveProcesses>(Assert.IsType<NodeAnswered>(
            await _mesh.Send("""{"host_name":"node-tls","list_active_processes":{}}""")).Reply);
        Assert.Equal([started.Pid], listed.Pids);
    }

    [Fact]
    public async Task Self_signed_other_ca_and_plain_nodes_never_become_members()
    {
        var hubSeed = _mesh.HubAddress.ToString();
        var plainSeed = $"akka.tcp://{MeshNames.SystemName}@{_mesh.HubAddress.Host}:{_mesh.HubAddress.Port}";
        var otherCa = _pki.CreateAuthority("other-ca");

        // The rogues accept any server certificate (suppressValidation), so only the hub's own check can keep them out.
        var selfSigned = StartRogue("rogue-self", hubSeed, _pki.CreateSelfSigned("rogue-self"));
        var foreign = StartRogue("rogue-foreign", hubSeed, _pki.CreateNode("rogue-foreign", otherCa));
        var plain = StartRogue("rogue-plain", plainSeed, pfx: null);
        var rogues = new[] { ("rogue-self", selfSigned), ("rogue-foreign", foreign), ("rogue-plain", plain) };

        var hubCluster = Cluster.Get(_mesh.HubSystem);
        var until = DateTime.UtcNow + RefusalWindow;
        while (DateTime.UtcNow < until)
        {
            var snapshot = await _mesh.Snapshot();
            var state = hubCluster.State;
            foreach (var (name, system) in rogues)
            {
                var address = Cluster.Get(system).SelfAddress;
                Assert.False(snapshot.Nodes.ContainsKey(name), $"the hub lists {name}");
                Assert.DoesNotContain(state.Members, m => m.Address == address);
                Assert.DoesNotContain(state.Unreachable, m => m.Address == address);
                Assert.NotEqual(MemberStatus.Up, Cluster.Get(system).SelfMember.Status);
            }
            await Task.Delay(250);
        }

        // The refusals are not a broken hub: a certified node still joins.
        _mesh.StartNode("node-ok", extraArgs: Tls(_pki.CreateNode("node-ok", _ca)));
        await Polling.Until(async () => (await _mesh.Snapshot()).Nodes.TryGetValue("node-ok", out var e) && e.Status == NodeStatus.Up,
            JoinTimeout, "node-ok to be Up");
    }

    /// <summary>A process-manager node that bypasses BlueZero's own TLS checks: it presents <paramref name="pfx"/> (or no TLS at all) and trusts anything.</summary>
    private ActorSystem StartRogue(string hostName, string seed, string? pfx)
    {
        var flags = GivenFlags.Parse(["--host-id", hostName, "--cluster-port", "0", "--seed", "akka.tcp://bluezero@127.0.0.1:1"], HubOptions.Flags);
        var setup = MeshSetup.Build(MeshMember.Node, flags, new Dictionary<string, string>(), HubOptions.Flags);
        var config = ConfigurationFactory.ParseString($"""
            akka.remote.dot-netty.tcp.enable-ssl = {(pfx is null ? "off" : "on")}
            akka.cluster.seed-nodes = ["{seed}"]
            """).WithFallback(RogueOverrides).WithFallback(setup.AkkaConfig);
        var bootstrap = BootstrapSetup.Create().WithConfig(config);
        var actorSetup = pfx is null
            ? Akka.Actor.Setup.ActorSystemSetup.Create(bootstrap)
            : bootstrap.And(new DotNettySslSetup(System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(pfx, ""),
                suppressValidation: true, requireMutualAuthentication: true));
        var system = ActorSystem.Create(MeshNames.SystemName, actorSetup);
        var launcher = new PosixProcessLauncher();
        lock (_rogues) _rogues.Add((system, launcher));
        ProcessManagerModule.Start(system, setup.Cluster with { Seeds = [seed] }, setup.ProcessManager, launcher, new ProcessTable());
        return system;
    }
}
