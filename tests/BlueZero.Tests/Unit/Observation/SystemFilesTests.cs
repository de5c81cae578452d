using BlueZero.ProcessManager.Observation;
using Xunit;

namespace BlueZero.Tests.Unit.Observation;

/// <summary>Single-value files (/proc/uptime, kernel release, host name) and files that cannot be read.</summary>
public sealed class SystemFilesTests
{
    [Fact]
    public void Uptime_is_the_first_number_of_proc_uptime()
    {
        Assert.Equal(9280.43, UptimeFile.ParseSeconds(SampleFiles.Read("proc-uptime.txt")), precision: 6);
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage 12.0")]
    public void Unparseable_uptime_is_zero(string text)
    {
        Assert.Equal(0, UptimeFile.ParseSeconds(text));
    }

    [Fact]
    public void Kernel_release_and_host_name_are_the_first_line_without_its_newline()
    {
        Assert.Equal("6.18.44-fc-v669", SystemFiles.ReadFirstLine(SampleFiles.PathOf("proc-sys-kernel-osrelease.txt")));
        Assert.Equal("vm", SystemFiles.ReadFirstLine(SampleFiles.PathOf("proc-sys-kernel-hostname.txt")));
    }

    [Theory]
    [InlineData("/no/such/file")]
    [InlineData("/proc")] // a directory
    public void A_file_that_cannot_be_read_gives_null(string path)
    {
        Assert.Null(SystemFiles.ReadText(path));
        Assert.Null(SystemFiles.ReadFirstLine(path));
    }
}
