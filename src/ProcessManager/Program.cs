using BlueZero.Mesh.Configuration;
using BlueZero.Mesh.Hosting;
using BlueZero.ProcessManager.Hosting;
using BlueZero.ProcessManager.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// The process-manager node: joins the BlueZero cluster and manages OS processes on this machine.
InterruptSignal.RestoreDefault();
var setup = MeshStartup.Resolve(args, MeshMember.Node, MeshSettings.Common,
    "A BlueZero process-manager node: joins the cluster through the seeds and registers with every hub. " +
    "Each setting is taken from its flag, else its environment variable, else hocon/*.hocon (from the repository: dotnet run --project src/ProcessManager -- [options]).",
    mesh => mesh, out var exitCode);
if (setup is null) return exitCode;

using var dataLock = DataDirectoryLock.TryAcquire(setup.ProcessManager.DataDirectory, setup.Cluster.HostName, out var refusal, out var refusedWith);
if (dataLock is null)
{
    Console.Error.WriteLine($"error: {refusal}; exiting with code {refusedWith}");
    return refusedWith;
}

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = HostSettings.Args });
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = setup.ProcessManager.FullStopTime + TimeSpan.FromSeconds(15));
builder.Services.AddSingleton(setup);
builder.Services.AddSingleton<NodeRuntime>();
builder.Services.AddHostedService(services => services.GetRequiredService<NodeRuntime>());
// A failed start is reported below in one line; the host's own stack trace would bury it.
builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
ConsoleLogging.Configure(builder.Logging);
var host = builder.Build();
var runtime = host.Services.GetRequiredService<NodeRuntime>();
try
{
    await host.RunAsync();
}
catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or Akka.Remote.RemoteTransportException or AggregateException)
{
    Console.Error.WriteLine($"error: the node could not start (cluster port {setup.Cluster.ClusterPort}): {ex.GetBaseException().Message}");
    return ExitCodes.CouldNotStart;
}
return runtime.ExitCode;
