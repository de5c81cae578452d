using BlueZero.ProcessManager.Observation;
using Xunit;

namespace BlueZero.Tests.Unit.Observation;

/// <summary>Which mounts count as disks, and with which figures.</summary>
public sealed class DiskFactsReaderTests
{
    private static readonly FileSystemSpace OneGiB = new(TotalBytes: 1L << 30, FreeBytes: 1L << 29, AvailableBytes: 1L << 28);

    [Fact]
    public void Captured_mounts_keep_data_file_systems_and_drop_kernel_interfaces()
    {
        var disks = DiskFactsReader.Select(MountsFile.Parse(SampleFiles.Read("proc-self-mounts.txt")), _ => OneGiB);

        // devtmpfs, devpts, proc, sysfs, cgroup* and the tmpfs on /sys/fs/cgroup go; /dev/shm appears twice but counts once.
        Assert.Equal(new[] { "/", "/mnt/sandboxing/model_tools_env/v1/python", "/dev/shm" }, disks.Select(d => d.Mount));
    }

    [Fact]
    public void Figures_come_from_the_file_system_space()
    {
        var disk = Assert.Single(DiskFactsReader.Select([new MountEntry("/dev/sda1", "/data", "xfs")], _ => OneGiB));

        Assert.Equal(("/data", "/dev/sda1", "xfs"), (disk.Mount, disk.Device, disk.FsType));
        Assert.Equal((1L << 30, 1L << 28), (disk.TotalBytes, disk.AvailableBytes));
        // used 512 MiB of the 768 MiB that are used or available; the rest is reserved for root.
        Assert.Equal(100.0 * 512 / 768, disk.PercentUsed, precision: 6);
    }

    [Fact]
    public void A_later_mount_on_the_same_point_hides_the_earlier_one()
    {
        MountEntry[] mounts = [new("/dev/sda1", "/data", "ext4"), new("/dev/sdb1", "/data", "xfs")];

        var disk = Assert.Single(DiskFactsReader.Select(mounts, _ => OneGiB));

        Assert.Equal("/dev/sdb1", disk.Device);
    }

    [Fact]
    public void Mounts_of_size_zero_or_unknown_size_are_left_out()
    {
        MountEntry[] mounts = [new("ramfs", "/empty", "ramfs"), new("nfs:/x", "/gone", "nfs4")];
        var spaces = new Dictionary<string, FileSystemSpace?> { ["/empty"] = new(0, 0, 0), ["/gone"] = null };

        Assert.Empty(DiskFactsReader.Select(mounts, path => spaces[path]));
    }

    [Theory]
    [InlineData("cgroup2", "/sys/fs/cgroup", true)]
    [InlineData("tmpfs", "/sys/fs/cgroup", true)]
    [InlineData("binfmt_misc", "/proc/sys/fs/binfmt_misc", true)]
    [InlineData("tmpfs", "/run", false)]
    [InlineData("overlay", "/", false)]
    [InlineData("ext4", "/system", false)]
    public void Kernel_interfaces_are_pseudo_file_systems(string fsType, string mountPoint, bool pseudo)
    {
        Assert.Equal(pseudo, DiskFactsReader.IsPseudo(new MountEntry("x", mountPoint, fsType)));
    }

    [Fact]
    public void Space_of_the_root_file_system_is_read_with_statvfs()
    {
        var space = FileSystemSpace.Of("/");

        Assert.NotNull(space);
        Assert.True(space.TotalBytes > 0 && space.AvailableBytes <= space.FreeBytes && space.FreeBytes <= space.TotalBytes);
    }

    [Fact]
    public void Space_of_a_missing_path_is_unknown()
    {
        Assert.Null(FileSystemSpace.Of("/no/such/mount/point"));
    }
}
