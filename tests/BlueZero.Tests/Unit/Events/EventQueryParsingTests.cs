using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;
using Xunit;

namespace BlueZero.Tests.Unit.Events;

/// <summary>The events wire op and GET /events' query string: one set of filters, and every refusal names its parameter.</summary>
public sealed class EventQueryParsingTests
{
    private static EventQuery? FromQueryString(out string? error, params (string Key, string[] Values)[] parameters) =>
        EventFilters.FromParameters(parameters.Select(p => KeyValuePair.Create(p.Key, (IReadOnlyList<string>)p.Values)), out error);

    private static string? QueryStringError(params (string Key, string[] Values)[] parameters)
    {
        FromQueryString(out var error, parameters);
        return error;
    }

    [Fact]
    public void The_events_op_is_a_hub_command_with_its_filters_and_no_host_name()
    {
        var parsed = WireParser.Parse("""{"events":{"since_seq":5,"host":["alpha","beta"],"type":["process_exited"],"name":["web"],"pid":42,"from":"2026-12-06T03:00:00Z","to":"2026-12-06T04:00:00.5+01:00","limit":50,"order":"desc"}}""");

        Assert.True(parsed.IsOk, parsed.Error);
        Assert.Null(parsed.Request!.HostName);
        var query = Assert.IsType<EventQuery>(parsed.Request.Command);
        Assert.Equal(5, query.SinceSeq);
        Assert.Equal(["alpha", "beta"], query.Hosts!);
        Assert.Equal([MeshEventType.ProcessExited], query.Types!);
        Assert.Equal(["web"], query.Names!);
        Assert.Equal(42, query.Pid);
        Assert.Equal(new DateTimeOffset(2026, 12, 6, 3, 0, 0, TimeSpan.Zero), query.From);
        Assert.Equal(new DateTimeOffset(2026, 12, 6, 3, 0, 0, 500, TimeSpan.Zero), query.To);
        Assert.Equal(50, query.Limit);
        Assert.True(query.Descending);
    }

    [Fact]
    public void An_empty_events_op_reads_the_first_100_events_in_order()
    {
        var query = Assert.IsType<EventQuery>(WireParser.Parse("""{"events":{}}""").Request!.Command);

        Assert.Equal(0, query.SinceSeq);
        Assert.Equal(EventQuery.DefaultLimit, query.Limit);
        Assert.False(query.Descending);
    }

    [Theory]
    [InlineData("""{"events":{"type":["process_exitted"]}}""", "invalid value for field events.type[0]: unknown event type \"process_exitted\"; valid types: hub_started,")]
    [InlineData("""{"events":{"limit":0}}""", "invalid value for field events.limit: must be 1 to 10000")]
    [InlineData("""{"events":{"limit":10001}}""", "invalid value for field events.limit: must be 1 to 10000")]
    [InlineData("""{"events":{"since_seq":-1}}""", "invalid value for field events.since_seq: must be 0 or more")]
    [InlineData("""{"events":{"from":"yesterday"}}""", "invalid value for field events.from: must be an ISO 8601 time")]
    [InlineData("""{"events":{"host":"alpha"}}""", "wrong type for field events.host: expected an array of strings")]
    [InlineData("""{"events":{"order":"up"}}""", "invalid value for field events.order: must be one of asc, desc")]
    [InlineData("""{"events":{"hosts":["a"]}}""", "unknown field: events.hosts")]
    [InlineData("""{"host_name":"alpha","events":{}}""", "events takes no host_name")]
    public void A_bad_events_op_is_refused_naming_the_field(string json, string error) =>
        Assert.StartsWith(error, WireParser.Parse(json).Error);

    [Fact]
    public void Query_string_lists_repeat_and_the_rest_are_read_once()
    {
        var query = FromQueryString(out var error, ("host", ["alpha", "beta"]), ("type", ["node_up", "node_left"]), ("pid", ["7"]),
            ("limit", ["10"]), ("order", ["desc"]), ("since_seq", ["3"]), ("from", ["2026-12-06T03:00:00Z"]));

        Assert.Null(error);
        Assert.Equal(["alpha", "beta"], query!.Hosts!);
        Assert.Equal([MeshEventType.NodeUp, MeshEventType.NodeLeft], query.Types!);
        Assert.Equal((7, 10, true, 3L), (query.Pid, query.Limit, query.Descending, query.SinceSeq));
        Assert.NotNull(query.From);
    }

    [Theory]
    [InlineData("type", "bogus", "invalid value for parameter type: unknown event type \"bogus\"; valid types: hub_started, node_up,")]
    [InlineData("limit", "-1", "invalid value for parameter limit: must be 1 to 10000")]
    [InlineData("limit", "many", "invalid value for parameter limit: must be 1 to 10000")]
    [InlineData("pid", "0", "invalid value for parameter pid: must be a positive integer")]
    [InlineData("to", "2026-13-40", "invalid value for parameter to: must be an ISO 8601 time")]
    [InlineData("order", "sideways", "invalid value for parameter order: must be one of asc, desc")]
    [InlineData("host", "", "invalid value for parameter host: must not be empty")]
    [InlineData("hots", "alpha", "unknown parameter: hots (did you mean host?)")]
    public void A_bad_query_parameter_is_refused_naming_it(string key, string value, string error) =>
        Assert.StartsWith(error, QueryStringError((key, [value])));

    [Fact]
    public void A_single_valued_parameter_given_twice_is_refused() =>
        Assert.Equal("invalid value for parameter limit: given more than once", QueryStringError(("limit", ["1", "2"])));
}
