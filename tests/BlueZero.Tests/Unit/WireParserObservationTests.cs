using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;
using Xunit;

namespace BlueZero.Tests.Unit;

/// <summary>The wire forms of output capture, stats and host info: what parses, and the exact error for what does not.</summary>
public sealed class WireParserObservationTests
{
    private static IClientCommand Parsed(string json)
    {
        var result = WireParser.Parse(json);
        Assert.True(result.IsOk, $"expected {json} to parse, got error: {result.Error}");
        return result.Request!.Command;
    }

    private static string Rejected(string json)
    {
        var result = WireParser.Parse(json);
        Assert.False(result.IsOk, $"expected {json} to be rejected");
        return result.Error!;
    }

    [Fact]
    public void Read_output_defaults_to_both_streams_from_the_start() =>
        Assert.Equal(new ReadOutput(ProcessTarget.ByName("web")), Parsed("""{"host_name":"a","read_output":{"name":"web"}}"""));

    [Fact]
    public void Read_output_takes_stream_tail_and_since_seq() =>
        Assert.Equal(new ReadOutput(ProcessTarget.ByPid(42), OutputStreams.Stderr, 5, 1000),
            Parsed("""{"read_output":{"pid":42,"stream":"stderr","tail":5,"since_seq":1000}}"""));

    [Theory]
    [InlineData("""{"read_output":{}}""", "read_output needs exactly one of pid or name")]
    [InlineData("""{"read_output":{"pid":1,"stream":"stdin"}}""", "invalid value for field read_output.stream: must be one of stdout, stderr, both")]
    [InlineData("""{"read_output":{"pid":1,"stream":1}}""", "wrong type for field read_output.stream: expected a string")]
    [InlineData("""{"read_output":{"pid":1,"tail":-1}}""", "invalid value for field read_output.tail: must be 0 or more lines")]
    [InlineData("""{"read_output":{"pid":1,"tail":"10"}}""", "wrong type for field read_output.tail: expected an integer")]
    [InlineData("""{"read_output":{"pid":1,"since_seq":1.5}}""", "wrong type for field read_output.since_seq: expected an integer")]
    [InlineData("""{"read_output":{"pid":1,"follow":true}}""", "unknown field: read_output.follow")]
    [InlineData("""{"process_stats":{"pid":1,"history":true}}""", "unknown field: process_stats.history")]
    [InlineData("""{"host_info":{"verbose":true}}""", "unknown field: host_info.verbose")]
    [InlineData("""{"node_state":[]}""", "wrong type for field node_state: expected an object")]
    [InlineData("""{"start_process":{"path":"/bin/cat","output":"file"}}""", "invalid value for field start_process.output: must be one of capture, discard, inherit")]
    [InlineData("""{"start_process":{"path":"/bin/cat","stdin":["a"]}}""", "wrong type for field start_process.stdin: expected a string")]
    public void Bad_requests_get_a_clear_error(string json, string error) => Assert.Equal(error, Rejected(json));

    [Fact]
    public void Stdin_and_output_reach_the_start_command()
    {
        var start = Assert.IsType<StartProcess>(Parsed("""{"start_process":{"path":"/bin/cat","stdin":"a\nb\u0000c","output":"inherit"}}"""));
        Assert.Equal("a\nb\0c", start.Stdin);
        Assert.Equal(OutputMode.Inherit, start.EffectiveOutput);
        Assert.Equal(OutputMode.Capture, Assert.IsType<StartProcess>(Parsed("""{"start_process":{"path":"/bin/cat"}}""")).EffectiveOutput);
    }

    [Fact]
    public void Stdin_over_the_limit_is_refused_with_its_size()
    {
        var text = new string('x', WireLimits.DefaultMaxStdinBytes + 1);
        Assert.Equal($"invalid value for field start_process.stdin: {WireLimits.DefaultMaxStdinBytes + 1} bytes long; the limit is {WireLimits.DefaultMaxStdinBytes}",
            Rejected($$$"""{"start_process":{"path":"/bin/cat","stdin":"{{{text}}}"}}"""));
    }

    [Fact]
    public void The_observation_queries_parse_with_and_without_a_host()
    {
        Assert.IsType<ProcessStatsQuery>(Parsed("""{"host_name":"a","process_stats":{"name":"web"}}"""));
        Assert.IsType<NodeStateQuery>(Parsed("""{"node_state":{}}"""));
        Assert.IsType<HostInfoQuery>(Parsed("""{"host_info":{}}"""));
    }
}
