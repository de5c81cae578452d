using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace BlueZero.Bench;

/// <summary>
/// Section "plan-up" (issue 17): the time from apply_plan to the last step ready, for a plan of <see cref="Steps"/>
/// independent /bin/sleep steps spread over 3 nodes (the hub's local node and two more), in two series: steps ready
/// once running, and steps ready after delay_s 1 (the slowest readiness is then 1 s; the goal is at most 1 s beyond
/// it). Each round applies, reads the hub's elapsed_ms and the client's wall time, then removes the plan.
/// </summary>
internal sealed class PlanUpBenchmark(MeshUnderTest mesh, string hubHostId)
{
    public const int Steps = 50;
    private static readonly string[] NodeIds = ["bench-plan-1", "bench-plan-2"];
    private static readonly TimeSpan NodesUpTimeout = TimeSpan.FromSeconds(60);

    public sealed record Series(string Readiness, double SlowestReadinessS, IReadOnlyList<double> HubMs, IReadOnlyList<double> WallMs)
    {
        public double MedianMs => HubMs.Order().ElementAt(HubMs.Count / 2);
        public double MaxMs => HubMs.Max();
        public double BeyondReadinessMs => MaxMs - SlowestReadinessS * 1000;
    }

    public sealed record Result(IReadOnlyList<Series> Series, int Rounds);

    public async Task<Result> RunAsync(int rounds, CancellationToken ct)
    {
        await using var nodes = new NodeGroup(mesh);
        using var hub = new HubClient(mesh.HubHttp);
        using var http = new HttpClient { BaseAddress = mesh.HubHttp, Timeout = TimeSpan.FromMinutes(2) };
        foreach (var host in NodeIds) nodes.Launch(host);
        var up = await hub.WaitForHostsUpAsync(NodeIds, NodesUpTimeout, TimeSpan.FromMilliseconds(200), nodes.ThrowIfAnyExited, ct);
        if (!up.All) throw new BenchmarkException($"plan-up: the nodes were not all up within {NodesUpTimeout.TotalSeconds} s: {up.LastSeen}");
        string[] hosts = [hubHostId, .. NodeIds];
        return new Result([
            await RunSeriesAsync(http, hosts, "running", null, rounds, ct),
            await RunSeriesAsync(http, hosts, "delay_s 1", 1.0, rounds, ct),
        ], rounds);
    }

    private static async Task<Series> RunSeriesAsync(HttpClient http, string[] hosts, string readiness, double? delayS, int rounds, CancellationToken ct)
    {
        var hubMs = new List<double>();
        var wallMs = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            var steps = new JsonArray(Enumerable.Range(0, Steps).Select(i =>
            {
                var step = new JsonObject { ["name"] = $"s{i}", ["host"] = hosts[i % hosts.Length], ["path"] = "/bin/sleep", ["args"] = new JsonArray("300") };
                if (delayS is { } delay) step["ready"] = new JsonObject { ["delay_s"] = delay };
                return (JsonNode)step;
            }).ToArray());
            var apply = new JsonObject { ["apply_plan"] = new JsonObject { ["plan"] = new JsonObject { ["name"] = "bench-plan", ["processes"] = steps } } };
            var t0 = Stopwatch.GetTimestamp();
            var reply = await Post(http, apply, ct);
            wallMs.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            if (reply["apply_plan"]?["success"]?.GetValue<bool>() != true) throw new BenchmarkException($"plan-up: apply failed: {reply.ToJsonString()}");
            hubMs.Add(reply["apply_plan"]!["elapsed_ms"]!.GetValue<long>());
            var removed = await Post(http, new JsonObject { ["remove_plan"] = new JsonObject { ["name"] = "bench-plan" } }, ct);
            if (removed["success"]?.GetValue<bool>() != true) throw new BenchmarkException($"plan-up: remove failed: {removed.ToJsonString()}");
        }
        Log.Info($"plan-up ({readiness}): hub elapsed {string.Join(", ", hubMs)} ms");
        return new Series(readiness, delayS ?? 0, hubMs, wallMs);
    }

    private static async Task<JsonNode> Post(HttpClient http, JsonObject body, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync("control", body, ct);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync(ct)) ?? new JsonObject();
    }
}
