using BlueZero.Tests.Support;
using Xunit;

namespace BlueZero.Tests.EndToEnd;

/// <summary>
/// A hub (with its local node) started with a token file holding one admin and one read token, and a per-client
/// limit of <see cref="PerClientLimit"/> requests in progress with no queue, so one more is refused at once.
/// <see cref="LocalMesh.Hub"/> sends the admin token.
/// </summary>
public sealed class SecuredHubFixture : IAsyncLifetime
{
    public const string HubHost = "sec-hub";
    public const string AdminName = "ops";
    public const string AdminToken = "admin-7f3c2a9e41b8d6";
    public const string ReadName = "monitor";
    public const string ReadToken = "read-5d1e8b2c94a7f0";
    public const int PerClientLimit = 2;

    public LocalMesh Mesh { get; } = LocalMesh.Create();

    public string TokenFilePath => Path.Combine(Mesh.WorkDir, "tokens");

    public async Task InitializeAsync()
    {
        File.WriteAllLines(TokenFilePath,
        [
            "# end-to-end tests",
            $"{AdminName}:admin:{AdminToken}",
            $"{ReadName}:read:{ReadToken}",
        ]);
        File.AppendAllText(Path.Combine(Mesh.ConfigDir, "hub.hocon"),
            $"\nbluezero.hub.max-concurrent-requests-per-client = {PerClientLimit}\nbluezero.hub.max-queued-requests-per-client = 0\n");
        await Mesh.StartHub(HubHost, extraArgs: ["--token-file", TokenFilePath], token: AdminToken);
        await Polling.Until(async () => await Mesh.Hub.StatusOf(HubHost) == "up", LocalMesh.UpTimeout,
            $"{HubHost} is up at GET /hosts", Mesh.Diagnostics);
    }

    public Task DisposeAsync() => Mesh.DisposeAsync().AsTask();
}
