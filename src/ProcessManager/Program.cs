using BlueZero.ProcessManager.Configuration;
using BlueZero.ProcessManager.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// The process-manager node: joins the BlueZero cluster and manages OS processes on this machine.
var setup = StartupArguments.Resolve(args, MeshFlags.Common,
    "BlueZero.ProcessManager [options]   (from the repository: dotnet run --project src/ProcessManager -- [options])",
    "A BlueZero process-manager node: joins the cluster through the seeds and registers with every hub.",
    flags => MeshSetup.Build(flags, MeshSetup.ReadEnvironment(), ["process-manager.hocon", "common.hocon"]),
    out var exitCode);
if (setup is null) return exitCode;

var builder = Host.CreateApplicationBuilder();
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = setup.ProcessManager.FullStopTime + TimeSpan.FromSeconds(15));
builder.Services.AddSingleton(setup);
builder.Services.AddHostedService<NodeRuntime>();
// A failed start is reported below in one line; the host's own stack trace would bury it.
builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
ConsoleLogging.Configure(builder.Logging);
try
{
    await builder.Build().RunAsync();
}
catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or Akka.Remote.RemoteTransportException or AggregateException)
{
    Console.Error.WriteLine($"error: the node could not start (cluster port {setup.Cluster.ClusterPort}): {ex.GetBaseException().Message}");
    return 1;
}
return 0;
