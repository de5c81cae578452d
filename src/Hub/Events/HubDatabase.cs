using Microsoft.Data.Sqlite;

namespace BlueZero.Hub.Events;

/// <summary>
/// The hub's one database file, hub.db in its data directory, in WAL mode. Its schema is versioned by PRAGMA user_version:
/// <see cref="Migrations"/>[i] takes version i to i + 1, and every migration not yet applied runs at start, each in its
/// own transaction. A file that cannot be read as a database is moved aside (hub.db.corrupt-TIME) and a fresh one made:
/// the hub never refuses to start for its history. If even a fresh file cannot be made (a read-only directory), the
/// history lives in memory until the hub stops.
/// </summary>
public static class HubDatabase
{
    public const string FileName = "hub.db";

    /// <summary>Append only: a released migration never changes.</summary>
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE events (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            time_ms INTEGER NOT NULL,
            host_name TEXT NOT NULL,
            type TEXT NOT NULL,
            pid INTEGER,
            name TEXT,
            journal_id TEXT,
            node_seq INTEGER,
            body TEXT NOT NULL,
            UNIQUE (host_name, journal_id, node_seq)
        );
        CREATE INDEX events_by_host ON events (host_name, seq);
        CREATE INDEX events_by_type ON events (type, seq);
        CREATE INDEX events_by_name ON events (name, seq);
        CREATE INDEX events_by_pid ON events (pid, seq);
        CREATE INDEX events_by_time ON events (time_ms);
        """,
        // Launch plans (PlanStore): each plan's definition as applied, and where each of its steps stands.
        """
        CREATE TABLE plans (
            name TEXT PRIMARY KEY,
            definition TEXT NOT NULL,
            state TEXT NOT NULL,
            applied_ms INTEGER NOT NULL
        );
        CREATE TABLE plan_steps (
            plan TEXT NOT NULL REFERENCES plans (name) ON DELETE CASCADE,
            step TEXT NOT NULL,
            host TEXT NOT NULL,
            pid INTEGER,
            state TEXT NOT NULL,
            since_ms INTEGER,
            PRIMARY KEY (plan, step)
        );
        """,
        // Dashboard logins (UiSessions), so that a restarted hub keeps them: the SHA-256 of each session id, never the id.
        """
        CREATE TABLE ui_sessions (
            id_hash TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            role TEXT NOT NULL,
            expires_ms INTEGER NOT NULL
        );
        """,
    ];

    public static int SchemaVersion => Migrations.Length;

    /// <summary>Opens (creating or migrating) hub.db in <paramref name="dataDirectory"/>.</summary>
    /// <returns>An open connection to a database at <see cref="SchemaVersion"/>, for the caller to keep: an in-memory
    /// database lives as long as one connection to it is open.</returns>
    public static SqliteConnection Open(string dataDirectory, ILogger logger)
    {
        var path = Path.Combine(dataDirectory, FileName);
        try
        {
            Directory.CreateDirectory(dataDirectory);
            return Prepare(path);
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            var aside = $"{path}.corrupt-{DateTime.UtcNow:yyyyMMdd'T'HHmmss'Z'}";
            try
            {
                SqliteConnection.ClearAllPools();
                foreach (var suffix in (string[])["", "-wal", "-shm"])
                    if (File.Exists(path + suffix)) File.Move(path + suffix, aside + suffix, overwrite: true);
                logger.LogError("The event database {Path} cannot be read ({Reason}); moved it to {Aside} and started a fresh one", path, ex.Message, aside);
                return Prepare(path);
            }
            catch (Exception again) when (again is SqliteException or IOException or UnauthorizedAccessException)
            {
                logger.LogError("The event database {Path} cannot be used ({Reason}); events are kept in memory until the hub stops", path, again.Message);
                return Prepare(new SqliteConnectionStringBuilder { DataSource = $"hub-events-{Guid.NewGuid():N}", Mode = SqliteOpenMode.Memory, Cache = SqliteCacheMode.Shared }.ToString(), inMemory: true);
            }
        }
    }

    /// <summary>WAL, then the migrations not yet applied; reading the schema is what finds a file that is not a database.</summary>
    private static SqliteConnection Prepare(string pathOrConnectionString, bool inMemory = false)
    {
        var connectionString = inMemory ? pathOrConnectionString : new SqliteConnectionStringBuilder { DataSource = pathOrConnectionString }.ToString();
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            if (!inMemory) Execute(connection, null, "PRAGMA journal_mode = WAL;");
            // Only the writer writes, and a crash of the hub (not of the machine) loses nothing with WAL at NORMAL.
            Execute(connection, null, "PRAGMA synchronous = NORMAL;");
            var version = Convert.ToInt32(Scalar(connection, "PRAGMA user_version;"));
            Scalar(connection, "SELECT count(*) FROM sqlite_master;");
            for (; version < Migrations.Length; version++)
            {
                using var transaction = connection.BeginTransaction();
                Execute(connection, transaction, Migrations[version]);
                Execute(connection, transaction, $"PRAGMA user_version = {version + 1};");
                transaction.Commit();
            }
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Runs one statement with named parameters ($name); a null value is SQL NULL. For every store in hub.db.</summary>
    public static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
