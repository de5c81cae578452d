using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using BlueZero.Hub;
using BlueZero.Hub.Actors;
using BlueZero.Hub.Events;
using BlueZero.Hub.Http;
using BlueZero.Hub.Metrics;
using BlueZero.Hub.Plans;
using BlueZero.Hub.Security;
using BlueZero.Mesh.Configuration;
using BlueZero.Mesh.Hosting;
using BlueZero.Messages.Protocol;
using BlueZero.ProcessManager.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration.Memory;

// The hub: forms (or joins) the cluster, tracks nodes by host_name, routes JSON requests, and by default
// hosts a local process-manager node so one machine works with nothing else started.
InterruptSignal.RestoreDefault();
var settings = MeshStartup.Resolve(args, MeshMember.Hub, HubOptions.Flags,
    "The BlueZero hub: HTTP front door (POST /control, GET /hosts, GET /health) and host_name routing. " +
    "Each setting is taken from its flag, else its environment variable, else hocon/*.hocon (from the repository: dotnet run --project src/Hub -- [options]).",
    mesh => new { Mesh = mesh, Hub = HubOptions.From(mesh.Settings) }, out var exitCode);
if (settings is null) return exitCode;
var (setup, hub) = (settings.Mesh, settings.Hub);
string? localNodeRefusal = null;
var localNodeExitCode = ExitCodes.Stopped;
using var localNode = hub.LocalNode ? LocalNode.TryOpen(setup, out localNodeRefusal, out localNodeExitCode) : null;
if (localNodeRefusal is not null)
{
    Console.Error.WriteLine($"error: {localNodeRefusal}; exiting with code {localNodeExitCode} (or start the hub with --no-local-node)");
    return localNodeExitCode;
}

var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = HostSettings.Args });
// Before the actors: the ingest hands batches to it from its first message on (the store outlives the host, so it
// has loggers of its own).
using var storeLoggers = LoggerFactory.Create(ConsoleLogging.Configure);
await using var events = EventStore.Open(setup.ProcessManager.DataDirectory, hub.Events, storeLoggers);
// Read before anything is stored: the counters of GET /metrics count what is stored from here on.
var storedBeforeStart = events.LastSeq();
var metricsRegistry = HubMetrics.DefaultRegistryWithRuntimeMetrics();
var metrics = new HubMetrics(metricsRegistry, hub.MetricsPerProcessName);
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.Listen(hub.Http, listen =>
    {
        if (hub.HttpsCertificate is { } certificate) listen.UseHttps(certificate);
    });
    kestrel.Limits.MaxRequestBodySize = hub.MaxBodyBytes;
});
// ASP.NET Core logs four lines per request at Information: at a thousand requests a second that is most of the hub's
// console and a good part of its cpu. Warnings still show; Logging__LogLevel__Microsoft.AspNetCore=Information in the
// environment brings the request lines back (the environment comes after these defaults).
builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
{
    InitialData = new Dictionary<string, string?> { ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning" },
});
// A failed start is reported below in one line; the host's own stack trace would bury it.
builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
ConsoleLogging.Configure(builder.Logging);
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = setup.ProcessManager.FullStopTime + TimeSpan.FromSeconds(15));
builder.Services.AddRateLimiter(options =>
    ClientRateLimit.Configure(options, hub.MaxConcurrentRequestsPerClient, hub.MaxQueuedRequestsPerClient));
builder.Services.AddSingleton(hub);
builder.Services.AddSingleton(new UiSessions(hub.SessionLifetime, TimeProvider.System, events.ConnectionString, hub.Tokens?.Callers));
builder.Services.AddSingleton<IEventFeed>(events.Feed);
builder.Services.AddSingleton<FleetSnapshots>();
builder.Services.AddHostedService(services => services.GetRequiredService<FleetSnapshots>());
builder.Services.AddHostedService(services =>
    new MeshEventCounterFeed(events, metrics.Events, storedBeforeStart, services.GetRequiredService<ILogger<MeshEventCounterFeed>>()));
builder.Services.AddAkka(MeshNames.SystemName, (akka, services) =>
{
    akka.AddHocon(setup.AkkaConfig, HoconAddMode.Prepend);
    ConsoleLogging.RouteAkkaLogs(akka, services.GetRequiredService<ILoggerFactory>());
    if (setup.Tls is not null) akka.AddSetup(setup.Tls.ToAkkaSetup());
    akka.WithActors((system, registry) =>
    {
        EventIngest.AddShutdownTask(system, system.ActorOf(EventIngest.Props(events, setup.Cluster.HostName), EventIngest.Name));
        var actors = HubModule.Start(system, hub, setup.ProcessManager.FullStopTime, setup.Cluster.FormsClusterItself,
            new PlanStore(events.ConnectionString), setup.Cluster.HostName);
        registry.Register<NodeRegistry>(actors.Registry);
        registry.Register<PlansActor>(actors.Plans!);
        registry.Register<RequestRouter>(actors.Router);
        localNode?.Start(system, services.GetRequiredService<ILoggerFactory>());
    });
});

var app = builder.Build();
FrontDoor.Map(app, hub, HubModule.Timeouts(hub, setup.ProcessManager.FullStopTime), setup.Cluster.HostName, metrics, metricsRegistry, events);
try
{
    await app.StartAsync();
}
catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or Akka.Remote.RemoteTransportException or AggregateException)
{
    // Typically a port in use: say which, once, instead of a stack trace.
    Console.Error.WriteLine($"error: the hub could not start (HTTP {hub.Http}, cluster port {setup.Cluster.ClusterPort}): {ex.GetBaseException().Message}");
    return ExitCodes.CouldNotStart;
}

var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? hub.Http.ToString();
var frontDoorLog = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("BlueZero.Hub.FrontDoor");
if (hub.Tokens is { } tokens)
    frontDoorLog.LogInformation("Front door {Http} requires bearer tokens from {TokenFile} ({Count} tokens)", url, tokens.Path, tokens.Callers.Count);
else
    frontDoorLog.LogWarning("Front door {Http} has no token file and runs open: anyone who can reach it may start and stop processes (loopback only; see --token-file)", url);
var clusterAddress = Cluster.Get(app.Services.GetRequiredService<ActorSystem>()).SelfAddress;
Console.WriteLine($"BlueZero hub ready: host_name={setup.Cluster.HostName} http={url} cluster={clusterAddress} local_node={(hub.LocalNode ? "on" : "off")}");
await app.WaitForShutdownAsync();
// Downed by the cluster (others saw this hub unreachable too long, e.g. a machine overloaded for seconds): a hub cannot
// rejoin with the same actor system, and a clean exit code would tell its supervisor that it was stopped on purpose.
if (CoordinatedShutdown.Get(app.Services.GetRequiredService<ActorSystem>()).ShutdownReason is CoordinatedShutdown.ClusterDowningReason)
{
    Console.Error.WriteLine($"error: the cluster downed hub {setup.Cluster.HostName}; exiting with code {ExitCodes.HubDowned} so that its supervisor restarts it " +
                            "(the nodes rejoin a restarted hub on their own)");
    return ExitCodes.HubDowned;
}
return ExitCodes.Stopped;
