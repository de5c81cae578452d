namespace BlueZero.Cli;

/// <summary>b0's exit codes (documented in <c>b0 --help</c>).</summary>
public enum CliExit
{
    Ok = 0,
    /// <summary>The hub or the node said no (HTTP 4xx other than 401/403; status of a process that is not running).</summary>
    Refused = 1,
    Usage = 2,
    /// <summary>The hub cannot be reached, did not answer in time, or answered 5xx.</summary>
    Unreachable = 3,
    /// <summary>The token is missing or wrong (HTTP 401/403).</summary>
    Unauthorized = 4,
}

/// <summary>A command that cannot go on: one line for stderr, an exit code, and the hub's JSON reply if there was one.</summary>
public sealed class CliFailure(CliExit exit, string message, string? replyJson = null) : Exception(message)
{
    public CliExit Exit { get; } = exit;
    public string? ReplyJson { get; } = replyJson;
}
