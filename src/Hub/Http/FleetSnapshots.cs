using System.Collections.Concurrent;
using System.Threading.Channels;
using Akka.Actor;
using Akka.Hosting;
using BlueZero.Hub.Actors;
using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;

namespace BlueZero.Hub.Http;

/// <summary>
/// What every open dashboard page needs to draw the fleet and the process table: one JSON object
/// <c>{"fleet":GET /hosts,"processes":cluster-wide list_processes}</c>. While at least one page listens it is gathered
/// once per refresh period, whatever the number of pages (and at once for a page that arrives when none is at hand),
/// and handed to each page only when it changed. Each page
/// has its own small buffer that keeps the newest snapshots (a snapshot replaces the one before), so a slow page
/// costs the hub a few strings, never a queue that grows.
/// </summary>
public sealed class FleetSnapshots(ActorRegistry actors, HubOptions options) : BackgroundService
{
    /// <summary>Snapshots a page may be behind; older ones are dropped (a newer one says everything they did).</summary>
    private const int PageBuffer = 4;

    private readonly ConcurrentDictionary<Channel<string>, byte> _pages = new();
    /// <summary>A page arrived and no snapshot is at hand: gather one now rather than at the next tick.</summary>
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private volatile string? _latest;

    /// <summary>A page's buffer, starting with the latest snapshot when there is one. Dispose it when the page leaves.</summary>
    public Subscription Subscribe()
    {
        var channel = Channel.CreateBounded<string>(new BoundedChannelOptions(PageBuffer)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        _pages[channel] = 0;
        if (_latest is { } latest) channel.Writer.TryWrite(latest);
        else _wake.Writer.TryWrite(true);
        return new Subscription(channel.Reader, () =>
        {
            _pages.TryRemove(channel, out _);
            if (_pages.IsEmpty) _latest = null; // stale by the time a page comes back
        });
    }

    public sealed class Subscription(ChannelReader<string> reader, Action leave) : IDisposable
    {
        public ChannelReader<string> Snapshots => reader;
        public void Dispose() => leave();
    }

    /// <summary>Pages listening now; a test checks that a closed page is forgotten.</summary>
    public int Pages => _pages.Count;

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(options.DashboardRefresh);
        try
        {
            var tick = timer.WaitForNextTickAsync(stopping).AsTask();
            var wake = _wake.Reader.WaitToReadAsync(stopping).AsTask();
            while (true)
            {
                if (!_pages.IsEmpty && await Gather() is var snapshot && snapshot != _latest)
                {
                    _latest = snapshot;
                    foreach (var page in _pages.Keys) page.Writer.TryWrite(snapshot);
                }
                if (await Task.WhenAny(tick, wake) == tick)
                {
                    if (!await tick) return;
                    tick = timer.WaitForNextTickAsync(stopping).AsTask();
                }
                else
                {
                    _wake.Reader.TryRead(out _);
                    wake = _wake.Reader.WaitToReadAsync(stopping).AsTask();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the hub is stopping
        }
    }

    private async Task<string> Gather()
    {
        var router = actors.Get<RequestRouter>();
        var timeout = options.RequestTimeout + TimeSpan.FromSeconds(2);
        var hosts = router.Ask<HostsListed>(new ListHosts(), timeout);
        var request = new HubRequest(WireOperations.ListProcesses, null, new ListProcesses());
        var processes = await RequestRouter.Ask(router, request, timeout) switch
        {
            ClusterWideAnswered all => WireResponseWriter.ClusterWide(WireOperations.ListProcesses, all.Hosts),
            RouteFailed failed => WireResponseWriter.Error(failed.ErrorMessage, WireOperations.ListProcesses),
            _ => WireResponseWriter.Error(ErrorTexts.InternalError, WireOperations.ListProcesses),
        };
        return $$"""{"fleet":{{WireResponseWriter.Hosts((await hosts).Hosts)}},"processes":{{processes}}}""";
    }
}
