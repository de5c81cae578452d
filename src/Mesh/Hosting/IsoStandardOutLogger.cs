using Akka.Event;

namespace BlueZero.Mesh.Hosting;

/// <summary>
/// Akka's minimal logger for the moments when no logger actor runs: while an actor system starts and after its loggers
/// have stopped (the last "Remoting shut down" lines). Akka's own one prints month-first local dates; this one prints
/// the same single-line form as <see cref="ConsoleLogging"/> (set as akka.stdout-logger-class in hocon/common.hocon).
/// </summary>
public sealed class IsoStandardOutLogger : MinimalLogger
{
    protected override void Log(object message)
    {
        if (message is not LogEvent log) return;
        var level = log.LogLevel() switch
        {
            LogLevel.DebugLevel => "dbug",
            LogLevel.InfoLevel => "info",
            LogLevel.WarningLevel => "warn",
            _ => "fail",
        };
        var line = $"{log.Timestamp.ToUniversalTime().ToString(ConsoleLogging.TimestampFormat)}{level}: Akka[0] [{log.LogSource}] {log.Message}";
        if (log.Cause is { } cause) line += $" ({cause.GetType().Name}: {cause.Message})";
        Console.WriteLine(line);
    }
}
