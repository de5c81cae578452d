using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Hosting;
using Microsoft.Extensions.Logging;

namespace BlueZero.Mesh.Hosting;

/// <summary>
/// One console format for every line of both executables: ASP.NET's, ours and Akka's, one line each, starting with an
/// ISO 8601 UTC timestamp. Akka's own console logger (month-first dates) is replaced by <see cref="AkkaLogBridge"/>,
/// so Akka's lines go through the same formatter.
/// </summary>
public static class ConsoleLogging
{
    public const string TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";

    public static void Configure(ILoggingBuilder logging)
    {
        logging.AddSimpleConsole(console =>
        {
            console.TimestampFormat = TimestampFormat;
            console.UseUtcTimestamp = true;
            console.SingleLine = true;
        });
        // Its Info lines are internal bookkeeping ("Removing receive buffers ...") written on every failed connection
        // attempt, every 2 s while a hub is down; its warnings still show.
        logging.AddFilter("Akka.Remote.ReliableDeliverySupervisor", LogLevel.Warning);
    }

    /// <summary>For an actor system created under Akka.Hosting.</summary>
    public static void RouteAkkaLogs(AkkaConfigurationBuilder akka, ILoggerFactory loggers)
    {
        akka.AddSetup(AkkaSetup(loggers));
        akka.ConfigureLoggers(configure =>
        {
            configure.ClearLoggers();
            configure.AddLogger<AkkaLogBridge>();
        });
    }

    /// <summary>For an actor system created by hand (the standalone node): the bridge as Akka's only logger.</summary>
    public static Config AkkaLoggers { get; } = ConfigurationFactory.ParseString(
        $"akka.loggers = [\"{typeof(AkkaLogBridge).AssemblyQualifiedName}\"]");

    /// <summary>Where the bridge finds the logger factory.</summary>
    public static Setup AkkaSetup(ILoggerFactory loggers) => new Akka.Hosting.Logging.LoggerFactorySetup(loggers);
}
