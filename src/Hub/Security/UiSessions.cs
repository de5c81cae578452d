using BlueZero.Hub.Events;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;

namespace BlueZero.Hub.Security;

/// <summary>
/// The dashboard's logins. A browser's EventSource cannot send an Authorization header, so a page logs in once with its
/// token (POST /ui/login) and then carries a random session id in an HttpOnly, SameSite=Strict cookie; the id maps,
/// here and only here, to the token's <see cref="Caller"/> (name and role) until it expires or the page logs out.
/// The token itself never reaches a URL or the cookie.
/// With a database (hub.db, table ui_sessions) the sessions outlive the hub: a page open across a hub restart goes on
/// by itself instead of asking for its token again. The table holds the SHA-256 of each id, so reading it gives no
/// usable cookie; at start, a session whose token (name and role) has left the token file is dropped.
/// </summary>
public sealed class UiSessions
{
    public const string CookieName = "b0_session";

    /// <summary>The header every state-changing request made with the cookie must carry; a cross-site form cannot set it.</summary>
    public const string CsrfHeader = "X-B0-CSRF";

    private sealed record Session(Caller Caller, DateTimeOffset Expires);

    /// <summary>By the SHA-256 of the id, as stored.</summary>
    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);
    private readonly TimeSpan _lifetime;
    private readonly TimeProvider _clock;
    private readonly string? _connectionString;

    /// <param name="connectionString">hub.db; null keeps the sessions in memory only.</param>
    /// <param name="callers">The token file's callers: a stored session of anyone else is dropped at start.</param>
    public UiSessions(TimeSpan lifetime, TimeProvider clock, string? connectionString = null, IReadOnlyList<Caller>? callers = null)
    {
        (_lifetime, _clock, _connectionString) = (lifetime, clock, connectionString);
        if (connectionString is not null) Load(callers ?? []);
    }

    public TimeSpan Lifetime => _lifetime;

    /// <summary>A new session for <paramref name="caller"/>: its id, 256 random bits. Expired sessions are dropped here.</summary>
    public string Open(Caller caller)
    {
        var now = _clock.GetUtcNow();
        foreach (var (expiredHash, session) in _sessions)
            if (session.Expires <= now) Remove(expiredHash);
        var newId = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var (hash, opened) = (HashOf(newId), new Session(caller, now + _lifetime));
        _sessions[hash] = opened;
        Write("INSERT INTO ui_sessions (id_hash, name, role, expires_ms) VALUES ($hash, $name, $role, $expires)",
            ("$hash", hash), ("$name", caller.Name), ("$role", caller.Role.ToString()), ("$expires", opened.Expires.ToUnixTimeMilliseconds()));
        return newId;
    }

    /// <summary>The caller of a live session, or null (unknown, logged out or expired).</summary>
    public Caller? Find(string? id)
    {
        if (string.IsNullOrEmpty(id)) return null;
        var hash = HashOf(id);
        if (!_sessions.TryGetValue(hash, out var session)) return null;
        if (session.Expires > _clock.GetUtcNow()) return session.Caller;
        Remove(hash);
        return null;
    }

    public void Close(string? id)
    {
        if (id is not null) Remove(HashOf(id));
    }

    /// <summary>Live and expired sessions not yet dropped; a test checks that logout removes one.</summary>
    public int Count => _sessions.Count;

    private void Remove(string hash)
    {
        if (_sessions.TryRemove(hash, out _)) Write("DELETE FROM ui_sessions WHERE id_hash = $hash", ("$hash", hash));
    }

    /// <summary>Keeps the live rows whose name still has that role in the token file; deletes the rest.</summary>
    private void Load(IReadOnlyList<Caller> callers)
    {
        using var connection = Opened();
        HubDatabase.Execute(connection, null, "DELETE FROM ui_sessions WHERE expires_ms <= $now", ("$now", _clock.GetUtcNow().ToUnixTimeMilliseconds()));
        var gone = new List<string>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT id_hash, name, role, expires_ms FROM ui_sessions";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var (hash, name, role) = (reader.GetString(0), reader.GetString(1), reader.GetString(2));
                if (callers.FirstOrDefault(c => c.Name == name && c.Role.ToString() == role) is { } caller)
                    _sessions[hash] = new Session(caller, DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)));
                else gone.Add(hash);
            }
        }
        foreach (var hash in gone) HubDatabase.Execute(connection, null, "DELETE FROM ui_sessions WHERE id_hash = $hash", ("$hash", hash));
    }

    /// <summary>A login or logout writes its row at once: they are rare, and a hub killed right after keeps what the page was told.</summary>
    private void Write(string sql, params (string Name, object? Value)[] parameters)
    {
        if (_connectionString is null) return;
        using var connection = Opened();
        HubDatabase.Execute(connection, null, sql, parameters);
    }

    private SqliteConnection Opened()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    private static string HashOf(string id) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(id)));
}
