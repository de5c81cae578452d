using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BlueZero.Cli.Http;
using BlueZero.Cli.Rendering;
using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;
using Spectre.Console;

namespace BlueZero.Cli.Commands;

/// <summary>
/// <c>b0 events</c>: the newest page of the hub's event history, GET /events?order=desc, shown oldest first as a table;
/// with -f, that page one event a line, then GET /events/stream (server-sent events) from after it, reconnecting
/// from the last event printed after a drop so nothing is missed or repeated.
/// </summary>
public static partial class EventsCommand
{
    public static readonly IReadOnlyList<Column> Columns =
    [
        new("SEQ", r => Units.Long(r["seq"])?.ToString() ?? "") { AlignRight = true },
        new("TIME", r => Units.Time(Units.String(r["time"]))),
        new("HOST", r => Units.String(r["host_name"]) ?? ""),
        new("TYPE", r => Units.String(r["type"]) ?? "") { StyleOf = TypeStyle },
        new("NAME", r => Units.String(r["name"]) ?? ""),
        new("PID", r => Units.Long(r["pid"])?.ToString() ?? "") { AlignRight = true },
        new("DETAIL", Detail),
    ];

    public static Command Create(B0CommandLine cli)
    {
        var follow = new Option<bool>("--follow", "-f") { Description = "keep printing new events until Ctrl-C" };
        var hosts = new Option<string[]>("--host") { Description = "only events of this host (repeatable)", HelpName = "H", AllowMultipleArgumentsPerToken = false };
        var types = new Option<string[]>("--type") { Description = $"only this type (repeatable): {string.Join(", ", WireNames.EventTypes.All)}", HelpName = "T", AllowMultipleArgumentsPerToken = false };
        types.AcceptOnlyFromAmong(WireNames.EventTypes.All.ToArray());
        var name = new Option<string?>("--name") { Description = "only events of this process name", HelpName = "N" };
        var since = new Option<string?>("--since") { Description = "only events since: a duration back (10m, 2h, 30s, 1d) or an ISO-8601 time", HelpName = "WHEN" };
        since.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } text && From(text, DateTimeOffset.UtcNow) is null) r.AddError(ErrorTexts.CliBadSince(text));
        });
        var limit = new Option<int?>("--limit") { Description = "the newest N events (default 100; with -f, printed before the live ones)", HelpName = "N" };
        var command = new Command("events", "the mesh's event history: starts, exits, restarts, nodes up and down") { follow, hosts, types, name, since, limit };
        cli.SetAction(command, async (parsed, context, cancel) =>
        {
            var (hostList, typeList, from) = (parsed.GetValue(hosts) ?? [], parsed.GetValue(types) ?? [],
                parsed.GetValue(since) is { } text ? From(text, DateTimeOffset.UtcNow) : null);
            // The newest page, shown oldest first like a log: the hub's default order would show the oldest events ever.
            var reply = (await context.Hub.Get("events" + Query(hostList, typeList, parsed.GetValue(name), from, parsed.GetValue(limit), newestFirst: true), cancel)).Ensure();
            var rows = Rows(reply.Body);
            rows.Reverse();
            if (!parsed.GetValue(follow))
            {
                TableView.Show(context.Terminal, Columns, rows, wide: false);
                return CliExit.Ok;
            }
            foreach (var row in rows) Print(context.Terminal, row);
            var printedUpTo = rows.Select(r => Units.Long(r["seq"]) ?? 0).DefaultIfEmpty(0).Max();
            await Stream(context, (sinceSeq) => "events/stream" + Query(hostList, typeList, parsed.GetValue(name), from, limit: null, sinceSeq: sinceSeq),
                printedUpTo, cancel);
            return CliExit.Ok;
        });
        return command;
    }

    /// <summary>The events of a GET /events reply.</summary>
    public static List<JsonObject> Rows(JsonNode? reply) => (reply?["events"] as JsonArray ?? []).OfType<JsonObject>().ToList();

    /// <summary>The query string of both endpoints; a repeated filter is a repeated parameter.</summary>
    public static string Query(IReadOnlyList<string> hosts, IReadOnlyList<string> types, string? name, string? from, int? limit,
        bool newestFirst = false, long? sinceSeq = null)
    {
        var parts = hosts.Select(h => $"host={Uri.EscapeDataString(h)}")
            .Concat(types.Select(t => $"type={Uri.EscapeDataString(t)}"))
            .Concat(name is null ? [] : [$"name={Uri.EscapeDataString(name)}"])
            .Concat(from is null ? [] : [$"from={Uri.EscapeDataString(from)}"])
            .Concat(limit is null ? [] : [$"limit={limit}"])
            .Concat(newestFirst ? ["order=desc"] : [])
            .Concat(sinceSeq is null ? [] : [$"since_seq={sinceSeq}"])
            .ToList();
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }

    /// <summary>--since as the hub's <c>from</c>: ISO-8601 UTC; null when the text is neither a duration nor a time.</summary>
    public static string? From(string since, DateTimeOffset now)
    {
        var match = DurationPattern().Match(since);
        DateTimeOffset? at = match.Success
            ? now - int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) * match.Groups[2].Value switch
            {
                "s" => TimeSpan.FromSeconds(1),
                "m" => TimeSpan.FromMinutes(1),
                "h" => TimeSpan.FromHours(1),
                _ => TimeSpan.FromDays(1),
            }
            : DateTimeOffset.TryParse(since, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) && since.Contains('-') ? time : null;
        return at?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
    }

    /// <summary>What an event adds to its type: how a process ended, why, after how many restarts, and the delay.</summary>
    public static string Detail(JsonObject e)
    {
        var parts = new List<string>();
        if (Units.Exit(e, "exit_code", "signal") is { Length: > 0 } exit) parts.Add(exit);
        if (Units.String(e["reason"]) is { } reason) parts.Add(reason);
        if (Units.Long(e["restarts"]) is { } restarts and > 0) parts.Add($"restarts {restarts}");
        if (Units.Long(e["delay_ms"]) is { } delay) parts.Add($"in {Units.Number(delay / 1000.0)} s");
        return string.Join(", ", parts);
    }

    /// <summary>
    /// Follows the stream from after <paramref name="printedUpTo"/> (the newest event of the page printed first, so
    /// nothing is missed or repeated); after a drop it reconnects from the last event it printed.
    /// </summary>
    private static async Task Stream(CommandContext context, Func<long, string> streamFrom, long printedUpTo, CancellationToken cancel)
    {
        var lastSeq = printedUpTo;
        while (!cancel.IsCancellationRequested)
        {
            try
            {
                using var response = await context.Hub.OpenStream(streamFrom(lastSeq), null, cancel);
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel));
                await foreach (var message in ServerSentEvents.Read(reader, cancel))
                {
                    if (long.TryParse(message.Id, NumberStyles.None, CultureInfo.InvariantCulture, out var seq)) lastSeq = seq;
                    Print(context.Terminal, message);
                }
            }
            catch (IOException) when (!cancel.IsCancellationRequested)
            {
                // the connection dropped: reconnect below
            }
            catch (HttpRequestException) when (!cancel.IsCancellationRequested)
            {
            }
            await Task.Delay(CliDefaults.ReconnectDelay, cancel);
        }
    }

    public static void Print(Terminal terminal, ServerSentEvent message)
    {
        JsonObject? e = null;
        try { e = JsonNode.Parse(message.Data) as JsonObject; }
        catch (System.Text.Json.JsonException) { }
        if (e is not null) Print(terminal, e); // else not an event (a keep-alive or a type b0 does not know)
    }

    /// <summary>One event on one line (with --json, its JSON).</summary>
    public static void Print(Terminal terminal, JsonObject e)
    {
        if (terminal.Json)
        {
            terminal.JsonLine(e);
            return;
        }
        terminal.Line(string.Join("  ", Columns.Select(c => c.Cell(e)).Where(text => text.Length > 0)), TypeStyle(e) ?? Style.Plain);
    }

    private static Style? TypeStyle(JsonObject e)
    {
        if (!WireNames.EventTypes.TryParse(Units.String(e["type"]), out var type)) return null;
        return type switch
        {
            MeshEventType.ProcessFailed or MeshEventType.NodeUnreachable or MeshEventType.NodeRemoved or MeshEventType.ProcessLost
                or MeshEventType.StartFailed or MeshEventType.EventsDropped => new Style(Color.Red),
            MeshEventType.ProcessBackingOff or MeshEventType.StopRequested or MeshEventType.NodeLeft => new Style(Color.Yellow),
            MeshEventType.ProcessStarted or MeshEventType.NodeUp or MeshEventType.NodeReachable or MeshEventType.ProcessReadopted => new Style(Color.Green),
            _ => (Style?)null,
        };
    }

    [GeneratedRegex(@"^(\d{1,6})([smhd])$")]
    private static partial Regex DurationPattern();
}
