using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using Akka.Actor;
using Akka.Hosting;
using BlueZero.Hub.Actors;
using BlueZero.Hub.Events;
using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;

namespace BlueZero.Hub.Http;

/// <summary>
/// What every open dashboard page needs to draw the fleet and the process table, as ready-to-send Server-Sent Events
/// frames, built once for all pages:
/// <list type="bullet">
/// <item><c>event: fleet</c>, the full snapshot <c>{"fleet":GET /hosts,"processes":cluster-wide list_processes}</c>,
/// when a host came, went or changed status, or a process changed (a stored event says so, or its figures did; its
/// <c>uptime_s</c> alone does not count: it grows every read, and the page counts uptime from <c>started_at</c>, so an
/// idle fleet's table is not sent to every page again every few seconds);</item>
/// <item><c>event: hosts</c>, GET /hosts alone, when only the hosts' CPU and memory figures changed.</item>
/// </list>
/// While at least one page listens, the registry is read every refresh period (a local read: no node is asked), the
/// hosts and processes are read again at the next refresh after a host came, went or changed status or a stored event
/// about a process, and every figure (host and process) is read again once per figures period: an idle mesh with pages
/// open costs the hub one local read a second and one read of every node every few seconds. (Asking every node for its
/// state each second cost about 0.1 % of a core with 10 hosts, bench/PROFILE.md.)
/// Each page has its own small buffer that keeps the newest frames, so a slow page costs the hub a few frames, never a
/// queue that grows. When the last page leaves, the latest snapshot is kept (not refreshed) for
/// <see cref="KeepAfterLastPage"/>: a reload or another tab draws it at once, and the hub checks it straight away and
/// sends what changed. Gathering a fresh one costs about 0.1 s with 10 hosts and 1,000 processes, so it begins when
/// the page's HTML is served (<see cref="ExpectPage"/>), while the browser loads the page's modules, not when its stream opens.
/// </summary>
public sealed partial class FleetSnapshots(ActorRegistry actors, HubOptions options, IEventFeed feed, ILogger<FleetSnapshots> log) : BackgroundService
{
    public const string FleetEvent = "fleet";
    public const string HostsEvent = "hosts";

    /// <summary>Frames a page may be behind; older ones are dropped (a full snapshot says everything they did).</summary>
    private const int PageBuffer = 4;

    /// <summary>How long a page whose HTML was served counts as listening before its stream opens.</summary>
    private static readonly TimeSpan ExpectedPageWindow = TimeSpan.FromSeconds(5);

    /// <summary>How long the latest snapshot is kept once no page listens (see the class comment).</summary>
    public static readonly TimeSpan KeepAfterLastPage = TimeSpan.FromMinutes(1);

    /// <summary>One Server-Sent Events message, encoded once for every page.</summary>
    public sealed record Frame(string Event, byte[] Bytes)
    {
        public static Frame Of(string name, string json) => new(name, Encoding.UTF8.GetBytes($"event: {name}\ndata: {json}\n\n"));
    }

    /// <summary>What a page that arrives now gets first: the latest full snapshot and the host figures sent after it.</summary>
    private sealed record Latest(Frame Full, Frame? Hosts);

    private readonly ConcurrentDictionary<Channel<Frame>, byte> _pages = new();
    /// <summary>A page arrived and no snapshot is at hand: gather one now rather than at the next tick.</summary>
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private volatile Latest? _latest;
    /// <summary>The kept snapshot has not been checked since a page last listened: the next page wakes the gatherer.</summary>
    private volatile bool _unchecked;

    // The gatherer's own state (one loop).
    private IReadOnlyList<NodeEntry>? _membership;
    /// <summary>The hosts and, with its uptimes taken out, the listing last sent: what a new read is compared with.</summary>
    private string? _hostsJson, _processesWithoutUptimes;
    private long _figuresAt;
    private bool _processesDue = true;
    private long? _noPageSince;
    private long _pageExpectedAt = long.MinValue / 2;

    /// <summary>A page's buffer, starting with the latest snapshot when there is one. Dispose it when the page leaves.</summary>
    public Subscription Subscribe()
    {
        var channel = Channel.CreateBounded<Frame>(new BoundedChannelOptions(PageBuffer)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        _pages[channel] = 0;
        if (_latest is { } latest)
        {
            channel.Writer.TryWrite(latest.Full);
            if (latest.Hosts is { } hosts) channel.Writer.TryWrite(hosts);
        }
        WakeUnlessChecked();
        return new Subscription(channel.Reader, () => _pages.TryRemove(channel, out _));
    }

    /// <summary>A page's HTML was served to someone allowed to see it: have a checked snapshot ready for its stream.</summary>
    public void ExpectPage()
    {
        Interlocked.Exchange(ref _pageExpectedAt, Stopwatch.GetTimestamp());
        WakeUnlessChecked();
    }

    /// <summary>No snapshot, or one not checked since a page last listened: gather now rather than at the next tick.</summary>
    private void WakeUnlessChecked()
    {
        if (_latest is null || _unchecked) _wake.Writer.TryWrite(true);
    }

    private bool Listening => !_pages.IsEmpty || Stopwatch.GetElapsedTime(Interlocked.Read(ref _pageExpectedAt)) < ExpectedPageWindow;

    public sealed class Subscription(ChannelReader<Frame> reader, Action leave) : IDisposable
    {
        public ChannelReader<Frame> Frames => reader;
        public void Dispose() => leave();
    }

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(options.DashboardRefresh);
        EventSubscription? events = null;
        try
        {
            var tick = timer.WaitForNextTickAsync(stopping).AsTask();
            var wake = _wake.Reader.WaitToReadAsync(stopping).AsTask();
            Task<bool>? happened = null;
            while (true)
            {
                if (!Listening)
                {
                    // Nobody looks: follow nothing; keep the latest snapshot a while, marked to be checked by the next page.
                    events?.Dispose();
                    (events, happened, _processesDue, _figuresAt, _unchecked) = (null, null, true, 0, true);
                    _noPageSince ??= Stopwatch.GetTimestamp();
                    if (Stopwatch.GetElapsedTime(_noPageSince.Value) >= KeepAfterLastPage)
                        (_latest, _membership, _hostsJson, _processesWithoutUptimes) = (null, null, null, null);
                }
                else
                {
                    _noPageSince = null;
                    if (events is null)
                    {
                        events = feed.Subscribe(options.Events.StreamBuffer);
                        happened = events.Events.WaitToReadAsync(stopping).AsTask();
                    }
                    try
                    {
                        await Refresh(stopping);
                        _unchecked = false;
                    }
                    catch (AskTimeoutException ex)
                    {
                        // A busy hub answered late: the pages keep what they have, and the next pass reads everything again.
                        log.LogWarning("The dashboard's fleet snapshot was not gathered in time: {Reason}", ex.Message);
                        _membership = null;
                    }
                }
                var woke = await Task.WhenAny(happened is null ? [tick, wake] : [tick, wake, happened]);
                if (woke == tick)
                {
                    if (!await tick) return;
                    tick = timer.WaitForNextTickAsync(stopping).AsTask();
                    if (events is not null && happened is null) happened = events.Events.WaitToReadAsync(stopping).AsTask();
                }
                else if (woke == wake)
                {
                    _wake.Reader.TryRead(out _);
                    wake = _wake.Reader.WaitToReadAsync(stopping).AsTask();
                }
                else
                {
                    // Processes changed: list them now, then not again before the next tick however many events come.
                    if (await happened!) while (events!.Events.TryRead(out _)) { }
                    else
                    {
                        // it fell behind in a burst, or the store stops: subscribe anew at the next pass
                        events!.Dispose();
                        events = null;
                    }
                    (happened, _processesDue) = (null, true);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the hub is stopping
        }
        finally
        {
            events?.Dispose();
        }
    }

    /// <param name="stopping">Ends the asks when the hub stops: the actor system may be gone before this service is
    /// stopped, and an ask it will never answer would hold the hub's exit for a whole request timeout.</param>
    private async Task Refresh(CancellationToken stopping)
    {
        var router = actors.Get<RequestRouter>();
        var timeout = options.RequestTimeout + TimeSpan.FromSeconds(2);
        // Whether a host came, went or changed status is the registry's to say: a local read, no node is asked.
        var membership = (await router.Ask<RegistrySnapshot>(new GetRegistrySnapshot(), timeout, stopping)).Nodes.Values.ToList();
        var figuresDue = Stopwatch.GetElapsedTime(_figuresAt) >= options.DashboardFigures;
        var membershipChanged = _membership is null || !_membership.SequenceEqual(membership);
        if (!membershipChanged && !_processesDue && !figuresDue) return;

        var hosts = (await router.Ask<HostsListed>(new ListHosts(), timeout, stopping)).Hosts;
        var hostsJson = WireResponseWriter.Hosts(hosts);
        if (figuresDue) _figuresAt = Stopwatch.GetTimestamp();
        _processesDue = false;
        _membership = membership;
        var processesJson = await ListProcesses(router, timeout, stopping);
        // A process's uptime_s grows at every read: a listing that differs in nothing else is not news.
        var withoutUptimes = UptimeField().Replace(processesJson, "");
        if (membershipChanged || withoutUptimes != _processesWithoutUptimes)
        {
            (_hostsJson, _processesWithoutUptimes) = (hostsJson, withoutUptimes);
            Publish(new Latest(Frame.Of(FleetEvent, $$"""{"fleet":{{hostsJson}},"processes":{{processesJson}}}"""), null), full: true);
        }
        else if (figuresDue && hostsJson != _hostsJson && _latest is { } latest)
        {
            _hostsJson = hostsJson;
            Publish(latest with { Hosts = Frame.Of(HostsEvent, hostsJson) }, full: false);
        }
    }

    // A field name in quotes followed by a colon never occurs inside a JSON string value, where quotes are escaped.
    [GeneratedRegex("\"uptime_s\":[-+.0-9eE]+")]
    private static partial Regex UptimeField();

    private void Publish(Latest latest, bool full)
    {
        _latest = latest;
        var frame = full ? latest.Full : latest.Hosts!;
        foreach (var page in _pages.Keys) page.Writer.TryWrite(frame);
    }

    private static async Task<string> ListProcesses(IActorRef router, TimeSpan timeout, CancellationToken stopping)
    {
        var request = new HubRequest(WireOperations.ListProcesses, null, new ListProcesses());
        return await RequestRouter.Ask(router, request, timeout, stopping) switch
        {
            ClusterWideAnswered all => WireResponseWriter.ClusterWide(WireOperations.ListProcesses, all.Hosts),
            RouteFailed failed => WireResponseWriter.Error(failed.ErrorMessage, WireOperations.ListProcesses),
            _ => WireResponseWriter.Error(ErrorTexts.InternalError, WireOperations.ListProcesses),
        };
    }
}
