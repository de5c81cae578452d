using System.Text.Json.Nodes;
using BlueZero.Cli.Commands;
using BlueZero.Cli.Http;
using BlueZero.Cli.Rendering;
using Xunit;

namespace BlueZero.Tests.Unit.Cli;

/// <summary>
/// <c>b0 events</c> against the documented event API (GET /events, GET /events/stream), from recorded JSON: the
/// end-to-end test comes once the hub's event history (issue 14) is merged.
/// </summary>
public sealed class B0EventsTests
{
    private const string EventsReply = """
        {"events":[
          {"seq":41,"time":"2026-12-06T03:00:00.123Z","host_name":"lab-1","type":"process_started","pid":4242,"name":"web","restarts":0},
          {"seq":42,"time":"2026-12-06T03:00:05.000Z","host_name":"lab-1","type":"process_exited","pid":4242,"name":"web","exit_code":137,"signal":9,"reason":"killed","restarts":0},
          {"seq":43,"time":"2026-12-06T03:00:05.001Z","host_name":"lab-1","type":"process_backing_off","pid":4242,"name":"web","restarts":1,"delay_ms":500},
          {"seq":44,"time":"2026-12-06T03:01:00.000Z","host_name":"lab-2","type":"node_unreachable"}],
         "next_seq":44}
        """;

    [Fact]
    public void Events_render_as_a_table_with_how_each_process_ended()
    {
        var output = new StringWriter();

        TableView.Show(new Terminal(output, false, false, false, 120), EventsCommand.Columns, EventsCommand.Rows(JsonNode.Parse(EventsReply)), wide: false);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, lines.Length);
        Assert.Contains(lines, l => l.Contains("process_exited") && l.Contains("signal 9 (exit 137), killed"));
        Assert.Contains(lines, l => l.Contains("process_backing_off") && l.Contains("restarts 1, in 0.5 s"));
        Assert.Contains(lines, l => l.Contains("lab-2") && l.Contains("node_unreachable"));
    }

    [Fact]
    public void Events_json_is_the_array_of_events()
    {
        var output = new StringWriter();

        TableView.Show(new Terminal(output, true, false, false), EventsCommand.Columns, EventsCommand.Rows(JsonNode.Parse(EventsReply)), wide: false);

        var rows = JsonNode.Parse(output.ToString())!.AsArray();
        Assert.Equal([41L, 42L, 43L, 44L], rows.Select(r => (long)r!["seq"]!));
    }

    [Fact]
    public void Filters_become_the_documented_query_with_repeated_parameters() =>
        Assert.Equal("?host=a&host=b&type=process_exited&name=web%201&from=2026-12-06T03%3A00%3A00.000Z&limit=50",
            EventsCommand.Query(["a", "b"], ["process_exited"], "web 1", "2026-12-06T03:00:00.000Z", 50));

    [Theory]
    [InlineData("10m", "2026-12-06T02:50:00.000Z")]
    [InlineData("2h", "2026-12-06T01:00:00.000Z")]
    [InlineData("1d", "2026-12-05T03:00:00.000Z")]
    [InlineData("2026-12-06T01:02:03Z", "2026-12-06T01:02:03.000Z")]
    public void Since_takes_a_duration_back_or_an_iso_time(string since, string from) =>
        Assert.Equal(from, EventsCommand.From(since, DateTimeOffset.Parse("2026-12-06T03:00:00Z")));

    [Theory]
    [InlineData("yesterday")]
    [InlineData("10x")]
    [InlineData("12")]
    public void Since_refuses_anything_else(string since) => Assert.Null(EventsCommand.From(since, DateTimeOffset.UtcNow));

    [Fact]
    public async Task Server_sent_events_are_read_with_their_ids_types_and_multi_line_data()
    {
        var stream = new StringReader(
            ": keep-alive\n\nid: 41\nevent: process_started\ndata: {\"seq\":41,\ndata: \"type\":\"process_started\"}\n\nid:42\ndata:{\"seq\":42}\n\n");

        var events = new List<ServerSentEvent>();
        await foreach (var e in ServerSentEvents.Read(stream)) events.Add(e);

        Assert.Equal(
            [new ServerSentEvent("41", "process_started", "{\"seq\":41,\n\"type\":\"process_started\"}"), new ServerSentEvent("42", "message", "{\"seq\":42}")],
            events);
    }

    [Fact]
    public void A_streamed_event_prints_as_one_line()
    {
        var output = new StringWriter();

        EventsCommand.Print(new Terminal(output, false, false, false, 200),
            new ServerSentEvent("42", "process_exited", """{"seq":42,"time":"2026-12-06T03:00:05.000Z","host_name":"lab-1","type":"process_exited","pid":4242,"name":"web","exit_code":3}"""));

        var line = output.ToString().TrimEnd('\n');
        Assert.DoesNotContain('\n', line);
        Assert.Contains("42  ", line);
        Assert.EndsWith("lab-1  process_exited  web  4242  exit 3", line);
    }
}
