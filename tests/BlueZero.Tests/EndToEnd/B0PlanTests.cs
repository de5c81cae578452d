using BlueZero.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace BlueZero.Tests.EndToEnd;

/// <summary><c>b0 up</c>, <c>b0 plan</c> and <c>b0 down</c> with the samples of samples/plans, as a new user runs them.</summary>
[Collection(ClusterCollection.Name)]
public sealed class B0PlanTests(HubAndRemoteNodeFixture fixture, ITestOutputHelper output) : IClassFixture<HubAndRemoteNodeFixture>
{
    private B0Runner B0 => new(fixture.Mesh.Hub.BaseUrl.ToString());

    private static readonly Dictionary<string, string> OnTheRemoteNode = new() { ["B0_NODE"] = HubAndRemoteNodeFixture.RemoteHost };

    private async Task<ScriptResult> Run(params string[] args)
    {
        var result = await B0.Run(args, OnTheRemoteNode);
        output.WriteLine(result.ToString());
        return result;
    }

    [Fact]
    public async Task Up_brings_the_diamond_sample_up_step_by_step_and_down_stops_it_in_reverse_order()
    {
        var up = await Run("--no-color", "up", Path.Combine(TestPaths.RepoRoot, "samples", "plans", "diamond.yaml"));
        Assert.True(up.ExitCode == 0, up.ToString());
        Assert.Contains($"started  calibrate on {HubAndRemoteNodeFixture.RemoteHost}", up.Stdout);
        Assert.Contains("plan diamond is up", up.Stdout);

        var status = await Run("--no-color", "plan", "diamond");
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("diamond.sink", status.Stdout);

        var down = await Run("--no-color", "down", "diamond");
        Assert.True(down.ExitCode == 0, down.ToString());
        Assert.True(down.Stdout.IndexOf("stopped  sink", StringComparison.Ordinal) < down.Stdout.IndexOf("stopped  source", StringComparison.Ordinal), down.Stdout);
        Assert.Contains("plan diamond removed", down.Stdout);
    }

    [Fact]
    public async Task Up_of_a_plan_with_a_cycle_exits_1_and_lists_the_problem()
    {
        var file = Path.Combine(fixture.Mesh.WorkDir, "cycle.yaml");
        await File.WriteAllTextAsync(file, """
            name: cycle
            processes:
              - {name: a, host: ${HUB}, path: /bin/sleep, args: ["300"], depends_on: [b]}
              - {name: b, host: ${HUB}, path: /bin/sleep, args: ["300"], depends_on: [a]}
            """);

        var up = await Run("--no-color", "up", file);

        Assert.Equal(1, up.ExitCode);
        Assert.Contains("dependency cycle: a -> b -> a", up.Stdout);
    }
}
