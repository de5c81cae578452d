using BlueZero.Messages.Wire;

namespace BlueZero.Hub.Security;

/// <summary>
/// Checks the bearer token of every request but the public ones (GET /health, the dashboard's page and files, its
/// login) and records the <see cref="Caller"/> for the endpoints. A request without an Authorization header may
/// instead carry a dashboard session cookie (<see cref="UiSessions"/>); one made that way that changes something
/// must also carry <see cref="UiSessions.CsrfHeader"/> (403 without). Missing or unknown token: 401 with
/// <c>WWW-Authenticate: Bearer</c> and a JSON error. Without a token file every caller is <see cref="Caller.Anonymous"/>.
/// What a caller may do is <see cref="MayRun"/>; the metrics token (<paramref name="metricsToken"/>, a scraper's own
/// credential) may only GET /metrics (403 elsewhere).
/// </summary>
public sealed class BearerAuthentication(TokenFile? tokens, UiSessions sessions, TokenFile? metricsToken = null)
{
    public const string MetricsPath = "/metrics";

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
        WireOperations.Events, WireOperations.PlanStatus, WireOperations.ListPlans,
    };

    public static bool MayRun(Caller caller, string operation) =>
        caller.Role == TokenRole.Admin || (caller.Role == TokenRole.Read && ReadOperations.Contains(operation));

    public static Caller CallerOf(HttpContext context) =>
        context.Items.TryGetValue(CallerKey, out var caller) && caller is Caller known ? known : Caller.Anonymous;

    public async Task Invoke(HttpContext context, RequestDelegate next)
    {
        if (tokens is null || IsPublic(context.Request))
        {
            await next(context);
            return;
        }
        var header = context.Request.Headers.Authorization.ToString();
        if (header.Length == 0 && context.Request.Cookies.TryGetValue(UiSessions.CookieName, out var sessionId))
        {
            await BySession(context, next, sessionId);
            return;
        }
        if (!header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) || header.Length == Prefix.Length)
        {
            await Refuse(context, ErrorTexts.MissingToken);
            return;
        }
        var presented = header[Prefix.Length..].Trim();
        if ((tokens.Find(presented) ?? metricsToken?.Find(presented)) is not { } caller)
        {
            await Refuse(context, ErrorTexts.InvalidToken);
            return;
        }
        if (caller.Role == TokenRole.Metrics && !(HttpMethods.IsGet(context.Request.Method) && context.Request.Path == MetricsPath))
        {
            await Http.JsonReply.Error(context, StatusCodes.Status403Forbidden, ErrorTexts.MetricsTokenOnly);
            return;
        }
        context.Items[CallerKey] = caller;
        await next(context);
    }

    private async Task BySession(HttpContext context, RequestDelegate next, string sessionId)
    {
        if (sessions.Find(sessionId) is not { } caller)
        {
            await Refuse(context, ErrorTexts.MissingToken);
            return;
        }
        if (!IsSafe(context.Request.Method) && !HasCsrfHeader(context.Request))
        {
            await Http.JsonReply.Error(context, StatusCodes.Status403Forbidden, ErrorTexts.CsrfHeaderMissing);
            return;
        }
        context.Items[CallerKey] = caller;
        await next(context);
    }

    /// <summary>What anyone may fetch: the health check, and the dashboard's page and login (they carry no data).</summary>
    private static bool IsPublic(HttpRequest request) =>
        (IsSafe(request.Method) && (request.Path == "/health" || request.Path == "/")) ||
        (HttpMethods.IsPost(request.Method) && request.Path == "/ui/login");

    private static bool IsSafe(string method) => HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method);

    public static bool HasCsrfHeader(HttpRequest request) => request.Headers[UiSessions.CsrfHeader].ToString() == "1";

    private static Task Refuse(HttpContext context, string message)
    {
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return Http.JsonReply.Error(context, StatusCodes.Status401Unauthorized, message);
    }
}
