using BlueZero.Messages.Protocol;

namespace BlueZero.Hub.Http;

/// <summary>
/// The one table from error codes to HTTP statuses (docs/PROTOCOL.md §3 and §10). On POST /control a node's refusal
/// is always 422, whatever its code: the hub form says "routed, and the node said no" (<see cref="NodeRefusal"/>).
/// A resource such as the output endpoint answers a node's refusal with the code's own status.
/// </summary>
public static class ErrorStatuses
{
    public const int NodeRefusal = StatusCodes.Status422UnprocessableEntity;

    public static int Of(ErrorCode code) => code switch
    {
        ErrorCode.BadRequest => StatusCodes.Status400BadRequest,
        ErrorCode.UnknownHost or ErrorCode.HostLeft => StatusCodes.Status404NotFound,
        ErrorCode.NoSuchPid or ErrorCode.NoSuchName or ErrorCode.NotManaged => StatusCodes.Status404NotFound,
        ErrorCode.HostIsUp or ErrorCode.OutputNotCaptured => StatusCodes.Status409Conflict,
        ErrorCode.HostUnreachable => StatusCodes.Status503ServiceUnavailable,
        ErrorCode.Timeout => StatusCodes.Status504GatewayTimeout,
        _ => NodeRefusal, // the node understood the request and could not carry it out
    };
}
