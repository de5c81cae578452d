using BlueZero.Tests.Support;
using Xunit;

namespace BlueZero.Tests.EndToEnd;

/// <summary>
/// A hub (with its local node) started with a token file holding one admin and one read token, and a per-client
/// limit of <see cref="PerClientLimit"/> requests in progress with no queue, so one more is refused at once, and a
/// metrics token (--metrics-token-file) good for GET /metrics only.
/// <see cref="LocalMesh.Hub"/> sends the admin token.
/// </summary>
public sealed class SecuredHubFixture : IAsyncLifetime
{
    public const string HubHost = "sec-hub";
    public const string AdminName = "ops";
    public const string AdminToken = "admin-7f3c2a9e41b8d6";
    public const string ReadName = "monitor";
    public const string ReadToken = "read-5d1e8b2c94a7f0";
    public const string MetricsToken = "metrics-3a9c7e1f20b5d8";
    public const int PerClientLimit = 2;

    public LocalMesh Mesh { get; } = LocalMesh.Create();

    public string TokenFilePath => Path.Combine(Mesh.WorkDir, "tokens");

    public string MetricsTokenFilePath => Path.Combine(Mesh.WorkDir, "metrics-token");

    public async Task InitializeAsync()
    {
        File.WriteAllLines(TokenFilePath,
        [
            "# end-to-end tests",
            $"{AdminName}:admin:{AdminToken}",
            $"{ReadName}:read:{ReadToken}",
        ]);
        File.WriteAllLines(MetricsTokenFilePath, ["# the scraper's own token", MetricsToken]);
        File.AppendAllText(Path.Combine(Mesh.ConfigDir, "hub.hocon"),
            $"\nbluezero.hub.max-concurrent-requests-per-client = {PerClientLimit}\nbluezero.hub.max-queued-requests-per-client = 0\n");
        await Mesh.StartHub(HubHost, extraArgs: ["--token-file", TokenFilePath, "--metrics-token-file", MetricsTokenFilePath], token: AdminToken);
        await Polling.Until(async () => await Mesh.Hub.StatusOf(HubHost) == "up", LocalMesh.UpTimeout,
            $"{HubHost} is up at GET /hosts", Mesh.Diagnostics);
    }

    public Task DisposeAsync() => Mesh.DisposeAsync().AsTask();
}
