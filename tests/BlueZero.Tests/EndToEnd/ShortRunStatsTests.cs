using BlueZero.Tests.Support;
using Newtonsoft.Json.Linq;
using Xunit;

namespace BlueZero.Tests.EndToEnd;

/// <summary>
/// A run shorter than the stats interval still has a history: the node samples each run soon after it starts. The
/// interval is a minute here, so no periodic sample can fall inside the run.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ShortRunStatsTests : IAsyncLifetime
{
    private const string Hub = "brief-hub";
    private readonly LocalMesh _mesh = LocalMesh.Create();

    public Task InitializeAsync() => _mesh.StartHub(Hub, extraArgs: ["--stats-interval", "60"]);

    public Task DisposeAsync() => _mesh.DisposeAsync().AsTask();

    [Fact]
    public async Task A_process_that_ran_3_seconds_has_a_history_after_it_exits()
    {
        // The README's ticker.
        var started = await _mesh.Hub.Routed(Hub, "start_process", new JObject
        {
            ["path"] = "/bin/sh", ["name"] = "ticker",
            ["args"] = new JArray("-c", "for i in 1 2 3; do echo tick $i; echo oops >&2; sleep 1; done; exit 4"),
        });
        _mesh.Track(started["pid"]!.Value<int>());
        await Polling.Until(async () => (await _mesh.Hub.Routed(Hub, "query_process_status", new JObject { ["name"] = "ticker" }))["running"]?.Value<bool>() == false,
            TimeSpan.FromSeconds(15), "the ticker to exit", _mesh.Diagnostics);

        var stats = await _mesh.Hub.Routed(Hub, "process_stats", new JObject { ["name"] = "ticker" });
        Assert.Equal(60, stats["stats_interval_s"]!.Value<double>());
        var sample = Assert.Single((JArray)stats["history"]!);
        Assert.True(sample["rss_bytes"]!.Value<long>() > 0, $"the sample has no memory figure: {sample}");
        Assert.True(sample["threads"]!.Value<int>() >= 1, $"the sample has no threads: {sample}");
    }
}
