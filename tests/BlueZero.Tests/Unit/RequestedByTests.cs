using BlueZero.Hub.Security;
using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;
using Xunit;

namespace BlueZero.Tests.Unit;

/// <summary>How the front door stamps the caller's token name on the commands that change things, for the node's events.</summary>
public sealed class RequestedByTests
{
    private static HubRequest Parsed(string json) => WireParser.Parse(json).Request!;

    [Theory]
    [InlineData("""{"host_name":"a","start_process":{"path":"/bin/true"}}""")]
    [InlineData("""{"host_name":"a","stop_process":{"pid":5}}""")]
    [InlineData("""{"host_name":"a","kill_all":{}}""")]
    public void Start_stop_and_kill_all_carry_the_callers_token_name(string json)
    {
        var command = Parsed(json).RequestedBy("ops").Command;

        Assert.Equal("ops", command switch { StartProcess s => s.By, StopProcess s => s.By, KillAll k => k.By, _ => null });
    }

    [Fact]
    public void Other_operations_are_left_as_they_are()
    {
        var request = Parsed("""{"host_name":"a","list_active_processes":{}}""");

        Assert.Same(request.Command, request.RequestedBy("ops").Command);
    }

    [Fact]
    public void Without_a_token_file_the_caller_has_no_token_name()
    {
        Assert.Null(Caller.Anonymous.TokenName);
        Assert.Equal("ops", new Caller("ops", TokenRole.Admin).TokenName);
        Assert.Equal("anonymous", new Caller("anonymous", TokenRole.Read).TokenName);
    }
}
