using System.Diagnostics;
using BlueZero.Tests.Support;
using Microsoft.Playwright;
using Xunit;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace BlueZero.Tests.EndToEnd;

/// <summary>
/// The dashboard's goals under load: 10 hosts (the hub and 9 nodes, each a real cluster member) and 1,000 processes
/// (/bin/sleep, 100 a host). The tests measure and report, and run only when asked for (<see cref="Measurement"/>:
/// B0_MEASURE=1, with --logger "console;verbosity=detailed" to read the figures); they assert only loose bounds, since the machine they run on is shared: the goals are 300 ms for the
/// first render and 2 % of one core for the hub with 5 pages open.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class DashboardLoadTests(DashboardLoadTests.TenHosts fixture, ITestOutputHelper output) : IClassFixture<DashboardLoadTests.TenHosts>
{
    public sealed class TenHosts : IAsyncLifetime
    {
        public const int Hosts = 10;
        public const int ProcessesPerHost = 100;

        public LocalMesh Mesh { get; } = LocalMesh.Create();
        public DashboardBrowser? Browser { get; private set; }

        public async Task InitializeAsync()
        {
            if (!Measurement.Enabled) return;
            Browser = await DashboardBrowser.Launch();
            if (Browser is null) return;
            await Mesh.StartHub("load-hub");
            var names = Enumerable.Range(1, Hosts - 1).Select(i => $"load-node-{i}").ToList();
            await Task.WhenAll(names.Select(name => Mesh.StartNode(name)));
            await Task.WhenAll(names.Prepend("load-hub").Select(async host =>
            {
                for (var i = 0; i < ProcessesPerHost; i++) Mesh.Track(await Mesh.Hub.StartProcess(host, "/bin/sleep", "3600"));
            }));
        }

        public async Task DisposeAsync()
        {
            if (Browser is not null) await Browser.DisposeAsync();
            await Mesh.DisposeAsync();
        }
    }

    [MeasurementTheory]
    [InlineData("fleet", "tr[data-host='load-node-9']")]
    [InlineData("processes", "tr[data-pid]")]
    public async Task The_first_render_of_a_view_with_10_hosts_and_1000_processes_is_measured(string view, string drawn)
    {
        if (fixture.Browser is null) return;
        var (cold, coldRender) = await FirstRender(view, drawn);
        // Another page open keeps the hub's snapshot at hand, as when a user opens a second tab or follows a link.
        var keeper = await fixture.Browser.Open(fixture.Mesh.Hub.BaseUrl);
        await Expect(keeper.Locator("tr[data-host='load-node-9']")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        var warm = new List<(double Total, double Render)>();
        for (var i = 0; i < 3; i++) warm.Add(await FirstRender(view, drawn));
        output.WriteLine($"{view} view, 10 hosts, 1000 processes (goal <= 300 ms after the HTML arrived; machine shared and loaded): " +
                         $"first page {cold:F0} ms (of which drawing {coldRender:F0} ms); with another page open " +
                         string.Join(", ", warm.Select(w => $"{w.Total:F0} ms (drawing {w.Render:F0} ms)")));
        Assert.True(warm.Min(w => w.Total) < 5_000, "the view took more than 5 s to render");
    }

    /// <summary>Opens a page and reads its performance marks: from the end of the HTML's response to the first render,
    /// and of that the time spent drawing the first snapshot.</summary>
    private async Task<(double Total, double Render)> FirstRender(string view, string drawn)
    {
        var page = await fixture.Browser!.Open(fixture.Mesh.Hub.BaseUrl, $"/?view={view}");
        await Expect(page.Locator(drawn).First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        var marks = await page.EvaluateAsync<double[]>("""
            [performance.getEntriesByType("navigation")[0].responseEnd,
             performance.getEntriesByName("b0:snapshot")[0].startTime,
             performance.getEntriesByName("b0:rendered")[0].startTime]
            """);
        await page.Context.CloseAsync();
        return (marks[2] - marks[0], marks[2] - marks[1]);
    }

    [MeasurementFact]
    public async Task The_hub_cpu_with_5_pages_open_on_an_idle_mesh_is_measured()
    {
        if (fixture.Browser is null) return;
        var pages = new List<IPage>();
        for (var i = 0; i < 5; i++) pages.Add(await fixture.Browser.Open(fixture.Mesh.Hub.BaseUrl, i % 2 == 0 ? "/" : "/?view=processes"));
        foreach (var page in pages) await Expect(page.Locator("#connection.live")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        var hub = Process.GetProcessById(fixture.Mesh.HubProcess.Pid);
        var idle = await CpuShare(hub, TimeSpan.FromSeconds(10));
        output.WriteLine($"hub cpu, 10 hosts, 1000 sleeping processes, 5 pages open: {idle:F2} % of one core over 10 s " +
                         "(goal <= 2 %; machine shared and loaded)");
        foreach (var page in pages) await page.Context.CloseAsync();
        var none = await CpuShare(hub, TimeSpan.FromSeconds(10));
        output.WriteLine($"hub cpu, same mesh, no page open: {none:F2} % of one core over 10 s");
        Assert.True(idle < 50, $"the hub used {idle:F1} % of a core");
    }

    private static async Task<double> CpuShare(Process process, TimeSpan over)
    {
        process.Refresh();
        var (cpu, clock) = (process.TotalProcessorTime, Stopwatch.StartNew());
        await Task.Delay(over);
        process.Refresh();
        return (process.TotalProcessorTime - cpu).TotalMilliseconds / clock.Elapsed.TotalMilliseconds * 100;
    }
}
