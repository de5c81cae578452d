using BlueZero.Hub.Metrics;
using BlueZero.Messages.Protocol;
using Prometheus;
using Xunit;

namespace BlueZero.Tests.Unit.Metrics;

/// <summary>Which counters of GET /metrics each stored event of the history moves.</summary>
public sealed class MeshEventCountersTests
{
    private readonly CollectorRegistry _registry = Prometheus.Metrics.NewCustomRegistry();

    private MeshEventCounters Counters(bool perProcessName = false) =>
        new(Prometheus.Metrics.WithCustomRegistry(_registry), perProcessName);

    private static StoredEvent Event(MeshEventType type, string host = "a", string? name = "web", ExitReason? reason = null) =>
        StoredEvents.Of(new MeshEvent(type, DateTimeOffset.UnixEpoch, host, Pid: 42, Name: name, Reason: reason));

    private static (string, string) L(string label, string value) => (label, value);

    [Fact]
    public async Task Every_process_started_event_counts_one_start_for_its_host()
    {
        var counters = Counters();

        counters.Record(Event(MeshEventType.ProcessStarted));
        counters.Record(Event(MeshEventType.ProcessStarted));
        counters.Record(Event(MeshEventType.ProcessStarted, host: "b"));

        var scrape = await Scrape.Of(_registry);
        Assert.Equal(2, scrape.Value("bluezero_process_starts_total", L("host", "a")));
        Assert.Equal(1, scrape.Value("bluezero_process_starts_total", L("host", "b")));
        Assert.Equal("counter", scrape.TypeOf("bluezero_process_starts_total"));
    }

    [Theory]
    [InlineData(ExitReason.Exited, "exited")]
    [InlineData(ExitReason.Stopped, "stopped")]
    [InlineData(ExitReason.TimedOut, "timed_out")]
    [InlineData(ExitReason.Killed, "killed")]
    public async Task An_exit_counts_under_its_reason(ExitReason reason, string wire)
    {
        Counters().Record(Event(MeshEventType.ProcessExited, reason: reason));

        var scrape = await Scrape.Of(_registry);
        Assert.Equal(1, scrape.Value("bluezero_process_exits_total", L("host", "a"), L("reason", wire)));
    }

    [Fact]
    public async Task An_exit_stored_without_a_known_reason_counts_under_unknown()
    {
        var exit = Event(MeshEventType.ProcessExited) with { Body = """{"type":"process_exited","reason":"gremlins"}""" };

        Counters().Record(exit);

        Assert.Equal(1, (await Scrape.Of(_registry)).Value("bluezero_process_exits_total", L("host", "a"), L("reason", "unknown")));
    }

    [Fact]
    public async Task Every_stored_event_counts_as_ingested_for_the_host_it_is_about()
    {
        var counters = Counters(perProcessName: true);

        counters.Record(Event(MeshEventType.ProcessStarted));
        counters.Record(Event(MeshEventType.NodeUp, host: "b", name: null));
        counters.Record(Event(MeshEventType.StopRequested, host: "b"));

        var scrape = await Scrape.Of(_registry);
        Assert.Equal(1, scrape.Value("bluezero_events_ingested_total", L("host", "a")));
        Assert.Equal(2, scrape.Value("bluezero_events_ingested_total", L("host", "b")));
        Assert.Equal("counter", scrape.TypeOf("bluezero_events_ingested_total"));
    }

    [Fact]
    public async Task Each_backing_off_event_counts_one_restart()
    {
        var counters = Counters();

        counters.Record(Event(MeshEventType.ProcessBackingOff));
        counters.Record(Event(MeshEventType.ProcessBackingOff));

        Assert.Equal(2, (await Scrape.Of(_registry)).Value("bluezero_process_restarts_total", L("host", "a")));
    }

    [Fact]
    public async Task Exhausted_restarts_and_launch_errors_count_as_failures_of_their_kind()
    {
        var counters = Counters();

        counters.Record(Event(MeshEventType.ProcessFailed));
        counters.Record(Event(MeshEventType.StartFailed));
        counters.Record(Event(MeshEventType.StartFailed));

        var scrape = await Scrape.Of(_registry);
        Assert.Equal(1, scrape.Value("bluezero_process_failures_total", L("host", "a"), L("kind", "process_failed")));
        Assert.Equal(2, scrape.Value("bluezero_process_failures_total", L("host", "a"), L("kind", "start_failed")));
    }

    [Theory]
    [InlineData(MeshEventType.HubStarted)]
    [InlineData(MeshEventType.NodeUnreachable)]
    [InlineData(MeshEventType.StopRequested)]
    [InlineData(MeshEventType.ProcessScheduled)]
    [InlineData(MeshEventType.ProcessLost)]
    [InlineData(MeshEventType.EventsDropped)]
    public async Task Other_events_move_no_process_counter(MeshEventType type)
    {
        Counters().Record(Event(type));

        Assert.DoesNotContain((await Scrape.Of(_registry)).Samples, s => s.Name.StartsWith("bluezero_process_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_the_per_name_option_no_series_carries_a_process_name()
    {
        Counters().Record(Event(MeshEventType.ProcessStarted, name: "web"));

        Assert.All((await Scrape.Of(_registry)).Samples, s => Assert.False(s.Labels.ContainsKey("name")));
    }

    [Fact]
    public async Task With_the_per_name_option_each_name_has_its_own_series()
    {
        var counters = Counters(perProcessName: true);

        counters.Record(Event(MeshEventType.ProcessStarted, name: "web"));
        counters.Record(Event(MeshEventType.ProcessStarted, name: null));

        var scrape = await Scrape.Of(_registry);
        Assert.Equal(1, scrape.Value("bluezero_process_starts_total", L("host", "a"), L("name", "web")));
        Assert.Equal(1, scrape.Value("bluezero_process_starts_total", L("host", "a"), L("name", "")));
    }
}
