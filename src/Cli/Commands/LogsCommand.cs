using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using BlueZero.Cli.Rendering;
using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;
using Spectre.Console;

namespace BlueZero.Cli.Commands;

/// <summary>
/// <c>b0 logs HOST TARGET</c>: read_output once; with -f, the hub's follow endpoint (section 9.1) until the process
/// ends, its last line telling how. A name that is not started yet is waited for.
/// </summary>
public static class LogsCommand
{
    private const string NodeLinePrefix = "[bluezero] ";

    public static Command Create(B0CommandLine cli)
    {
        var host = Requests.Host();
        var target = Requests.Target();
        var follow = new Option<bool>("--follow", "-f") { Description = "follow until the process ends (and print how); waits for a name not started yet" };
        var stream = new Option<string>("--stream") { Description = "stdout, stderr or both", DefaultValueFactory = _ => OutputStreams.Both };
        stream.AcceptOnlyFromAmong(OutputStreams.All.ToArray());
        var tail = new Option<int?>("--tail") { Description = "start with the last N lines (default: all; 10 with -f)", HelpName = "N" };
        var since = new Option<long?>("--since-seq") { Description = "only lines after this sequence number", HelpName = "N" };
        var timestamps = new Option<bool>("--timestamps") { Description = "prefix each line with its time (with -f: when b0 received it)" };
        var raw = new Option<bool>("--raw") { Description = "the process's text only: no colour, no [bluezero] lines" };
        foreach (var option in new Option<int?>[] { tail }) option.Validators.Add(r => { if (r.GetValueOrDefault<int?>() < 0) r.AddError("--tail takes 0 or more"); });
        var command = new Command("logs", "a process's captured output") { host, target, follow, stream, tail, since, timestamps, raw };
        cli.SetAction(command, async (parsed, context, cancel) =>
        {
            var options = new LogOptions(parsed.GetValue(host)!, parsed.GetValue(target)!, parsed.GetValue(stream)!, parsed.GetValue(tail),
                parsed.GetValue(since), parsed.GetValue(timestamps), parsed.GetValue(raw));
            return parsed.GetValue(follow) ? await Follow(context, options, cancel) : await ReadOnce(context, options, cancel);
        });
        return command;
    }

    public sealed record LogOptions(string Host, string Target, string Stream, int? Tail, long? SinceSeq, bool Timestamps, bool Raw);

    private static async Task<CliExit> ReadOnce(CommandContext context, LogOptions options, CancellationToken cancel)
    {
        var body = Requests.TargetFields(options.Target);
        body["stream"] = options.Stream;
        if (options.Tail is { } tail) body["tail"] = tail;
        if (options.SinceSeq is { } since) body["since_seq"] = since;
        var reply = (await context.Hub.Control(Requests.For(options.Host, WireOperations.ReadOutput, body), cancel)).Ensure(WireOperations.ReadOutput);
        if (context.Terminal.Json)
        {
            context.Terminal.JsonLine(reply.Body);
            return CliExit.Ok;
        }
        foreach (var line in (reply.Of(WireOperations.ReadOutput)["lines"] as JsonArray ?? []).OfType<JsonObject>())
            Print(context.Terminal, options, Units.String(line["text"]) ?? "", Units.String(line["stream"]), Units.String(line["ts"]));
        return CliExit.Ok;
    }

    private static async Task<CliExit> Follow(CommandContext context, LogOptions options, CancellationToken cancel)
    {
        var query = $"follow=true&stream={options.Stream}" + (options.Tail is { } t ? $"&tail={t}" : "") + (options.SinceSeq is { } s ? $"&since_seq={s}" : "");
        var path = $"hosts/{Uri.EscapeDataString(options.Host)}/processes/{Uri.EscapeDataString(options.Target)}/output?{query}";
        using var response = await OpenWhenStarted(context, options, path, cancel);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel));
        while (await reader.ReadLineAsync(cancel) is { } line)
        {
            if (context.Terminal.Json) context.Terminal.JsonLine(new JsonObject { ["text"] = line });
            else Print(context.Terminal, options, line, line.StartsWith(NodeLinePrefix) ? OutputStreams.Node : null, DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        }
        return CliExit.Ok;
    }

    /// <summary>A name not known yet is asked for again until it is started (nomad #4663), or until Ctrl-C.</summary>
    private static async Task<HttpResponseMessage> OpenWhenStarted(CommandContext context, LogOptions options, string path, CancellationToken cancel)
    {
        var waitingFor = ErrorTexts.NoSuchName(options.Target);
        while (true)
        {
            try
            {
                return await context.Hub.OpenStream(path, null, cancel);
            }
            catch (CliFailure failure) when (failure.Message == waitingFor)
            {
                await Task.Delay(CliDefaults.AwaitNameInterval, cancel);
            }
        }
    }

    private static void Print(Terminal terminal, LogOptions options, string text, string? stream, string? ts)
    {
        if (options.Raw)
        {
            if (stream != OutputStreams.Node && !text.StartsWith(NodeLinePrefix)) terminal.Writer.WriteLine(text);
            else Console.Error.WriteLine(text); // how it ended still reaches the user, off the process's text
            return;
        }
        var prefix = options.Timestamps ? Units.Time(ts) + " " : "";
        var style = stream switch
        {
            OutputStreams.Stderr => new Style(Color.Red),
            OutputStreams.Node => new Style(Color.Grey),
            _ => Style.Plain,
        };
        terminal.Line(prefix + text, style);
    }
}
