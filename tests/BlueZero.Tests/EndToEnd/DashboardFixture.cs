using BlueZero.Tests.Support;
using Microsoft.Playwright;
using Xunit;

namespace BlueZero.Tests.EndToEnd;

/// <summary>
/// A hub (with its local node) and the browser that opens its dashboard; <see cref="Secured"/> starts the hub with a
/// token file holding an admin and a read token; the open one has a second node, <see cref="NodeHost"/>. <see cref="Browser"/> is null when browser tests are skipped.
/// </summary>
public abstract class DashboardFixture(bool secured) : IAsyncLifetime
{
    public const string HubHost = "dash-hub";
    public const string NodeHost = "dash-node";
    public const string AdminToken = "dash-admin-3b9f27c1";
    public const string ReadToken = "dash-read-8e41d5a0";

    public LocalMesh Mesh { get; } = LocalMesh.Create();
    public DashboardBrowser? Browser { get; private set; }
    public bool Secured => secured;

    public async Task InitializeAsync()
    {
        Browser = await DashboardBrowser.Launch();
        var tokens = Path.Combine(Mesh.WorkDir, "tokens");
        File.WriteAllLines(tokens, ["dash-ops:admin:" + AdminToken, "dash-monitor:read:" + ReadToken]);
        await Mesh.StartHub(HubHost, extraArgs: secured ? ["--token-file", tokens] : null, token: secured ? AdminToken : null);
        await Mesh.WaitForStatus(HubHost, "up", LocalMesh.UpTimeout);
        if (secured) return;
        // The flapping test freezes this node: its failure detectors need a heartbeat history first, and the line that
        // dates it may have left the kept output by the time that test runs.
        await Mesh.AwaitHeartbeatHistory(await Mesh.StartNode(NodeHost));
    }

    /// <summary>A new page on the dashboard, logged in with <paramref name="token"/> when the hub needs one.</summary>
    public async Task<IPage> Open(string path = "/", string? token = null)
    {
        var page = await Browser!.Open(Mesh.Hub.BaseUrl, path);
        if (token is null) return page;
        await page.GetByLabel("Token").FillAsync(token);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Assertions.Expect(page.Locator("#connection.live")).ToBeVisibleAsync();
        return page;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        await Mesh.DisposeAsync();
    }
}

public sealed class OpenDashboardFixture() : DashboardFixture(secured: false);

public sealed class SecuredDashboardFixture() : DashboardFixture(secured: true);
