namespace BlueZero.Cli;

/// <summary>Every default of b0 in one place.</summary>
public static class CliDefaults
{
    public const string HubUrl = "http://127.0.0.1:8080";
    public const string HubUrlVariable = "B0_HUB_URL";
    public const string TokenVariable = "B0_TOKEN";

    /// <summary>A request's whole exchange. Longer than a stop with wait or a restart (stop grace + kill grace, 10 s by default).</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Opening a TCP connection to the hub.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How often <c>ps --watch</c> asks again.</summary>
    public static readonly TimeSpan WatchInterval = TimeSpan.FromSeconds(1);

    /// <summary>How often <c>logs -f</c> asks again for a name that is not started yet.</summary>
    public static readonly TimeSpan AwaitNameInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>How long <c>events -f</c> waits before it reconnects a dropped stream.</summary>
    public static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(1);

    /// <summary>Lines of a sparkline in <c>b0 stats</c>, at most (the node keeps 60 samples).</summary>
    public const int SparklineWidth = 60;

    /// <summary><c>b0 up</c> and <c>b0 down</c>: the hub answers once the whole plan is up or down (its readiness timeouts bound it).</summary>
    public static readonly TimeSpan PlanTimeout = TimeSpan.FromMinutes(30);

    /// <summary>After the hub's answer to <c>b0 up</c>, how long the progress lines may still trickle in from the event stream.</summary>
    public static readonly TimeSpan ProgressDrain = TimeSpan.FromSeconds(2);

    /// <summary>In a plan file, <c>${HUB}</c> is the hub's own host_name.</summary>
    public const string HubPlaceholder = "HUB";
}
