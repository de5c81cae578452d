using System.Text;
using Akka.Actor;
using Akka.Hosting;
using BlueZero.Hub.Actors;
using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;

namespace BlueZero.Hub.Http;

/// <summary>
/// GET /hosts/{host}/processes/{pid-or-name}/output: a process's captured output as chunked text/plain, one line per
/// line. With follow=true it behaves like <c>tail -f</c>: the last 10 lines, then new ones as they are written, and a
/// last line with the exit code once the process has ended. Each read is a bounded page (at most 256 KiB) fetched from
/// the node with a long poll, so a follower holds no actor and at most one page; a slow client slows only itself, and
/// one that disconnects, or a hub that stops, ends the request at once (a read another follower shares goes on).
/// Followers at the same point share their reads (<see cref="SharedPageReads"/>), and read on a common beat so that
/// they come to the same point.
/// </summary>
public static class OutputFollowing
{
    public const string Route = "/hosts/{host}/processes/{process}/output";
    private const int DefaultFollowTail = 10;
    private static readonly TimeSpan PollWait = TimeSpan.FromSeconds(10);

    /// <summary>
    /// After a page with lines, a follower waits for the next beat of this period before asking again, so that a process
    /// writing as fast as it can is followed in batches, not by ten followers spinning through the node at full speed.
    /// It bounds how late a line can be (far inside the 200 ms a follower may lag) and how much cpu followers take from
    /// the process. The beat is the same for every follower: followers that read at the same moment reach the same
    /// point, and from then on share each read.
    /// </summary>
    public const int BatchPeriodMs = 100;

    public static void Map(WebApplication app, RouteTimeouts timeouts)
    {
        var shared = new SharedPageReads<FetchedPage>();
        app.MapGet(Route, (HttpContext context, string host, string process, ActorRegistry actors) =>
            Serve(context, host, process, actors.Get<RequestRouter>(), shared, timeouts));
    }

    private sealed record FollowRequest(ProcessTarget Target, string Stream, bool Follow, int? Tail, long? SinceSeq);

    /// <summary>Reads with equal keys have the same answer.</summary>
    private sealed record ReadKey(string Host, ReadOutput Read);

    /// <param name="Text">The page rendered and encoded for the client, once for all who share it.</param>
    private sealed record FetchedPage(RouteOutcome Outcome, byte[] Text);

    private static async Task Serve(HttpContext context, string host, string process, IActorRef router, SharedPageReads<FetchedPage> shared, RouteTimeouts timeouts)
    {
        if (Parse(context.Request.Query, process, out var error) is not { } request)
        {
            await JsonReply.Error(context, StatusCodes.Status400BadRequest, error!);
            return;
        }
        if (request.Follow) StreamShutdown.EndWhenTheHubStops(context);
        var since = request.SinceSeq;
        var first = true;
        var aborted = context.RequestAborted;
        try
        {
            while (!aborted.IsCancellationRequested)
            {
                var wait = request.Follow && !first ? PollWait : TimeSpan.Zero;
                var read = new ReadOutput(request.Target, request.Stream, first ? request.Tail : null, since, (int)wait.TotalMilliseconds);
                // The long poll waits up to PollWait for the node; a client that leaves, or a hub that stops, must not
                // wait with it (a stopping hub waits for every open request: SIGTERM took 10 s with a follower open).
                var (outcome, text) = await shared.Read(new ReadKey(host, read), () => Fetch(router, host, read, timeouts), IsWorthSharing)
                    .WaitAsync(aborted);
                if (outcome is not NodeAnswered { Reply: OutputRead page })
                {
                    var (status, message) = Failure(outcome);
                    if (first) await JsonReply.Error(context, status, message);
                    else await Write(context, Encoding.UTF8.GetBytes($"[bluezero] output stream interrupted: {message}\n"));
                    return;
                }
                if (first)
                {
                    context.Response.StatusCode = StatusCodes.Status200OK;
                    context.Response.ContentType = "text/plain; charset=utf-8";
                    context.Response.Headers.CacheControl = "no-cache";
                    context.Response.Headers["X-Accel-Buffering"] = "no"; // proxies must not hold lines back
                }
                await Write(context, text);
                var delivered = page.Lines.Count;
                since = page.NextSeq;
                first = false;
                if (request.Follow && page.Final)
                {
                    await Write(context, Encoding.UTF8.GetBytes(FinalLine(page)));
                    return;
                }
                if (!request.Follow && delivered == 0) return;
                if (request.Follow && delivered > 0) await Task.Delay(UntilNextBeat(), aborted);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // the client went away: nothing to clean up but this request
        }
    }

    private static TimeSpan UntilNextBeat() => TimeSpan.FromMilliseconds(BatchPeriodMs - Environment.TickCount64 % BatchPeriodMs);

    private static async Task<FetchedPage> Fetch(IActorRef router, string host, ReadOutput read, RouteTimeouts timeouts)
    {
        var request = new HubRequest(WireOperations.ReadOutput, host, read);
        var outcome = await RequestRouter.Ask(router, request, timeouts.For(request));
        return new FetchedPage(outcome, outcome is NodeAnswered { Reply: OutputRead page } ? Encoding.UTF8.GetBytes(Render(page, read.SinceSeq, read.Stream)) : []);
    }

    /// <summary>An empty page is not handed on: whoever got it asks again at once, and must reach the node.</summary>
    private static bool IsWorthSharing(FetchedPage fetched) =>
        fetched.Outcome is NodeAnswered { Reply: OutputRead page } && (page.Lines.Count > 0 || page.Final);

    private static FollowRequest? Parse(IQueryCollection query, string process, out string? error)
    {
        error = null;
        var target = int.TryParse(process, out var pid) && pid > 0 ? ProcessTarget.ByPid(pid) : ProcessTarget.ByName(process);
        var follow = query["follow"].ToString() switch
        {
            "" or "false" or "0" => false,
            "true" or "1" => (bool?)true,
            _ => null,
        };
        if (follow is null)
        {
            error = ErrorTexts.InvalidValue("follow", "must be true or false");
            return null;
        }
        var stream = query["stream"].ToString() is { Length: > 0 } s ? s : OutputStreams.Both;
        if (!OutputStreams.All.Contains(stream))
        {
            error = ErrorTexts.OutOfRange("stream", "one of " + string.Join(", ", OutputStreams.All));
            return null;
        }
        int? tail = follow.Value ? DefaultFollowTail : null;
        if (query["tail"].ToString() is { Length: > 0 } tailText)
        {
            if (!int.TryParse(tailText, out var n) || n < 0)
            {
                error = ErrorTexts.OutOfRange("tail", "0 or more lines");
                return null;
            }
            tail = n;
        }
        long? since = null;
        if (query["since_seq"].ToString() is { Length: > 0 } sinceText)
        {
            if (!long.TryParse(sinceText, out var n) || n < 0)
            {
                error = ErrorTexts.OutOfRange("since_seq", "0 or more");
                return null;
            }
            since = n;
            if (query["tail"].Count == 0) tail = null; // paging from a point: everything after it
        }
        return new FollowRequest(target, stream, follow.Value, tail, since);
    }

    private static string Render(OutputRead page, long? since, string stream)
    {
        var text = new StringBuilder();
        // Both streams share one sequence, so a jump means lines left the node's buffer before we read them.
        if (stream == OutputStreams.Both && since is { } previous && page.Lines.Count > 0 && page.Lines[0].Seq > previous + 1)
            text.Append("[bluezero] ").Append(page.Lines[0].Seq - previous - 1).Append(" lines dropped (still in the node's output files)\n");
        foreach (var line in page.Lines) text.Append(line.Text).Append('\n');
        return text.ToString();
    }

    private static string FinalLine(OutputRead page)
    {
        var exit = page.Exit;
        var code = exit?.ExitCode is { } c ? c.ToString() : "unknown";
        var signal = exit?.Signal is { } s ? $" signal={s}" : "";
        var pid = page.Pid is { } p ? $"pid {p} " : "";
        return $"[bluezero] {pid}exited: exit_code={code}{signal}\n";
    }

    private static (int Status, string Message) Failure(RouteOutcome outcome) => outcome switch
    {
        NodeAnswered { Reply: CommandFailed failed } => (ErrorStatuses.Of(failed.Code), failed.ErrorMessage),
        RouteFailed failed => (ErrorStatuses.Of(failed.Code), failed.ErrorMessage),
        _ => (StatusCodes.Status500InternalServerError, ErrorTexts.InternalError),
    };

    private static async Task Write(HttpContext context, byte[] text)
    {
        if (text.Length == 0) return;
        await context.Response.Body.WriteAsync(text, context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }
}
