using BlueZero.Hub.Events;
using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;
using Microsoft.Data.Sqlite;

namespace BlueZero.Hub.Plans;

/// <summary>A step as stored: where it stood when the hub last saw it change.</summary>
public sealed record StoredStep(string Name, string Host, int? Pid, StepState State, DateTimeOffset? Since);

/// <summary>A plan as stored: its definition as applied, its state, and its steps.</summary>
public sealed record StoredPlan(PlanDefinition Definition, PlanState State, DateTimeOffset AppliedAt, IReadOnlyDictionary<string, StoredStep> Steps);

/// <summary>
/// Launch plans in hub.db (tables plans and plan_steps, <see cref="Events.HubDatabase"/>), so that a restarted hub still
/// knows them. Every call runs off the caller's thread, one at a time, on a connection of its own; actors pipe the
/// results back. A definition is stored as its canonical JSON and read back through the wire parser.
/// </summary>
public sealed class PlanStore(string connectionString)
{
    private readonly SemaphoreSlim _one = new(1, 1);

    public Task<StoredPlan?> Load(string name) => Run(connection => Read(connection, name));

    public Task<IReadOnlyList<StoredPlan>> All() => Run<IReadOnlyList<StoredPlan>>(connection =>
        Names(connection).Select(name => Read(connection, name)).OfType<StoredPlan>().ToList());

    /// <summary>Stores the definition, drops the steps it no longer has, and sets the plan's state.</summary>
    public Task Save(PlanDefinition plan, PlanState state) => Run(connection =>
    {
        using var transaction = connection.BeginTransaction();
        HubDatabase.Execute(connection, transaction, "INSERT INTO plans (name, definition, state, applied_ms) VALUES ($name, $definition, $state, $at) " +
                                         "ON CONFLICT (name) DO UPDATE SET definition = $definition, state = $state, applied_ms = $at",
            ("$name", plan.Name), ("$definition", plan.Json), ("$state", state.ToWire()), ("$at", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        var keep = plan.Steps.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var step in StepNames(connection, transaction, plan.Name).Where(s => !keep.Contains(s)))
            HubDatabase.Execute(connection, transaction, "DELETE FROM plan_steps WHERE plan = $plan AND step = $step", ("$plan", plan.Name), ("$step", step));
        transaction.Commit();
    });

    public Task SetState(string plan, PlanState state) => Run(connection =>
        HubDatabase.Execute(connection, null, "UPDATE plans SET state = $state WHERE name = $name", ("$name", plan), ("$state", state.ToWire())));

    public Task SaveStep(string plan, StoredStep step) => Run(connection =>
        HubDatabase.Execute(connection, null, "INSERT INTO plan_steps (plan, step, host, pid, state, since_ms) VALUES ($plan, $step, $host, $pid, $state, $since) " +
                                  "ON CONFLICT (plan, step) DO UPDATE SET host = $host, pid = $pid, state = $state, since_ms = $since",
            ("$plan", plan), ("$step", step.Name), ("$host", step.Host), ("$pid", step.Pid), ("$state", step.State.ToWire()),
            ("$since", step.Since?.ToUnixTimeMilliseconds())));

    public Task Delete(string plan) => Run(connection =>
        HubDatabase.Execute(connection, null, "DELETE FROM plan_steps WHERE plan = $name; DELETE FROM plans WHERE name = $name", ("$name", plan)));

    private Task Run(Action<SqliteConnection> work) => Run(connection =>
    {
        work(connection);
        return true;
    });

    private async Task<T> Run<T>(Func<SqliteConnection, T> work)
    {
        await _one.WaitAsync();
        try
        {
            return await Task.Run(() =>
            {
                using var connection = new SqliteConnection(connectionString);
                connection.Open();
                return work(connection);
            });
        }
        finally
        {
            _one.Release();
        }
    }

    private static StoredPlan? Read(SqliteConnection connection, string name)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT definition, state, applied_ms FROM plans WHERE name = $name";
        command.Parameters.AddWithValue("$name", name);
        using var reader = command.ExecuteReader();
        if (!reader.Read()) return null;
        var parsed = WireParser.Parse($"{{\"{WireOperations.ApplyPlan}\":{{\"plan\":{reader.GetString(0)}}}}}");
        if (parsed.Request?.Command is not ApplyPlan { Problems.Count: 0 } apply) return null; // written by this parser: cannot happen
        WireNames.PlanStates.TryParse(reader.GetString(1), out var state);
        return new StoredPlan(apply.Plan, state, DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)), Steps(connection, name));
    }

    private static IReadOnlyDictionary<string, StoredStep> Steps(SqliteConnection connection, string plan)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT step, host, pid, state, since_ms FROM plan_steps WHERE plan = $plan";
        command.Parameters.AddWithValue("$plan", plan);
        using var reader = command.ExecuteReader();
        var steps = new Dictionary<string, StoredStep>(StringComparer.Ordinal);
        while (reader.Read())
        {
            WireNames.StepStates.TryParse(reader.GetString(3), out var state);
            steps[reader.GetString(0)] = new StoredStep(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetInt32(2), state,
                reader.IsDBNull(4) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)));
        }
        return steps;
    }

    private static List<string> Names(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM plans ORDER BY name";
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read()) names.Add(reader.GetString(0));
        return names;
    }

    private static List<string> StepNames(SqliteConnection connection, SqliteTransaction transaction, string plan)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT step FROM plan_steps WHERE plan = $plan";
        command.Parameters.AddWithValue("$plan", plan);
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read()) names.Add(reader.GetString(0));
        return names;
    }
}
