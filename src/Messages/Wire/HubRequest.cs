using BlueZero.Messages.Protocol;

namespace BlueZero.Messages.Wire;

/// <summary>
/// A parsed, validated request. <see cref="HostName"/> is null when the client sent none; <see cref="AllHosts"/>
/// is kill_all's explicit consent to act on every host at once.
/// </summary>
public sealed record HubRequest(string? HostName, IClientCommand Command, bool AllHosts = false)
{
    public string Operation => WireOperations.NameOf(Command);
}

/// <summary>The parser's answer: exactly one of <see cref="Request"/> or <see cref="Error"/> is set.</summary>
public sealed record ParseResult(HubRequest? Request, string? Error)
{
    public static ParseResult Ok(HubRequest request) => new(request, null);
    public static ParseResult Fail(string error) => new(null, error);
    public bool IsOk => Request is not null;
}
