using BlueZero.Messages.Protocol;

namespace BlueZero.Messages.Wire;

/// <summary>
/// A parsed, validated request. <see cref="Operation"/> is the wire key the parser found (named once, carried along);
/// <see cref="HostName"/> is null when the client sent none; <see cref="AllHosts"/> is kill_all's explicit consent to
/// act on every host at once.
/// </summary>
public sealed record HubRequest(string Operation, string? HostName, IClientCommand Command, bool AllHosts = false)
{
    /// <summary>The same request with <paramref name="by"/> (a token name) on the commands that change things, for the node's events.</summary>
    public HubRequest RequestedBy(string? by) => by is null ? this : this with
    {
        Command = Command switch
        {
            StartProcess start => start with { By = by },
            StopProcess stop => stop with { By = by },
            KillAll kill => kill with { By = by },
            RestartProcess restart => restart with { By = by },
            var other => other,
        },
    };
}

/// <summary>
/// The parser's answer: exactly one of <see cref="Request"/> or <see cref="Error"/> is set. A refused request names its
/// <see cref="Operation"/> once the parser knew it, so that the error can also appear under the operation's key.
/// </summary>
public sealed record ParseResult(HubRequest? Request, string? Error, string? Operation = null)
{
    public static ParseResult Ok(HubRequest request) => new(request, null, request.Operation);
    public static ParseResult Fail(string error, string? operation = null) => new(null, error, operation);
    public bool IsOk => Request is not null;
}
