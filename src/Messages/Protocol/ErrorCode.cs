namespace BlueZero.Messages.Protocol;

/// <summary>
/// Why a request failed, beside its user-facing text: the hub decides HTTP statuses from the code alone, never from
/// the text. The numbers cross the wire in <see cref="CommandFailed"/>, so they are fixed; add new codes at the end.
/// </summary>
public enum ErrorCode
{
    /// <summary>A node failure with no more precise code; also what a node of an earlier version sends (no code at all).</summary>
    NodeFailure = 0,

    // Node-side refusals (CommandFailed).
    NoSuchPid = 1,
    NoSuchName = 2,
    NotManaged = 3,
    NameInUse = 4,
    TooManyProcesses = 5,
    PathRefused = 6,
    LaunchFailed = 7,
    ShuttingDown = 8,
    NotRecurring = 9,
    OutputNotCaptured = 10,

    // The hub's own answers (RouteFailed); they never cross the wire.
    BadRequest = 100,
    UnknownHost = 101,
    HostLeft = 102,
    HostUnreachable = 103,
    Timeout = 104,
    HostIsUp = 105,
}
