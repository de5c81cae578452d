using BlueZero.Cli;
using Xunit;

namespace BlueZero.Tests.Unit.Cli;

/// <summary>b0's command line as System.CommandLine parses it: every command, and the bad input it refuses.</summary>
public sealed class B0ParsingTests
{
    private static readonly B0CommandLine Cli = new();

    private static void AssertParses(params string[] args)
    {
        var parsed = Cli.Parse(args);
        Assert.True(parsed.Errors.Count == 0, $"b0 {string.Join(' ', args)}: {string.Join("; ", parsed.Errors.Select(e => e.Message))}");
    }

    private static string FirstError(params string[] args)
    {
        var parsed = Cli.Parse(args);
        Assert.NotEmpty(parsed.Errors);
        return parsed.Errors[0].Message;
    }

    [Theory]
    [InlineData("hosts")]
    [InlineData("ps")]
    [InlineData("ps", "lab-1", "lab-2", "-o", "wide", "--sort", "cpu", "--watch")]
    [InlineData("start", "lab-1", "--name", "web", "--env", "A=1", "--env", "B=x=y", "--cwd", "/tmp", "--restart", "on-failure",
        "--max-restarts", "3", "--backoff-initial", "200", "--backoff-max", "5000", "--max-time", "60", "--output", "discard",
        "--stdin", "hello", "--", "/bin/sh", "-c", "echo --name")]
    [InlineData("start", "lab-1", "--every", "3600", "--", "/usr/local/bin/backup")]
    [InlineData("stop", "lab-1", "web", "--wait")]
    [InlineData("restart", "lab-1", "4242")]
    [InlineData("status", "lab-1", "web")]
    [InlineData("logs", "lab-1", "web", "-f", "--stream", "stderr", "--tail", "5", "--since-seq", "40", "--timestamps", "--raw")]
    [InlineData("stats", "lab-1", "web")]
    [InlineData("info")]
    [InlineData("info", "lab-1")]
    [InlineData("kill-all", "lab-1", "--yes")]
    [InlineData("kill-all", "--all-hosts")]
    [InlineData("events", "-f", "--host", "a", "--host", "b", "--type", "process_exited", "--name", "web", "--since", "10m", "--limit", "50")]
    [InlineData("events", "--since", "2026-12-06T03:00:00Z")]
    [InlineData("call", "request.json")]
    [InlineData("call")]
    [InlineData("--hub", "http://127.0.0.1:9000", "--token", "t", "--json", "--no-color", "ps")]
    [InlineData("ps", "--json", "--hub", "http://127.0.0.1:9000")]
    public void Every_command_parses_with_its_documented_options(params string[] args) => AssertParses(args);

    [Fact]
    public void An_unknown_flag_is_a_usage_error() =>
        Assert.Contains("--bogus", FirstError("ps", "--bogus"));

    [Fact]
    public void An_env_without_equals_is_a_usage_error() =>
        Assert.Equal("--env takes NAME=VALUE, with a non-empty NAME", FirstError("start", "lab-1", "--env", "NOEQUALS", "--", "/bin/true"));

    [Fact]
    public void An_env_with_an_empty_name_is_a_usage_error() =>
        Assert.Equal("--env takes NAME=VALUE, with a non-empty NAME", FirstError("start", "lab-1", "--env", "=x", "--", "/bin/true"));

    [Fact]
    public async Task A_start_without_double_dash_exits_2()
    {
        var cli = new B0CommandLine { Terminal = new BlueZero.Cli.Rendering.Terminal(new StringWriter(), false, false, false) };
        Assert.Equal((int)CliExit.Usage, await cli.Run(["start", "lab-1", "/bin/sleep", "1"], new StringWriter()));
    }

    [Theory]
    [InlineData("ps", "--sort", "size")]
    [InlineData("ps", "-o", "narrow")]
    [InlineData("start", "lab-1", "--restart", "sometimes", "--", "/bin/true")]
    [InlineData("start", "lab-1", "--output", "file", "--", "/bin/true")]
    [InlineData("start", "lab-1", "--max-restarts", "many", "--", "/bin/true")]
    [InlineData("start", "lab-1")]
    [InlineData("logs", "lab-1", "web", "--stream", "stdin")]
    [InlineData("logs", "lab-1", "web", "--tail", "-1")]
    [InlineData("stop", "lab-1")]
    [InlineData("status")]
    [InlineData("kill-all")]
    [InlineData("kill-all", "lab-1", "--all-hosts")]
    [InlineData("events", "--type", "reboot")]
    [InlineData("events", "--since", "yesterday")]
    [InlineData("hostz")]
    public void Bad_input_is_refused_by_the_parser(params string[] args) => Assert.NotEmpty(Cli.Parse(args).Errors);

    [Fact]
    public async Task A_usage_error_exits_2_with_one_line_naming_the_closest_command()
    {
        var error = new StringWriter();

        var exit = await new B0CommandLine().Run(["hostz"], error);

        Assert.Equal((int)CliExit.Usage, exit);
        Assert.Equal("b0: Unrecognized command or argument 'hostz'. (did you mean hosts?)\n", error.ToString());
    }

    [Fact]
    public void The_help_documents_every_exit_code()
    {
        foreach (var line in new[] { "0  it worked", "1  the hub or the node said no", "2  usage error", "3  the hub cannot be reached", "4  the token is missing or wrong" })
            Assert.Contains(line, B0CommandLine.Description);
    }
}
