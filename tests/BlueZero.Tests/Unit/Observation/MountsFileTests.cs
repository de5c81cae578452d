using BlueZero.ProcessManager.Observation;
using Xunit;

namespace BlueZero.Tests.Unit.Observation;

/// <summary>/proc/self/mounts lines, whose fields escape spaces and backslashes as octal.</summary>
public sealed class MountsFileTests
{
    [Fact]
    public void Captured_file_lists_every_mount_with_device_point_and_type()
    {
        var mounts = MountsFile.Parse(SampleFiles.Read("proc-self-mounts.txt"));

        Assert.Equal(20, mounts.Count);
        Assert.Contains(new MountEntry("/dev/vda", "/", "ext4"), mounts);
        Assert.Contains(new MountEntry("cgroup2", "/sys/fs/cgroup/unified", "cgroup2"), mounts);
    }

    [Fact]
    public void Octal_escapes_are_decoded()
    {
        var mounts = MountsFile.Parse("/dev/sdb1 /mnt/my\\040disk ext4 rw 0 0\n//nas/share /mnt/a\\134b\\011c cifs rw 0 0\n");

        Assert.Equal(new MountEntry("/dev/sdb1", "/mnt/my disk", "ext4"), mounts[0]);
        Assert.Equal("/mnt/a\\b\tc", mounts[1].MountPoint);
    }

    [Theory]
    [InlineData("/mnt/a\\04", "/mnt/a\\04")]   // cut short
    [InlineData("/mnt/a\\089", "/mnt/a\\089")] // not octal
    [InlineData("/mnt/plain", "/mnt/plain")]
    public void A_backslash_without_three_octal_digits_is_kept(string field, string expected)
    {
        Assert.Equal(expected, MountsFile.Unescape(field));
    }

    [Fact]
    public void Blank_and_short_lines_are_skipped()
    {
        Assert.Empty(MountsFile.Parse("\n/dev/sda1 /data\n"));
    }
}
