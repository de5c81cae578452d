using System.Diagnostics;
using System.Text.Json.Nodes;
using BlueZero.Cli.Http;
using BlueZero.Cli.Rendering;
using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;
using Spectre.Console;

namespace BlueZero.Cli.Commands;

/// <summary>
/// The live lines of <c>b0 up</c> and <c>b0 down</c>: the hub's plan_* events of one plan, read from GET /events/stream
/// starting after the newest event there was before the request, one line each, timed from the start of the command.
/// </summary>
public sealed class PlanProgress
{
    private static readonly MeshEventType[] Types =
    [
        MeshEventType.PlanStepStarted, MeshEventType.PlanStepReady, MeshEventType.PlanStepFailed, MeshEventType.PlanStepStopped,
        MeshEventType.PlanApplied, MeshEventType.PlanRemoved,
    ];

    private readonly CommandContext _context;
    private readonly string _plan;
    private readonly MeshEventType _last;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _lastSeen = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _reading = Task.CompletedTask;

    /// <param name="last">The event that ends the operation: plan_applied or plan_removed.</param>
    private PlanProgress(CommandContext context, string plan, MeshEventType last)
    {
        _context = context;
        _plan = plan;
        _last = last;
    }

    /// <summary>Opens the stream (after the newest event so far) before the caller sends its request.</summary>
    public static async Task<PlanProgress> Follow(CommandContext context, string plan, MeshEventType last, CancellationToken cancel)
    {
        var progress = new PlanProgress(context, plan, last);
        var newest = (await context.Hub.Get($"events?{EventFilters.Order}=desc&{EventFilters.Limit}=1", cancel)).Ensure();
        var since = Units.Long(EventsCommand.Rows(newest.Body).FirstOrDefault()?["seq"]) ?? 0;
        var query = string.Join('&', Types.Select(t => $"{EventFilters.Type}={t.ToWire()}"));
        var response = await context.Hub.OpenStream($"events/stream?{EventFilters.SinceSeq}={since}&{query}", null, cancel);
        progress._reading = progress.Read(response);
        return progress;
    }

    /// <summary>After the hub's answer: waits a little for the last lines, then closes the stream.</summary>
    public async Task End()
    {
        await Task.WhenAny(_lastSeen.Task, Task.Delay(CliDefaults.ProgressDrain));
        await _stop.CancelAsync();
        try { await _reading; }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException) { }
    }

    private async Task Read(HttpResponseMessage response)
    {
        using (response)
        using (var reader = new StreamReader(await response.Content.ReadAsStreamAsync(_stop.Token)))
            await foreach (var message in ServerSentEvents.Read(reader, _stop.Token))
            {
                if (JsonNode.Parse(message.Data) is not JsonObject e) continue;
                var name = Units.String(e["name"]) ?? "";
                if (name != _plan && !name.StartsWith(_plan + ".", StringComparison.Ordinal)) continue;
                if (!WireNames.EventTypes.TryParse(Units.String(e["type"]), out var type)) continue;
                Print(type, name.Length > _plan.Length ? name[(_plan.Length + 1)..] : name, e);
                if (type == _last) _lastSeen.TrySetResult();
            }
    }

    private void Print(MeshEventType type, string step, JsonObject e)
    {
        if (_context.Terminal.Json) return;
        var at = $"{_clock.Elapsed.TotalSeconds,7:0.000}s";
        var host = Units.String(e["host_name"]);
        var pid = Units.Long(e["pid"]);
        var error = Units.String(e["error"]);
        var (text, style) = type switch
        {
            MeshEventType.PlanStepStarted => ($"started  {step} on {host}, pid {pid}", Style.Plain),
            MeshEventType.PlanStepReady => ($"ready    {step} after {Units.Number(Units.Long(e["delay_ms"]) / 1000.0)} s", new Style(Color.Green)),
            MeshEventType.PlanStepFailed => ($"FAILED   {step}: {error}", new Style(Color.Red)),
            MeshEventType.PlanStepStopped => ($"stopped  {step} on {host}{(error is null ? "" : $" ({error})")}", new Style(Color.Yellow)),
            MeshEventType.PlanApplied when error is null => ($"plan {_plan} is up", new Style(Color.Green)),
            MeshEventType.PlanApplied => ($"plan {_plan} failed: {error}", new Style(Color.Red)),
            _ => ($"plan {_plan} removed", Style.Plain),
        };
        _context.Terminal.Line($"{at}  {text}", style);
    }

    /// <summary>The table after an apply or a remove: one row per step.</summary>
    public static readonly IReadOnlyList<Column> Columns =
    [
        new("STEP", r => Units.String(r["name"]) ?? ""),
        new("HOST", r => Units.String(r["host"]) ?? ""),
        new("PID", r => Units.Long(r["pid"])?.ToString() ?? "") { AlignRight = true },
        new("ACTION", r => Units.String(r["action"]) ?? ""),
        new("STATE", r => Units.String(r["state"]) ?? ""),
        new("READY AFTER", r => Units.Long(r["ready_after_ms"]) is { } ms ? $"{Units.Number(ms / 1000.0)} s" : "") { AlignRight = true },
        new("ERROR", r => Units.String(r["error"]) ?? ""),
    ];

    public static List<JsonObject> Rows(JsonObject reply) => (reply["processes"] as JsonArray ?? []).OfType<JsonObject>().ToList();
}
