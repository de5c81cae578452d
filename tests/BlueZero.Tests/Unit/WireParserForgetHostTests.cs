using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;
using Xunit;

namespace BlueZero.Tests.Unit;

/// <summary>forget_host, the one operation the hub answers itself: its host_name is inside the operation object.</summary>
public sealed class WireParserForgetHostTests
{
    private static string? Rejected(string json) => WireParser.Parse(json).Error;

    [Fact]
    public void Forget_host_carries_the_host_name_from_inside_its_object_and_routes_nowhere()
    {
        var result = WireParser.Parse("""{"forget_host":{"host_name":"lab-4"}}""");

        Assert.True(result.IsOk, result.Error);
        Assert.Equal(new ForgetHost("lab-4"), result.Request!.Command);
        Assert.Null(result.Request.HostName);
        Assert.Equal("forget_host", result.Request.Operation);
    }

    [Fact]
    public void Forget_host_without_a_host_name_is_a_missing_field() =>
        Assert.Equal(ErrorTexts.MissingField("forget_host.host_name"), Rejected("""{"forget_host":{}}"""));

    [Theory]
    [InlineData("""{"forget_host":{"host_name":""}}""")]
    [InlineData("""{"forget_host":{"host_name":"  "}}""")]
    [InlineData("""{"forget_host":{"host_name":4}}""")]
    public void Forget_host_needs_a_non_empty_string_host_name(string json) =>
        Assert.Equal(ErrorTexts.WrongType("forget_host.host_name", "a non-empty string"), Rejected(json));

    [Fact]
    public void Forget_host_with_a_top_level_host_name_says_where_host_name_belongs() =>
        Assert.Equal("forget_host takes host_name inside its object: {\"forget_host\":{\"host_name\":\"H\"}}",
            Rejected("""{"host_name":"lab-4","forget_host":{"host_name":"lab-4"}}"""));

    [Fact]
    public void Forget_host_refuses_unknown_fields() =>
        Assert.Equal(ErrorTexts.UnknownField("forget_host.force"), Rejected("""{"forget_host":{"host_name":"lab-4","force":true}}"""));
}
