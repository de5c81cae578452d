using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;

namespace BlueZero.Hub.Actors;

/// <summary>How long the hub waits for each kind of request before it answers "timeout" (504).</summary>
/// <param name="Request">Any node call (bluezero.hub.request-timeout).</param>
/// <param name="StopWait">A stop with wait, or a restart: the request timeout plus the node's whole stop escalation.</param>
public sealed record RouteTimeouts(TimeSpan Request, TimeSpan StopWait)
{
    /// <summary>A cluster-wide answer is gathered within <see cref="Request"/>; this much more lets the router send it.</summary>
    private static readonly TimeSpan GatherMargin = TimeSpan.FromSeconds(2);

    public TimeSpan For(HubRequest request) => request switch
    {
        { HostName: null } => Request + GatherMargin, // the router answers: a scatter-gather, a refusal, or forget_host
        { Command: StopProcess { Wait: true } or RestartProcess } => StopWait,
        { Command: ReadOutput { WaitMs: > 0 } follow } => Request + TimeSpan.FromMilliseconds(follow.WaitMs), // the node holds a follower's read
        _ => Request,
    };
}
