using System.Text;
using System.Threading.Channels;
using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;
using Microsoft.Data.Sqlite;

namespace BlueZero.Hub.Events;

/// <summary>
/// The hub's event history in hub.db (<see cref="HubDatabase"/>). Every write goes through one background writer that
/// takes whatever is waiting and stores it in one transaction, so actors only hand work over and never wait on the
/// disk. An event from a node's journal is stored once: (host_name, journal_id, node_seq) is unique and a resent one
/// is ignored. After each commit the new events go to <see cref="Feed"/>. Retention (by age and by count) runs on the
/// same writer every <see cref="EventOptions.PruneInterval"/>. Queries read on their own connections (WAL lets them
/// run beside the writer).
/// </summary>
public sealed class EventStore : IAsyncDisposable
{
    /// <summary>An event to store; hub-made events have no journal.</summary>
    public sealed record Incoming(MeshEvent Event, string? JournalId = null, long? NodeSeq = null);

    private abstract record Work;
    private sealed record AppendWork(IReadOnlyList<Incoming> Events, TaskCompletionSource<IReadOnlyList<StoredEvent>> Done) : Work;
    private sealed record PruneWork(TaskCompletionSource<int> Done) : Work;

    /// <summary>Events in one transaction at most: a large backlog is still committed (and acknowledged) in steps.</summary>
    private const int MaxEventsPerTransaction = 20_000;

    private readonly SqliteConnection _writer;
    private readonly EventOptions _options;
    private readonly ILogger _log;
    private readonly EventFeed _feed = new();
    private readonly Channel<Work> _work = Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _writing;
    private readonly Task _pruning;

    private EventStore(SqliteConnection writer, EventOptions options, ILogger log)
    {
        _writer = writer;
        _options = options;
        _log = log;
        _writing = Task.Run(WriteLoop);
        _pruning = Task.Run(PruneLoop);
    }

    public static EventStore Open(string dataDirectory, EventOptions options, ILoggerFactory loggers)
    {
        var log = loggers.CreateLogger<EventStore>();
        return new EventStore(HubDatabase.Open(dataDirectory, log), options, log);
    }

    public IEventFeed Feed => _feed;

    /// <summary>hub.db, for the other stores that keep their tables in it (PlanStore).</summary>
    public string ConnectionString => _writer.ConnectionString;

    /// <summary>Stores a node's batch; completes once it is committed, with the events that were new.</summary>
    public Task<IReadOnlyList<StoredEvent>> Append(EventBatch batch) =>
        Append(batch.Events.Select(e => new Incoming(e.Event, batch.JournalId, e.NodeSeq)).ToList());

    public Task<IReadOnlyList<StoredEvent>> Append(IReadOnlyList<Incoming> events)
    {
        var done = new TaskCompletionSource<IReadOnlyList<StoredEvent>>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_work.Writer.TryWrite(new AppendWork(events, done))) done.SetException(new ObjectDisposedException(nameof(EventStore)));
        return done.Task;
    }

    /// <summary>Completes once everything handed over before it is committed (the writer takes work in order).</summary>
    public Task Flush() => Append([]);

    /// <summary>Runs the retention now; completes with the number of events removed.</summary>
    public Task<int> Prune()
    {
        var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_work.Writer.TryWrite(new PruneWork(done))) done.SetException(new ObjectDisposedException(nameof(EventStore)));
        return done.Task;
    }

    /// <summary>One page of events that pass every filter of <paramref name="query"/>.</summary>
    public EventPage Query(EventQuery query)
    {
        using var connection = new SqliteConnection(_writer.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        var sql = new StringBuilder("SELECT seq, time_ms, host_name, type, pid, name, body FROM events WHERE seq > $since");
        command.Parameters.AddWithValue("$since", query.SinceSeq);
        In(command, sql, "host_name", query.Hosts);
        In(command, sql, "type", query.Types?.Select(t => t.ToWire()).ToList());
        In(command, sql, "name", query.Names);
        if (query.Pid is { } pid) Condition(command, sql, "pid = $pid", "$pid", pid);
        if (query.From is { } from) Condition(command, sql, "time_ms >= $from", "$from", from.ToUnixTimeMilliseconds());
        if (query.To is { } to) Condition(command, sql, "time_ms < $to", "$to", to.ToUnixTimeMilliseconds());
        sql.Append(query.Descending ? " ORDER BY seq DESC" : " ORDER BY seq ASC").Append(" LIMIT $limit");
        command.Parameters.AddWithValue("$limit", query.Limit);
        command.CommandText = sql.ToString();

        var events = new List<StoredEvent>();
        using (var reader = command.ExecuteReader())
            while (reader.Read())
                events.Add(new StoredEvent(reader.GetInt64(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)), reader.GetString(2),
                    WireNames.EventTypes.TryParse(reader.GetString(3), out var type) ? type : default,
                    reader.IsDBNull(4) ? null : reader.GetInt32(4), reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetString(6)));
        return new EventPage(events, events.Count == 0 ? query.SinceSeq : events.Max(e => e.Seq));
    }

    /// <summary>
    /// Every event after <see cref="EventQuery.SinceSeq"/> that passes the query's filters, in seq order, one page of
    /// <see cref="EventQuery.MaxLimit"/> at a time: a long gap takes a few queries, never one huge answer.
    /// </summary>
    public IEnumerable<EventPage> PagesAfter(EventQuery query)
    {
        var page = query with { Limit = EventQuery.MaxLimit, Descending = false };
        EventPage read;
        do
        {
            read = Query(page);
            yield return read;
            page = page with { SinceSeq = read.NextSeq };
        }
        while (read.Events.Count == EventQuery.MaxLimit);
    }

    /// <summary>The seq of the newest stored event, 0 when there is none.</summary>
    public long LastSeq() => Query(new EventQuery(Limit: 1, Descending: true)).NextSeq;

    /// <summary>Stored events, hub-made ones included.</summary>
    public long Count()
    {
        using var connection = new SqliteConnection(_writer.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM events";
        return (long)command.ExecuteScalar()!;
    }

    private static void In(SqliteCommand command, StringBuilder sql, string column, IReadOnlyList<string>? values)
    {
        if (values is not { Count: > 0 }) return;
        var names = values.Select((value, i) =>
        {
            var name = $"${column}{i}";
            command.Parameters.AddWithValue(name, value);
            return name;
        });
        sql.Append($" AND {column} IN ({string.Join(", ", names)})");
    }

    private static void Condition(SqliteCommand command, StringBuilder sql, string condition, string name, object value)
    {
        sql.Append(" AND ").Append(condition);
        command.Parameters.AddWithValue(name, value);
    }

    private async Task WriteLoop()
    {
        using var insert = _writer.CreateCommand();
        insert.CommandText = "INSERT OR IGNORE INTO events (time_ms, host_name, type, pid, name, journal_id, node_seq, body) " +
                             "VALUES ($time, $host, $type, $pid, $name, $journal, $nodeSeq, $body) RETURNING seq";
        var parameters = new[] { "$time", "$host", "$type", "$pid", "$name", "$journal", "$nodeSeq", "$body" }
            .Select(name => insert.Parameters.Add(new SqliteParameter { ParameterName = name })).ToArray();
        var appends = new List<AppendWork>();
        while (await _work.Reader.WaitToReadAsync())
        {
            appends.Clear();
            var count = 0;
            while (count < MaxEventsPerTransaction && _work.Reader.TryRead(out var work))
            {
                if (work is PruneWork prune) RunPrune(prune.Done);
                else if (work is AppendWork append)
                {
                    appends.Add(append);
                    count += append.Events.Count;
                }
            }
            if (appends.Count > 0) Commit(insert, parameters, appends);
        }
    }

    private void Commit(SqliteCommand insert, SqliteParameter[] p, List<AppendWork> appends)
    {
        var stored = new List<IReadOnlyList<StoredEvent>>(appends.Count);
        try
        {
            using var transaction = _writer.BeginTransaction();
            insert.Transaction = transaction;
            foreach (var append in appends)
            {
                var added = new List<StoredEvent>();
                foreach (var (e, journalId, nodeSeq) in append.Events)
                {
                    var body = WireResponseWriter.EventBody(e);
                    p[0].Value = e.Time.ToUnixTimeMilliseconds();
                    p[1].Value = e.HostName;
                    p[2].Value = e.Type.ToWire();
                    p[3].Value = (object?)e.Pid ?? DBNull.Value;
                    p[4].Value = (object?)e.Name ?? DBNull.Value;
                    p[5].Value = (object?)journalId ?? DBNull.Value;
                    p[6].Value = (object?)nodeSeq ?? DBNull.Value;
                    p[7].Value = body;
                    if (insert.ExecuteScalar() is long seq) // null: a resent event, stored before
                        added.Add(new StoredEvent(seq, e.Time, e.HostName, e.Type, e.Pid, e.Name, body));
                }
                stored.Add(added);
            }
            transaction.Commit();
        }
        catch (SqliteException ex)
        {
            _log.LogError(ex, "Could not store {Count} event batches; their senders will resend them", appends.Count);
            foreach (var append in appends) append.Done.TrySetException(ex);
            return;
        }
        for (var i = 0; i < appends.Count; i++)
        {
            _feed.Publish(stored[i]);
            appends[i].Done.TrySetResult(stored[i]);
        }
    }

    private void RunPrune(TaskCompletionSource<int> done)
    {
        try
        {
            using var command = _writer.CreateCommand();
            command.CommandText = "DELETE FROM events WHERE time_ms < $cutoff; " +
                                  "DELETE FROM events WHERE seq <= (SELECT seq FROM events ORDER BY seq DESC LIMIT 1 OFFSET $max);";
            command.Parameters.AddWithValue("$cutoff", (DateTimeOffset.UtcNow - _options.MaxAge).ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$max", _options.MaxCount);
            var removed = command.ExecuteNonQuery();
            if (removed > 0) _log.LogInformation("Pruned {Count} events (retention: {MaxAge}, {MaxCount} events)", removed, _options.MaxAge, _options.MaxCount);
            done.TrySetResult(removed);
        }
        catch (SqliteException ex)
        {
            _log.LogError(ex, "Could not prune the event history");
            done.TrySetException(ex);
        }
    }

    private async Task PruneLoop()
    {
        using var timer = new PeriodicTimer(_options.PruneInterval);
        try
        {
            do
            {
                try
                {
                    await Prune();
                }
                catch (SqliteException)
                {
                    // logged by RunPrune; the next round tries again
                }
            }
            while (await timer.WaitForNextTickAsync(_stopping.Token));
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            // the store is stopping
        }
    }

    /// <summary>Stores what was handed over, then closes the database and ends every live stream.</summary>
    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        _work.Writer.TryComplete();
        await _writing;
        await _pruning;
        _feed.CompleteAll();
        _writer.Dispose();
        _stopping.Dispose();
    }
}
