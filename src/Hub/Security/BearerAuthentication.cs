using BlueZero.Messages.Wire;

namespace BlueZero.Hub.Security;

/// <summary>
/// Checks the bearer token of every request but GET /health and records the <see cref="Caller"/> for the
/// endpoints. Missing or unknown token: 401 with <c>WWW-Authenticate: Bearer</c> and a JSON error. Without a token
/// file every caller is <see cref="Caller.Anonymous"/>. What a caller may do is <see cref="MayRun"/>.
/// </summary>
public sealed class BearerAuthentication(TokenFile? tokens)
{
    private const string CallerKey = "bluezero.caller";
    private const string Prefix = "Bearer ";

    /// <summary>
    /// The operations a read token may run: the ones that change nothing. Every GET endpoint is a read too. The table in
    /// docs/OPERATIONS.md ("Front door security") must say the same; ReadTokenTableTests checks that it does.
    /// </summary>
    public static readonly IReadOnlySet<string> ReadOperations = new HashSet<string>(StringComparer.Ordinal)
    {
        WireOperations.ListActiveProcesses, WireOperations.ListProcesses, WireOperations.QueryProcessStatus,
        WireOperations.ReadOutput, WireOperations.ProcessStats, WireOperations.NodeState, WireOperations.HostInfo,
        WireOperations.Events,
    };

    public static bool MayRun(Caller caller, string operation) =>
        caller.Role == TokenRole.Admin || ReadOperations.Contains(operation);

    public static Caller CallerOf(HttpContext context) =>
        context.Items.TryGetValue(CallerKey, out var caller) && caller is Caller known ? known : Caller.Anonymous;

    public async Task Invoke(HttpContext context, RequestDelegate next)
    {
        if (tokens is null || (HttpMethods.IsGet(context.Request.Method) && context.Request.Path == "/health"))
        {
            await next(context);
            return;
        }
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) || header.Length == Prefix.Length)
        {
            await Refuse(context, ErrorTexts.MissingToken);
            return;
        }
        if (tokens.Find(header[Prefix.Length..].Trim()) is not { } caller)
        {
            await Refuse(context, ErrorTexts.InvalidToken);
            return;
        }
        context.Items[CallerKey] = caller;
        await next(context);
    }

    private static Task Refuse(HttpContext context, string message)
    {
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return Http.JsonReply.Error(context, StatusCodes.Status401Unauthorized, message);
    }
}
