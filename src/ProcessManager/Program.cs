using BlueZero.ProcessManager.Configuration;
using BlueZero.ProcessManager.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// The process-manager node: joins the BlueZero cluster and manages OS processes on this machine.
var flags = CommandLine.Parse(args, MeshFlags.Common, out var flagError);
var usage = CommandLine.Usage("BlueZero.ProcessManager [options]",
    "A BlueZero process-manager node: joins the cluster through the seeds and registers with every hub.",
    MeshFlags.Common);
if (flags is null)
{
    Console.Error.WriteLine($"error: {flagError}");
    Console.Error.WriteLine(usage);
    return 2;
}
if (flags.Has(MeshFlags.Help.Name))
{
    Console.WriteLine(usage);
    return 0;
}

MeshSetup setup;
try
{
    setup = MeshSetup.Build(flags, MeshSetup.ReadEnvironment(), ["process-manager.hocon", "common.hocon"]);
}
catch (Exception ex) when (ex is SetupException or Akka.Configuration.ConfigurationException)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    return 2;
}

var builder = Host.CreateApplicationBuilder();
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = setup.ProcessManager.FullStopTime + TimeSpan.FromSeconds(15));
builder.Services.AddSingleton(setup);
builder.Services.AddHostedService<NodeRuntime>();
await builder.Build().RunAsync();
return 0;
