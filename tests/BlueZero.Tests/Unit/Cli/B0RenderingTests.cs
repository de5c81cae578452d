using System.Text.Json.Nodes;
using BlueZero.Cli.Commands;
using BlueZero.Cli.Rendering;
using Xunit;

namespace BlueZero.Tests.Unit.Cli;

/// <summary>b0's tables and --json rows, from replies recorded from a real hub (docs/PROTOCOL.md section 4.5).</summary>
public sealed class B0RenderingTests
{
    private const string ListProcessesReply = """
        {"success":true,"list_processes":{"hosts":[
          {"host_name":"lab-1","processes":[
            {"pid":4242,"name":"ticker","path":"/bin/sh","args":["-c","i=0; while true; do i=$((i+1)); echo tick $i; sleep 1; done"],"state":"running","restarts":0,"started_at":"2026-12-06T03:09:32.269Z","cpu_percent":0.2,"rss_bytes":3170304,"threads":2,"processes":2,"uptime_s":3.1},
            {"pid":19439,"name":"flaky","path":"/bin/sh","args":["-c","exit 3"],"state":"backing_off","restarts":1,"started_at":"2026-11-24T03:54:54.894Z","last_exit_code":3,"next_restart_at":"2026-11-24T03:54:55.298Z"}]},
          {"host_name":"lab-2","processes":[
            {"pid":3217,"name":"sleeper","path":"/bin/sleep","args":["300"],"state":"running","restarts":0,"started_at":"2026-12-06T03:09:33.971Z","cpu_percent":0.0,"rss_bytes":1736704,"threads":1,"processes":1,"uptime_s":0.3}]},
          {"host_name":"lab-3","error_message":"host unreachable"}]}}
        """;

    private static List<JsonObject> PsRows() =>
        Requests.HostEntries(JsonNode.Parse(ListProcessesReply)!["list_processes"]!.AsObject()).SelectMany(PsCommand.RowsOf).ToList();

    private static string[] Render(int width, bool wide = false, bool json = false)
    {
        var output = new StringWriter();
        TableView.Show(new Terminal(output, json, colour: false, interactive: false, width), PsCommand.Columns, PsRows(), wide);
        return output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public void Ps_at_80_columns_fits_every_line_and_cuts_the_long_command_with_an_ellipsis()
    {
        var lines = Render(80);

        Assert.All(lines, line => Assert.True(line.TrimEnd().Length <= 80, $"{line.Length}: {line}"));
        Assert.Equal(5, lines.Length); // header, three entries, the unreachable host: one line each
        Assert.StartsWith("HOST", lines[0]);
        foreach (var header in new[] { "NAME", "PID", "STATE", "RESTARTS", "UPTIME", "CPU%", "RSS", "COMMAND" }) Assert.Contains(header, lines[0]);
        var ticker = Assert.Single(lines, l => l.Contains("ticker"));
        Assert.Contains("…", ticker);
        Assert.Contains("/bin/sh -c", ticker);
        Assert.Contains("4242", ticker);
    }

    [Fact]
    public void Ps_at_200_columns_shows_every_cell_whole()
    {
        var lines = Render(200);

        Assert.DoesNotContain(lines, l => l.Contains('…'));
        Assert.Contains(lines, l => l.Contains("i=0; while true; do i=$((i+1)); echo tick $i; sleep 1; done"));
        Assert.Contains(lines, l => l.Contains("lab-3") && l.Contains("host unreachable"));
        Assert.Contains(lines, l => l.Contains("flaky") && l.Contains("backing_off"));
    }

    [Fact]
    public void Ps_wide_adds_path_args_last_exit_and_next_run_whatever_the_width()
    {
        var lines = Render(80, wide: true);

        foreach (var header in new[] { "PATH", "ARGS", "LAST EXIT", "NEXT RUN" }) Assert.Contains(header, lines[0]);
        Assert.Contains(lines, l => l.Contains("flaky") && l.Contains("exit 3"));
        Assert.DoesNotContain(lines, l => l.Contains('…'));
    }

    [Fact]
    public void Ps_json_is_one_array_of_rows_with_the_node_fields_plus_host_and_command()
    {
        var rows = JsonNode.Parse(Assert.Single(Render(80, json: true)))!.AsArray();

        Assert.Equal(4, rows.Count);
        var ticker = rows[0]!.AsObject();
        Assert.Equal("lab-1", (string?)ticker["host"]);
        Assert.Equal(4242, (int)ticker["pid"]!);
        Assert.Equal("running", (string?)ticker["state"]);
        Assert.Equal("/bin/sh -c i=0; while true; do i=$((i+1)); echo tick $i; sleep 1; done", (string?)ticker["command"]);
        Assert.Equal("host unreachable", (string?)rows[3]!["error_message"]);
    }

    [Fact]
    public void Sort_by_cpu_puts_the_busiest_first() =>
        Assert.Equal("ticker", (string?)PsCommand.Sorted(PsRows(), PsCommand.SortKey.Cpu)[0]["name"]);

    [Fact]
    public void Fit_narrows_the_widest_column_first_and_keeps_every_column()
    {
        var widths = TableView.Fit([5, 7, 60], 40);

        Assert.Equal([5, 7, 24], widths);
    }

    [Theory]
    [InlineData(0L, "0B")]
    [InlineData(3170304L, "3.0M")]
    [InlineData(41943040L, "40M")]
    public void Sizes_are_short(long bytes, string text) => Assert.Equal(text, Units.Bytes(bytes));

    [Fact]
    public void A_sparkline_scales_to_the_largest_value() => Assert.Equal("▁▅█", Units.Sparkline([0, 50, 100]));
}
