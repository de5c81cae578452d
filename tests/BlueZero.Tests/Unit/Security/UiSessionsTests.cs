using BlueZero.Hub.Events;
using BlueZero.Hub.Security;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace BlueZero.Tests.Unit.Security;

/// <summary>Dashboard sessions kept in hub.db: what a restarted hub keeps, drops, and what the table gives away.</summary>
public sealed class UiSessionsTests : IDisposable
{
    private static readonly Caller Ops = new("ops", TokenRole.Admin);
    private static readonly Caller Monitor = new("monitor", TokenRole.Read);
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);

    private readonly string _dir = Directory.CreateTempSubdirectory("bluezero-sessions-").FullName;
    private readonly SteppedClock _clock = new();
    private readonly SqliteConnection _db;

    public UiSessionsTests() => _db = HubDatabase.Open(_dir, NullLogger.Instance);

    private UiSessions Restarted(params Caller[] callers) => new(Lifetime, _clock, _db.ConnectionString, callers);

    [Fact]
    public void A_session_outlives_the_hub_with_its_caller()
    {
        var id = Restarted(Ops, Monitor).Open(Monitor);
        Assert.Equal(Monitor, Restarted(Ops, Monitor).Find(id));
    }

    [Fact]
    public void A_session_logged_out_or_expired_is_gone_after_a_restart_too()
    {
        var before = Restarted(Ops);
        var loggedOut = before.Open(Ops);
        var expiring = before.Open(Ops);
        before.Close(loggedOut);
        _clock.Advance(Lifetime);

        var after = Restarted(Ops);
        Assert.Null(after.Find(loggedOut));
        Assert.Null(after.Find(expiring));
        Assert.Equal(0, after.Count);
        Assert.Equal(0L, Rows());
    }

    [Fact]
    public void A_token_taken_out_of_the_file_or_given_another_role_ends_its_sessions_at_the_restart()
    {
        var before = Restarted(Ops, Monitor);
        var ops = before.Open(Ops);
        var monitor = before.Open(Monitor);

        var after = Restarted(Ops with { Role = TokenRole.Read });
        Assert.Null(after.Find(ops));
        Assert.Null(after.Find(monitor));
        Assert.Equal(0L, Rows());
    }

    [Fact]
    public void The_table_holds_a_hash_of_each_id_never_the_id()
    {
        var id = Restarted(Ops).Open(Ops);
        using var command = _db.CreateCommand();
        command.CommandText = "SELECT id_hash FROM ui_sessions";
        var stored = (string)command.ExecuteScalar()!;
        Assert.NotEqual(id, stored);
        Assert.DoesNotContain(id, stored);
        Assert.Equal(64, stored.Length);
    }

    private long Rows()
    {
        using var command = _db.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM ui_sessions";
        return (long)command.ExecuteScalar()!;
    }

    private sealed class SteppedClock : TimeProvider
    {
        private DateTimeOffset _now = DateTimeOffset.Parse("2026-12-06T12:00:00Z");
        public override DateTimeOffset GetUtcNow() => _now;
        public void Advance(TimeSpan by) => _now += by;
    }

    public void Dispose()
    {
        _db.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
