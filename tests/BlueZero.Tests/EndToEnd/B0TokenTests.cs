using BlueZero.Tests.Support;
using Xunit;

namespace BlueZero.Tests.EndToEnd;

/// <summary>b0 against a hub with a token file: --token and B0_TOKEN are sent, and a wrong or missing one exits 4.</summary>
[Collection(ClusterCollection.Name)]
public sealed class B0TokenTests(SecuredHubFixture fixture) : IClassFixture<SecuredHubFixture>
{
    private B0Runner B0 => new(fixture.Mesh.Hub.BaseUrl.ToString());

    [Fact]
    public async Task A_wrong_token_exits_4_with_the_hubs_error()
    {
        var refused = await B0.Run("--token", "not-a-token", "hosts");

        Assert.Equal(4, refused.ExitCode);
        Assert.Equal("b0: unauthorized: the bearer token is not valid\n", refused.Stderr);
    }

    [Fact]
    public async Task A_missing_token_exits_4() =>
        Assert.Equal(4, (await B0.Run("ps")).ExitCode);

    [Fact]
    public async Task The_token_from_B0_TOKEN_is_sent() =>
        Assert.Equal(0, (await B0.Run(["hosts"], new Dictionary<string, string> { ["B0_TOKEN"] = SecuredHubFixture.AdminToken })).ExitCode);
}
