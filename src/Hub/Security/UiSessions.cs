using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace BlueZero.Hub.Security;

/// <summary>
/// The dashboard's logins. A browser's EventSource cannot send an Authorization header, so a page logs in once with its
/// token (POST /ui/login) and then carries a random session id in an HttpOnly, SameSite=Strict cookie; the id maps,
/// here and only here, to the token's <see cref="Caller"/> (name and role) until it expires or the page logs out.
/// The token itself never reaches a URL or the cookie.
/// </summary>
public sealed class UiSessions(TimeSpan lifetime, TimeProvider clock)
{
    public const string CookieName = "b0_session";

    /// <summary>The header every state-changing request made with the cookie must carry; a cross-site form cannot set it.</summary>
    public const string CsrfHeader = "X-B0-CSRF";

    private sealed record Session(Caller Caller, DateTimeOffset Expires);

    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);

    public TimeSpan Lifetime => lifetime;

    /// <summary>A new session for <paramref name="caller"/>: its id, 256 random bits. Expired sessions are dropped here.</summary>
    public string Open(Caller caller)
    {
        var now = clock.GetUtcNow();
        foreach (var (id, session) in _sessions)
            if (session.Expires <= now) _sessions.TryRemove(id, out _);
        var newId = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        _sessions[newId] = new Session(caller, now + lifetime);
        return newId;
    }

    /// <summary>The caller of a live session, or null (unknown, logged out or expired).</summary>
    public Caller? Find(string? id)
    {
        if (string.IsNullOrEmpty(id) || !_sessions.TryGetValue(id, out var session)) return null;
        if (session.Expires > clock.GetUtcNow()) return session.Caller;
        _sessions.TryRemove(id, out _);
        return null;
    }

    public void Close(string? id)
    {
        if (id is not null) _sessions.TryRemove(id, out _);
    }

    /// <summary>Live and expired sessions not yet dropped; a test checks that logout removes one.</summary>
    public int Count => _sessions.Count;
}
