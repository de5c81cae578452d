using BlueZero.Hub.Security;
using BlueZero.Mesh.Configuration;
using Xunit;

namespace BlueZero.Tests.Unit;

/// <summary>
/// The hub's token file: name:role:token lines, comments and blank lines ignored, and every mistake refused with
/// the file and line named, so a hub never starts with tokens other than the ones its operator meant.
/// </summary>
public sealed class TokenFileTests
{
    private const string File = "/etc/bluezero/tokens";

    private static TokenFile Parse(params string[] lines) => TokenFile.Parse(File, lines);

    [Fact]
    public void Names_and_roles_are_read_and_comments_and_blank_lines_skipped()
    {
        var tokens = Parse("# operators", "", "  alice:admin:s3cret-a  ", "monitor:read:s3cret-m", "   # indented comment");

        Assert.Equal([new Caller("alice", TokenRole.Admin), new Caller("monitor", TokenRole.Read)], tokens.Callers);
    }

    [Fact]
    public void A_token_finds_its_caller_and_anything_else_finds_none()
    {
        var tokens = Parse("alice:admin:s3cret-a", "monitor:read:s3cret-m");

        Assert.Equal(new Caller("alice", TokenRole.Admin), tokens.Find("s3cret-a"));
        Assert.Equal(new Caller("monitor", TokenRole.Read), tokens.Find("s3cret-m"));
        Assert.Null(tokens.Find("s3cret-"));
        Assert.Null(tokens.Find("s3cret-a "));
        Assert.Null(tokens.Find(""));
        Assert.Null(tokens.Find("alice"));
    }

    [Fact]
    public void A_token_may_contain_colons()
    {
        var tokens = Parse("ci:admin:a:b:c");

        Assert.Equal("ci", tokens.Find("a:b:c")?.Name);
    }

    [Theory]
    [InlineData("alice:admin", "line 2: expected name:role:token")]
    [InlineData("alice:owner:x", "line 2: unknown role 'owner' for 'alice': expected admin or read")]
    [InlineData("alice:admin:", "line 2: empty token for 'alice'")]
    [InlineData(":admin:x", "line 2: empty name")]
    [InlineData("alice:admin:two words", "line 2: the token of 'alice' contains white space")]
    [InlineData("bob:read:other", "line 2: duplicate name 'bob' (first on line 1)")]
    [InlineData("carol:read:s3cret-b", "line 2: duplicate token (first on line 1)")]
    public void A_malformed_line_is_refused_naming_the_file_and_line(string badLine, string why)
    {
        var error = Assert.Throws<SetupException>(() => Parse("bob:admin:s3cret-b", badLine));

        Assert.Equal($"token file {File} {why}", error.Message);
    }

    [Fact]
    public void A_file_without_tokens_is_refused()
    {
        var error = Assert.Throws<SetupException>(() => Parse("# nothing yet", ""));

        Assert.Equal($"token file {File} has no tokens", error.Message);
    }

    [Fact]
    public void A_missing_file_is_refused_naming_it()
    {
        var error = Assert.Throws<SetupException>(() => TokenFile.Load("/nonexistent/bluezero-tokens"));

        Assert.StartsWith("cannot read token file /nonexistent/bluezero-tokens: ", error.Message);
    }

    [Theory]
    [InlineData("list_active_processes", true)]
    [InlineData("list_processes", true)]
    [InlineData("query_process_status", true)]
    [InlineData("start_process", false)]
    [InlineData("stop_process", false)]
    [InlineData("kill_all", false)]
    [InlineData("unschedule", false)]
    [InlineData("forget_host", false)]
    public void A_read_token_may_run_only_the_read_operations(string operation, bool allowed)
    {
        Assert.Equal(allowed, BearerAuthentication.MayRun(new Caller("monitor", TokenRole.Read), operation));
        Assert.True(BearerAuthentication.MayRun(new Caller("alice", TokenRole.Admin), operation));
    }
}
