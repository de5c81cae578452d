using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;
using Akka.Hosting.Logging;
using Microsoft.Extensions.Logging;
using MelLevel = Microsoft.Extensions.Logging.LogLevel;

namespace BlueZero.Mesh.Hosting;

/// <summary>
/// Akka's logger: hands each log event to Microsoft.Extensions.Logging as its source and text only, so the console
/// formatter (<see cref="ConsoleLogging"/>) gives it the same timestamp as every other line. Akka.Hosting's own bridge
/// would repeat Akka's whole prefix, month-first date included. A peer that went away (a hub stopped cleanly) is an
/// expected departure: one Info line instead of an Error with a stack trace. A warning that Akka repeats on every
/// retry (a hub outage) is shown once a minute, with how many were held back (<see cref="RepeatedWarnings"/>);
/// the repeats in between go out at Debug.
/// </summary>
public sealed class AkkaLogBridge : ActorBase, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    private readonly ILoggerFactory _loggers;
    private readonly Dictionary<Type, ILogger> _byClass = new();
    private readonly RepeatedWarnings _repeats = new(RepeatedWarnings.DefaultQuiet);

    public AkkaLogBridge()
    {
        var setup = Context.System.Settings.Setup.Get<LoggerFactorySetup>();
        if (!setup.HasValue) throw new InvalidOperationException($"{nameof(AkkaLogBridge)} needs a {nameof(LoggerFactorySetup)} in the actor system setup");
        _loggers = setup.Value.LoggerFactory;
    }

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case InitializeLogger:
                Sender.Tell(new LoggerInitialized());
                return true;
            case LogEvent log:
                Write(log);
                return true;
            default:
                return false;
        }
    }

    private void Write(LogEvent log)
    {
        if (!_byClass.TryGetValue(log.LogClass, out var logger))
            // Akka's own lines from a string source carry a placeholder class: name them for what they are.
            _byClass[log.LogClass] = logger = _loggers.CreateLogger(log.LogClass == typeof(DummyClassForStringSources) ? "Akka" : log.LogClass.FullName!);
        var text = log.Message?.ToString() ?? "";
        if (IsDeparture(log.Cause))
            logger.LogInformation("[{Source}] {Message} (the peer went away)", log.LogSource, FirstLine(text));
        else if (log.LogLevel() != Akka.Event.LogLevel.WarningLevel)
            logger.Log(LevelOf(log.LogLevel()), log.Cause, "[{Source}] {Message}", log.LogSource, text);
        else if (!_repeats.ShouldShow(log.LogClass.FullName!, text, log.Timestamp, out var heldBack))
            logger.LogDebug(log.Cause, "[{Source}] {Message}", log.LogSource, text);
        else if (heldBack > 0)
            logger.LogWarning(log.Cause, "[{Source}] {Message} ({HeldBack} more like it since this was last shown)", log.LogSource, text, heldBack);
        else
            logger.LogWarning(log.Cause, "[{Source}] {Message}", log.LogSource, text);
    }

    /// <summary>Akka.Remote's EndpointDisassociatedException is internal, so it is known by name.</summary>
    public static bool IsDeparture(Exception? cause)
    {
        for (var e = cause; e is not null; e = e.InnerException)
            if (e.GetType().FullName == "Akka.Remote.EndpointDisassociatedException") return true;
        return false;
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].TrimEnd('\r');

    private static MelLevel LevelOf(Akka.Event.LogLevel level) => level switch
    {
        Akka.Event.LogLevel.DebugLevel => MelLevel.Debug,
        Akka.Event.LogLevel.InfoLevel => MelLevel.Information,
        Akka.Event.LogLevel.WarningLevel => MelLevel.Warning,
        _ => MelLevel.Error,
    };
}
