using System.Text.RegularExpressions;
using BlueZero.Hub.Metrics;
using BlueZero.Messages.Protocol;
using BlueZero.Tests.Support;
using Newtonsoft.Json.Linq;
using Prometheus;
using Xunit;

namespace BlueZero.Tests.Unit.Metrics;

/// <summary>docs/grafana/bluezero.json is a dashboard whose queries name only series the hub exposes.</summary>
public sealed partial class GrafanaDashboardTests
{
    private static readonly JObject Board =
        JObject.Parse(File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "docs", "grafana", "bluezero.json")));

    [Fact]
    public void The_dashboard_has_titled_panels_with_queries()
    {
        Assert.Equal("BlueZero", (string?)Board["title"]);
        var panels = Board["panels"]!.Children<JObject>().ToList();
        Assert.NotEmpty(panels);
        Assert.All(panels, p => Assert.NotEmpty(p["targets"]!.Children<JObject>().Select(t => (string)t["expr"]!)));
        Assert.Equal(panels.Count, panels.Select(p => (int)p["id"]!).Distinct().Count());
    }

    [Fact]
    public async Task Every_bluezero_series_the_dashboard_queries_is_one_the_hub_exposes()
    {
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var metrics = new HubMetrics(registry, perProcessName: false);
        foreach (var type in Enum.GetValues<MeshEventType>())
            metrics.Events.Record(StoredEvents.Of(new MeshEvent(type, DateTimeOffset.UnixEpoch, "a", Reason: ExitReason.Exited)));
        var exposed = (await Scrape.Of(registry)).Samples.Select(s => s.Name).ToHashSet();
        foreach (var family in (string[])["bluezero_hosts", "bluezero_host_status", "bluezero_processes", "bluezero_host_cpu_percent",
                     "bluezero_host_memory_percent", "bluezero_node_events_pending", "bluezero_http_request_duration_seconds_bucket", "bluezero_http_requests_total",
                     "bluezero_routed_request_duration_seconds_bucket"])
            exposed.Add(family); // set at scrape time or by requests; their names are checked by the other tests

        var queried = Board["panels"]!.SelectMany(p => p["targets"]!).SelectMany(t => SeriesName().Matches((string)t["expr"]!).Select(m => m.Value));

        Assert.All(queried, name => Assert.Contains(name, exposed));
    }

    [GeneratedRegex(@"bluezero_[a-z_]+")]
    private static partial Regex SeriesName();
}
