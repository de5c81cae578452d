using System.Reflection;
using System.Text.Json;
using BlueZero.Hub.Security;
using BlueZero.Messages.Wire;
using Microsoft.Extensions.FileProviders;

namespace BlueZero.Hub.Http;

/// <summary>
/// The web dashboard: its page at GET /, its files (src/Hub/Ui, embedded in the assembly) under /ui/, and its session
/// endpoints (POST /ui/login, POST /ui/logout, GET /ui/session). The page reads the same API as the CLI, plus one
/// Server-Sent Events stream (<see cref="FleetStream"/>). Every response carries a Content-Security-Policy that lets a
/// page run only the hub's own scripts.
/// </summary>
public static class Dashboard
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    private static readonly IFileProvider Files = new ManifestEmbeddedFileProvider(typeof(Dashboard).Assembly, "Ui");

    /// <summary>Before everything else: the page's headers, and its files (public: they hold no data).</summary>
    public static void UseFiles(WebApplication app)
    {
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            return next(context);
        });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = Files,
            RequestPath = "/ui",
            OnPrepareResponse = file => file.Context.Response.Headers.CacheControl = "no-cache",
        });
    }

    public static void Map(WebApplication app, HubOptions options, UiSessions sessions)
    {
        app.MapGet("/", async (HttpContext context, FleetSnapshots snapshots) =>
        {
            // Only for whom the stream will serve (an open hub, or a live session): a stranger's page load gathers nothing.
            if (options.Tokens is null || sessions.Find(context.Request.Cookies[UiSessions.CookieName]) is not null)
                snapshots.ExpectPage();
            context.Response.ContentType = "text/html; charset=utf-8";
            context.Response.Headers.CacheControl = "no-cache";
            await using var page = Files.GetFileInfo("index.html").CreateReadStream();
            await page.CopyToAsync(context.Response.Body, context.RequestAborted);
        });
        app.MapGet("/ui/session", (HttpContext context) =>
            JsonReply.Write(context, StatusCodes.Status200OK, SessionJson(options.Tokens is not null, BearerAuthentication.CallerOf(context))));
        app.MapPost("/ui/login", (HttpContext context) => LogIn(context, options.Tokens, sessions));
        app.MapPost("/ui/logout", async context =>
        {
            if (context.Request.Cookies.TryGetValue(UiSessions.CookieName, out var id)) sessions.Close(id);
            context.Response.Cookies.Delete(UiSessions.CookieName, CookieOptions(context, sessions));
            await JsonReply.Write(context, StatusCodes.Status200OK, """{"success":true}""");
        });
    }

    private static async Task LogIn(HttpContext context, TokenFile? tokens, UiSessions sessions)
    {
        // A login is public, yet it changes which session the browser holds: a cross-site form must not log it in.
        if (!BearerAuthentication.HasCsrfHeader(context.Request))
        {
            await JsonReply.Error(context, StatusCodes.Status403Forbidden, ErrorTexts.CsrfHeaderMissing);
            return;
        }
        if (tokens is null)
        {
            await JsonReply.Write(context, StatusCodes.Status200OK, SessionJson(false, Caller.Anonymous));
            return;
        }
        if (await ReadToken(context) is not { } token)
        {
            await JsonReply.Error(context, StatusCodes.Status400BadRequest, ErrorTexts.LoginBodyInvalid);
            return;
        }
        if (tokens.Find(token) is not { } caller)
        {
            await JsonReply.Error(context, StatusCodes.Status401Unauthorized, ErrorTexts.InvalidToken);
            return;
        }
        context.Response.Cookies.Append(UiSessions.CookieName, sessions.Open(caller), CookieOptions(context, sessions));
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("BlueZero.Hub.Dashboard")
            .LogInformation("Dashboard login of {Caller} ({Role}) from {Client}", caller.Name, RoleText(caller.Role), context.Connection.RemoteIpAddress);
        await JsonReply.Write(context, StatusCodes.Status200OK, SessionJson(true, caller));
    }

    private static async Task<string?> ReadToken(HttpContext context)
    {
        try
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            return body.RootElement is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty("token", out var token) &&
                   token.ValueKind == JsonValueKind.String && token.GetString() is { Length: > 0 } text
                ? text.Trim()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static CookieOptions CookieOptions(HttpContext context, UiSessions sessions) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = context.Request.IsHttps,
        Path = "/",
        MaxAge = sessions.Lifetime,
    };

    private static string RoleText(TokenRole role) => role == TokenRole.Admin ? "admin" : "read";

    private static string SessionJson(bool authRequired, Caller caller) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["success"] = true,
        ["auth_required"] = authRequired,
        ["name"] = caller.Name,
        ["role"] = RoleText(caller.Role),
    });
}
