using BlueZero.ProcessManager.Observation;
using Xunit;

namespace BlueZero.Tests.Unit.Observation;

/// <summary>The distribution's name from os-release(5).</summary>
public sealed class OsReleaseFileTests
{
    [Fact]
    public void Captured_file_gives_the_pretty_name()
    {
        Assert.Equal("Debian GNU/Linux 12 (bookworm)", OsReleaseFile.ParsePrettyName(SampleFiles.Read("os-release.txt")));
    }

    [Fact]
    public void Quotes_and_backslash_escapes_are_removed()
    {
        var values = OsReleaseFile.Parse("# comment=ignored\nA=\"say \\\"hi\\\" \\\\o/\"\nB='single $quoted'\nC=bare\n");

        Assert.Equal("say \"hi\" \\o/", values["A"]);
        Assert.Equal("single $quoted", values["B"]);
        Assert.Equal("bare", values["C"]);
        Assert.False(values.ContainsKey("# comment"));
    }

    [Fact]
    public void Without_a_pretty_name_the_name_is_used()
    {
        Assert.Equal("Alpine Linux", OsReleaseFile.ParsePrettyName("NAME=\"Alpine Linux\"\nID=alpine\n"));
    }

    [Fact]
    public void Without_any_name_the_distribution_is_unknown()
    {
        Assert.Equal(SystemFiles.Unknown, OsReleaseFile.ParsePrettyName("ID=custom\n"));
    }
}
